"""CGAN presets (Mirza & Osindero 2014), reproduced by the scripts in zoo/."""

cgan_presets = {
    "cgan_fashion_mnist": {
        "metadata": {
            "description": "Class-conditional GAN on the ten Fashion-MNIST classes "
            "(the conditional DCGAN: one-hot y to z and to every D resolution) with a "
            "moving average of the generator (beyond the paper), 18 epochs; "
            "generate(labels=...).",
            "variant": "cgan",
            "params": 2_055_918,  # generator and its average; discriminator
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/cgan_fashion_mnist.py --epochs 18",
            # train_minutes of the run's history.csv at epoch 18 (its timing.json missed
            # the run, stopped by signal after epoch 18's backup and finished by the
            # recipe's command); 2 CPU cores, mostly alone, see zoo/README.md.
            "train_seconds": 2380,
            "metrics": {
                "fid": 39.83,
                "kid": 96.42,
                "kid_std": 51.35,
                "inception_score": 7.818,
                "raw_generator_fid": 65.55,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "cgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
                # How often the shipped classifier recognizes the requested class
                # (1,000 samples per class), averaged over the classes; the worst class
                # (pullover; T-shirt 80.0%, shirt 78.5%).
                "class_accuracy": 0.9006,
                "class_accuracy_min": 0.7320,
                # kg.evaluation.measures.class_diversity (200 per class): 1 = as varied
                # as the real images of the class.
                "class_diversity": 0.8986,
                "class_diversity_min": 0.8442,
            },
        },
        # kg.presets.export: the networks and the generator's average, float16 weights,
        # 3.8 MB.
        "file": "cgan_fashion_mnist.keras",
        "url": None,
        "sha256": "797241a799262bcf805111b242a229424b5e3808408a6b5d68c0952b5fa41984",
    },
}
