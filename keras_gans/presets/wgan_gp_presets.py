"""WGAN-GP presets (Gulrajani et al. 2017), reproduced by the scripts in zoo/."""

wgan_gp_presets = {
    "wgan_gp_fashion_mnist": {
        "metadata": {
            "description": "WGAN-GP with the paper's Algorithm 1 defaults (lambda 10, "
            "5 critic steps, Adam 1e-4 / 0 / 0.9), 113 epochs on Fashion-MNIST in two "
            "stages, with the generator's moving average (decay 0.999 over the last 77 "
            "epochs, beyond the paper).",
            "variant": "wgan_gp",
            "params": 1_881_732,  # generator and its average 834,369 each; critic 212,993
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/wgan_gp_fashion_mnist.py --epochs 36, then --epochs 77 "
            "--continue-from wgan_gp_fashion_mnist (zoo/README.md)",
            "train_seconds": 13861,  # 5900 + 7961 s, 2 CPU cores (AMD EPYC), zoo/README.md
            "metrics": {
                "fid": 138.94,
                "kid": 411.03,
                "kid_std": 107.94,
                "inception_score": 6.746,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "wgan_gp_fashion_mnist.keras --dataset fashion_mnist --num 10000",
                # The trained generator of the same file, same draw (--no-ema).
                "raw_generator_fid": 139.86,
            },
        },
        # kg.presets.export: the trained networks and the generator's average, float16
        # weights, 3.5 MB.
        "file": "wgan_gp_fashion_mnist.keras",
        "url": None,
        "sha256": "563f8f74c383e1e22f302806f132dc2fd1fd9cad3c02d7d1c2ccf59122c91e06",
    },
}
