"""WGAN-GP presets (Gulrajani et al. 2017), reproduced by the scripts in zoo/."""

wgan_gp_presets = {
    "wgan_gp_fashion_mnist": {
        "metadata": {
            "description": "WGAN-GP with the paper's Algorithm 1 defaults (lambda 10, "
            "5 critic steps, Adam 1e-4 / 0 / 0.9), 36 epochs on Fashion-MNIST.",
            "variant": "wgan_gp",
            "params": 1_047_363,  # generator 834,369; layer-normalized critic 212,993
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/wgan_gp_fashion_mnist.py --epochs 36",
            "train_seconds": 5900,  # 2 CPU cores (AMD EPYC), see zoo/README.md
            "metrics": {
                "fid": 320.98,
                "kid": 740.63,
                "kid_std": 128.75,
                "inception_score": 5.957,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "wgan_gp_fashion_mnist.keras --dataset fashion_mnist --num 10000",
                # The run's moving average (ema_decay 0.995), not in the file: worse.
                "averaged_generator_fid": 340.1,
            },
        },
        # kg.presets.export(averages="dropped"): the trained networks only, float16
        # weights, 1.9 MB.
        "file": "wgan_gp_fashion_mnist.keras",
        "url": None,
        "sha256": "73b0d4685e94b1b59d2f8de449652fcb0386897946587875dffcf2c4f05816f1",
    },
}
