"""GAN presets (Goodfellow et al. 2014), reproduced by the scripts in zoo/."""

gan_presets = {
    "gan_fashion_mnist": {
        "metadata": {
            "description": "The original GAN with the paper's MNIST configuration "
            "(MLP generator, maxout discriminator, SGD), 196 epochs on Fashion-MNIST "
            "in three stages; its generator is the moving average of the trained one "
            "(ema_decay 0.999, then 0.9999 over the last 61 epochs; beyond the paper).",
            "variant": "gan",
            "params": 3_735_429,  # generator (the average) 2,503,984; discriminator 1,231,445
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/gan_fashion_mnist.py --epochs 40, then 95 and 61 more "
            "epochs with --continue-from (zoo/README.md)",
            "train_seconds": 5582,  # 2123 + 2105 + 1354 s, 2 CPU cores, see zoo/README.md
            "metrics": {
                "fid": 211.61,
                "kid": 512.81,
                "kid_std": 115.22,
                "inception_score": 6.535,
                # The trained generator of the same run on the same draw, measured
                # before export (the file ships only its average: averages="in_place").
                "raw_generator_fid": 466.88,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "gan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # kg.presets.export(averages="in_place"): the generator's average as the
        # generator, the trained discriminator, float16 weights, 6.9 MB.
        "file": "gan_fashion_mnist.keras",
        "url": None,
        "sha256": "43a7c5bdff2ce4053a81ec5e783fef7b8a8cbc6bc4ed39690e5406b9dd30ed9b",
    },
}
