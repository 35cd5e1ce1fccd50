"""WGAN presets (Arjovsky et al. 2017), reproduced by the scripts in zoo/."""

wgan_presets = {
    "wgan_fashion_mnist": {
        "metadata": {
            "description": "WGAN with weight clipping, the paper's Algorithm 1 defaults "
            "(RMSProp 5e-5, c = 0.01, 5 critic steps), 284 epochs on Fashion-MNIST in four "
            "stages.",
            "variant": "wgan",
            "params": 1_047_619,  # generator 834,369; critic 213,250
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/wgan_fashion_mnist.py --epochs 10, then --epochs 69 "
            "--continue-from wgan_fashion_mnist, then --epochs 100 from that run's "
            "model.keras, then --epochs 105 --continue-from wgan_fashion_mnist (the "
            "179-epoch file, at a086af8; zoo/README.md)",
            # 1481 + 4308 + 7676 + 7904 s, 2 CPU cores, see zoo/README.md
            "train_seconds": 21369,
            "metrics": {
                "fid": 381.31,
                "kid": 835.74,
                "kid_std": 135.61,
                "inception_score": 5.629,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                # The last stage's moving average (0.999), not in the file: worse.
                "averaged_generator_fid": 389.5,
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "wgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # kg.presets.export(averages="dropped"): the trained networks only, float16
        # weights, 1.9 MB.
        "file": "wgan_fashion_mnist.keras",
        "url": None,
        "sha256": "c4956fb4498738e8cadbfbe58cd38bdee78395e349d48fa73f05d984fee0e0ee",
    },
}
