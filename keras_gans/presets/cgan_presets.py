"""CGAN presets (Mirza & Osindero 2014), reproduced by the scripts in zoo/."""

cgan_presets = {
    "cgan_fashion_mnist": {
        "metadata": {
            "description": "Class-conditional GAN on the ten Fashion-MNIST classes "
            "(the conditional DCGAN: one-hot y to z and to every D resolution) with a "
            "moving average of the generator (beyond the paper), 10 epochs; "
            "generate(labels=...).",
            "variant": "cgan",
            "params": 2_055_918,  # generator and its average; discriminator
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/cgan_fashion_mnist.py --epochs 10",
            # train_minutes of the run's history.csv (its timing.json lost the first,
            # interrupted invocation); 2 CPU cores shared with tests, see zoo/README.md.
            "train_seconds": 2413,
            "metrics": {
                "fid": 117.52,
                "kid": 357.10,
                "kid_std": 99.80,
                "inception_score": 7.417,
                "raw_generator_fid": 123.90,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "cgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
                # How often the shipped classifier recognizes the requested class
                # (1,000 samples per class), averaged over the classes; the worst class.
                "class_accuracy": 0.8717,
                "class_accuracy_min": 0.6270,
                # kg.evaluation.measures.class_diversity (200 per class): 1 = as varied
                # as the real images of the class.
                "class_diversity": 0.8488,
                "class_diversity_min": 0.7518,
            },
        },
        # kg.presets.export: the networks and the generator's average, float16
        # weights, 3.8 MB (the float32 file measured FID 117.52; this one 117.51).
        "file": "cgan_fashion_mnist.keras",
        "url": None,
        "sha256": "379c76717ff1fcede8343d1dc0341e8459cb967f9bd0f87c61f7f52bcebd42e1",
    },
}
