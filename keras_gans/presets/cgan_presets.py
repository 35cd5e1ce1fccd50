"""CGAN presets (Mirza & Osindero 2014), reproduced by the scripts in zoo/."""

cgan_presets = {
    "cgan_fashion_mnist": {
        "metadata": {
            "description": "Class-conditional GAN on the ten Fashion-MNIST classes "
            "(DCGAN networks with a label embedding), 5 epochs; generate(labels=...).",
            "variant": "cgan",
            "params": 1_371_159,  # generator 1,148,469; discriminator 222,690
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/cgan_fashion_mnist.py --epochs 5",
            "train_seconds": 898,  # 2 shared CPU cores, see zoo/README.md
            "metrics": {
                "fid": 980.40,
                "kid": 1252.11,
                "kid_std": 154.37,
                "inception_score": 4.145,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "cgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
                # How often the shipped classifier recognizes the requested class
                # (1,000 samples per class), averaged over the classes.
                "class_accuracy": 0.6001,
            },
        },
        # Complete .keras file (config, weights, both Adam states), 16.6 MB.
        "file": "cgan_fashion_mnist.keras",
        "url": None,
        "sha256": "4ced8a9080e4c2089d7463fbd26abaa45ac8ed549cca0c4c2e7a9aa584a9b4a6",
    },
}
