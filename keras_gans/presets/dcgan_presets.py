"""DCGAN presets (Radford et al. 2015), reproduced by the scripts in zoo/."""

dcgan_presets = {
    "dcgan_fashion_mnist": {
        "metadata": {
            "description": "DCGAN with the paper's defaults (filters 64, z ~ U[-1, 1] "
            "of 100) and a moving average of the generator (ema_decay 0.999, beyond the "
            "paper), 40 epochs on Fashion-MNIST 28x28x1.",
            "variant": "dcgan",
            "params": 1_881_988,  # generator 834,369 and its average; discriminator 213,250
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/dcgan_fashion_mnist.py --epochs 40",
            "train_seconds": 5635,  # 2 CPU cores, see zoo/README.md
            "metrics": {
                "fid": 92.96,
                "kid": 265.02,
                "kid_std": 85.20,
                "inception_score": 6.853,
                # The trained generator of the same run (generate(..., use_ema=False)).
                "raw_generator_fid": 105.57,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "dcgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # The networks and the generator's average, no optimizer state, 7.6 MB.
        "file": "dcgan_fashion_mnist.keras",
        "url": None,
        "sha256": "38710296144d632bf47fbd030b10919c62b80c6b440adb3d642914f5840afd5b",
    },
}
