"""DCGAN presets (Radford et al. 2015), reproduced by the scripts in zoo/."""

dcgan_presets = {
    "dcgan_fashion_mnist": {
        "metadata": {
            "description": "DCGAN with the paper's defaults (filters 64, z ~ U[-1, 1] "
            "of 100), 10 epochs on Fashion-MNIST 28x28x1.",
            "variant": "dcgan",
            "params": 1_047_619,  # generator 834,369; discriminator 213,250
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/dcgan_fashion_mnist.py --epochs 10",
            "train_seconds": 1899,  # 2 shared CPU cores, see zoo/README.md
            "metrics": {
                "fid": 325.10,
                "kid": 712.39,
                "kid_std": 125.31,
                "inception_score": 5.941,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "dcgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # Complete .keras file (config, weights, both Adam states), 12.7 MB.
        "file": "dcgan_fashion_mnist.keras",
        "url": None,
        "sha256": "d4ec5d4293bb9caee10aaba164df0555a0c1264c090b6d7297127b354fb8e339",
    },
}
