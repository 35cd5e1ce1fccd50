"""WGAN presets (Arjovsky et al. 2017), reproduced by the scripts in zoo/."""

wgan_presets = {
    "wgan_fashion_mnist": {
        "metadata": {
            "description": "WGAN with weight clipping, the paper's Algorithm 1 defaults "
            "(RMSProp 5e-5, c = 0.01, 5 critic steps), 179 epochs on Fashion-MNIST in three "
            "stages.",
            "variant": "wgan",
            "params": 1_047_619,  # generator 834,369; critic 213,250
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/wgan_fashion_mnist.py --epochs 10, then --epochs 69 "
            "--continue-from wgan_fashion_mnist, then --epochs 100 from that run's "
            "model.keras (zoo/README.md)",
            "train_seconds": 13465,  # 1481 + 4308 + 7676 s, 2 CPU cores, see zoo/README.md
            "metrics": {
                "fid": 500.45,
                "kid": 982.98,
                "kid_std": 142.5,
                "inception_score": 5.143,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                # The continuation's moving average (0.999), not in the file: worse.
                "averaged_generator_fid": 508.91,
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "wgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # kg.presets.export(averages="dropped"): the trained networks only, float16
        # weights, 1.9 MB.
        "file": "wgan_fashion_mnist.keras",
        "url": None,
        "sha256": "22d78b39f1959acd875892132eaaa2075ca069ec882e65ade9b41e6faacacc7e",
    },
}
