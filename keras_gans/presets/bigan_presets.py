"""BiGAN presets (Donahue et al. 2017), reproduced by the scripts in zoo/."""

bigan_presets = {
    "bigan_fashion_mnist": {
        "metadata": {
            "description": "BiGAN (encoder, generator, joint discriminator; z ~ U[-1, 1] "
            "of 50), 10 epochs on Fashion-MNIST; encode() gives its features.",
            "variant": "bigan",
            "params": 5_721_924,  # generator 1,908,496; encoder 1,907,762; D 1,905,665
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            # The MLP recipe of commit 0bb9ee3 (`git checkout 0bb9ee3 -- zoo`); today's
            # zoo/bigan_fashion_mnist.py trains the convolutional BiGAN that is to
            # replace this file (docs/variants.md).
            "recipe": "python zoo/bigan_fashion_mnist.py --epochs 10  # at commit 0bb9ee3",
            "train_seconds": 681,  # 2 shared CPU cores, see zoo/README.md
            "metrics": {
                "fid": 773.28,
                "kid": 1203.22,
                "kid_std": 152.18,
                "inception_score": 4.689,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "bigan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
                # kg.evaluation.measures.encoder_probe: test accuracy of probes fit on
                # the training split, on E(x) and (for comparison) on raw pixels.
                "linear_on_encoder": 0.7981,
                "nn1_on_encoder": 0.8187,
                "linear_on_pixels": 0.8438,
                "nn1_on_pixels": 0.852,
                "reconstruction_l1": 0.3684,
            },
        },
        # kg.presets.export: networks only, float16 weights, 10.6 MB (the float32 file,
        # 23 MB, measured FID 773.28; this one 773.27).
        "file": "bigan_fashion_mnist.keras",
        "url": None,
        "sha256": "9b4d5b1c2f4d6c400059cf1d8231e1215ea70b7cc52a144e06e57e1c73dcfcd0",
    },
}
