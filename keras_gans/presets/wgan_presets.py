"""WGAN presets (Arjovsky et al. 2017), reproduced by the scripts in zoo/."""

wgan_presets = {
    "wgan_fashion_mnist": {
        "metadata": {
            "description": "WGAN with weight clipping, the paper's Algorithm 1 defaults "
            "(RMSProp 5e-5, c = 0.01, 5 critic steps), 79 epochs on Fashion-MNIST in two "
            "stages.",
            "variant": "wgan",
            "params": 1_047_619,  # generator 834,369; critic 213,250
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/wgan_fashion_mnist.py --epochs 10, then --epochs 69 "
            "--continue-from wgan_fashion_mnist (zoo/README.md)",
            "train_seconds": 5789,  # 1481 + 4308 s, 2 CPU cores, see zoo/README.md
            "metrics": {
                "fid": 706.72,
                "kid": 1175.3,
                "kid_std": 149.1,
                "inception_score": 4.379,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                # The continuation's moving average (0.999), not in the file: worse.
                "averaged_generator_fid": 735.38,
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "wgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # kg.presets.export(averages="dropped"): the trained networks only, float16
        # weights, 1.9 MB.
        "file": "wgan_fashion_mnist.keras",
        "url": None,
        "sha256": "8da175d5203f444c6caea96b6e56d4d5c222e9c789248d37d51f68c8be0f6f48",
    },
}
