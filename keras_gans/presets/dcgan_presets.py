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
                # The trained generator of the same run on the same draw
                # (`keras-gans evaluate dcgan_fashion_mnist --no-ema`): the average is
                # ahead by 11. (87.39, stated before 2026-12-03's third stretch, was
                # measured on another draw of 10,000 samples; see docs/evaluation.md.)
                "raw_generator_fid": 100.17,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "dcgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # kg.presets.export: the networks and the generator's average, no optimizer
        # state, float16 weights, 3.5 MB (the float32 file, 7.6 MB, measured the same:
        # FID 89.05; `python scripts/compact_presets.py dcgan_fashion_mnist`).
        "file": "dcgan_fashion_mnist.keras",
        "url": None,
        "sha256": "8afe5e77f321a3a7233c699879b798425341b71dee0f126cb1e70987fb32f4b9",
    },
}
