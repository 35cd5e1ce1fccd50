"""DCGAN presets (Radford et al. 2015), reproduced by the scripts in zoo/."""

dcgan_presets = {
    "dcgan_fashion_mnist": {
        "metadata": {
            "description": "DCGAN with the paper's defaults (filters 64, z ~ U[-1, 1] "
            "of 100) and a moving average of the generator (ema_decay 0.999, beyond the "
            "paper), 50 epochs on Fashion-MNIST 28x28x1.",
            "variant": "dcgan",
            "params": 1_881_988,  # generator 834,369 and its average; discriminator 213,250
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/dcgan_fashion_mnist.py --epochs 50",
            "train_seconds": 5751,  # 2 CPU cores, see zoo/README.md
            "metrics": {
                "fid": 89.05,
                "kid": 253.60,
                "kid_std": 91.09,
                "inception_score": 6.883,
                # The trained generator of the same run (generate(..., use_ema=False)):
                # at epoch 50 it is ahead of its average, which lags the still-improving
                # generator by ~2 epochs (zoo/README.md).
                "raw_generator_fid": 87.39,
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
        "sha256": "8bf666ed3cf873f62741d4973ac1174a5cd2cd8f94b5689025be1bfb14a5fcc5",
    },
}
