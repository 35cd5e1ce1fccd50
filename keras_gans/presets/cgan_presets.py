"""CGAN presets (Mirza & Osindero 2014), reproduced by the scripts in zoo/."""

cgan_presets = {
    "cgan_fashion_mnist": {
        "metadata": {
            "description": "Class-conditional GAN on the ten Fashion-MNIST classes "
            "(the conditional DCGAN: one-hot y to z and to every D resolution) with a "
            "moving average of the generator (beyond the paper), 26 epochs; "
            "generate(labels=...).",
            "variant": "cgan",
            "params": 2_055_918,  # generator and its average; discriminator
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            # 18 epochs (the preset of commit 9225e0e, sha 797241a7...), then 8 more
            # on top of that file with fresh optimizers.
            "recipe": "python zoo/cgan_fashion_mnist.py --epochs 18, then "
            "python zoo/cgan_fashion_mnist.py --epochs 8 --continue-from "
            "cgan_fashion_mnist --out runs/zoo/cgan_fashion_mnist_plus8",
            # history.csv train_minutes: 2380 s for the 18 epochs (an Intel Xeon with
            # AMX), 1917 s for the 8 more (an AMD EPYC, AVX2 only); see zoo/README.md.
            "train_seconds": 4297,
            "metrics": {
                "fid": 25.81,
                "kid": 48.77,
                "kid_std": 40.08,
                "inception_score": 7.916,
                # The trained generator on the same draw (--no-ema).
                "raw_generator_fid": 38.76,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "cgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
                # How often the shipped classifier recognizes the requested class
                # (1,000 samples per class), averaged over the classes; the worst class
                # (pullover 77.7%; shirt 78.5%, T-shirt 84.0%).
                "class_accuracy": 0.9138,
                "worst_class_accuracy": 0.777,
                # kg.evaluation.measures.class_diversity (200 per class): 1 = as varied
                # as the real images of the class.
                "class_diversity": 0.9173,
                "class_diversity_min": 0.8593,
            },
        },
        # kg.presets.export: the networks and the generator's average, float16 weights,
        # 3.8 MB.
        "file": "cgan_fashion_mnist.keras",
        "url": None,
        "sha256": "7885070560d98b71614c850dbc81636f75f9ad700f0d7608e5d6e8cef71431b1",
    },
}
