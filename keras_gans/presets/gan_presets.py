"""GAN presets (Goodfellow et al. 2014), reproduced by the scripts in zoo/."""

gan_presets = {
    "gan_fashion_mnist": {
        "metadata": {
            "description": "The original GAN with the paper's MNIST configuration "
            "(MLP generator, maxout discriminator, SGD), 10 epochs on Fashion-MNIST.",
            "variant": "gan",
            "params": 3_735_429,  # generator 2,503,984; discriminator 1,231,445
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/gan_fashion_mnist.py --epochs 10",
            "train_seconds": 491,  # 2 shared CPU cores, see zoo/README.md
            "metrics": {
                "fid": 881.66,
                "kid": 1206.54,
                "kid_std": 154.21,
                "inception_score": 4.382,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "gan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # kg.presets.export: networks only, float16 weights, 6.9 MB (the float32 file,
        # 15 MB, measured FID 881.7; this one 881.67).
        "file": "gan_fashion_mnist.keras",
        "url": None,
        "sha256": "0d0dfff1e7d172303ce6a35ee20f13d2170b19480224fdc2274de3343982297c",
    },
}
