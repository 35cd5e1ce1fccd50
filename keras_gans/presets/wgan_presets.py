"""WGAN presets (Arjovsky et al. 2017), reproduced by the scripts in zoo/."""

wgan_presets = {
    "wgan_fashion_mnist": {
        "metadata": {
            "description": "WGAN with weight clipping, the paper's Algorithm 1 defaults "
            "(RMSProp 5e-5, c = 0.01, 5 critic steps), 288 epochs on Fashion-MNIST in five "
            "stages, with a moving average of the generator over the last 4 (ema_decay "
            "0.99, beyond the paper).",
            "variant": "wgan",
            # generator 834,369 and its average; critic 213,250
            "params": 1_881_988,
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/wgan_fashion_mnist.py --epochs 10, then --epochs 69 "
            "--continue-from wgan_fashion_mnist, then --epochs 100 from that run's "
            "model.keras, then --epochs 105 --continue-from wgan_fashion_mnist (the "
            "179-epoch file, at a086af8), then --epochs 4 --continue-from "
            "wgan_fashion_mnist --option ema_decay=0.99 (the 284-epoch file; "
            "zoo/README.md)",
            # 1481 + 4308 + 7676 + 7904 + 866 s, 2 CPU cores, see zoo/README.md
            "train_seconds": 22235,
            "metrics": {
                "fid": 374.20,
                "kid": 820.81,
                "kid_std": 134.82,
                "inception_score": 5.657,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                # The trained generator of the same run on the same draw: the average
                # (0.99, 752 updates) is ahead by 3.3.
                "raw_generator_fid": 377.47,
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "wgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # kg.presets.export(averages="kept"): the trained networks and the generator's
        # average, no optimizer state, float16 weights, 3.4 MB.
        "file": "wgan_fashion_mnist.keras",
        "url": None,
        "sha256": "a8147866a2262e2ee33dae5a1f79636958dea5183d9e7209bcb78d052328e629",
    },
}
