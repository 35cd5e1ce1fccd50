"""DCGAN presets (Radford et al. 2015), reproduced by the scripts in zoo/."""

dcgan_presets = {
    "dcgan_fashion_mnist": {
        "metadata": {
            "description": "DCGAN, paper defaults (filters 64, z ~ U[-1, 1] of 100), "
            "trained on Fashion-MNIST 28x28x1 for TBD epochs.",
            "variant": "dcgan",
            "params": 0,
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/dcgan_fashion_mnist.py --epochs TBD",
            "train_seconds": None,
            "metrics": {},
        },
        "file": "dcgan_fashion_mnist.keras",
        "url": None,
        "sha256": "0" * 64,
    },
}
