"""WGAN presets (Arjovsky et al. 2017), reproduced by the scripts in zoo/."""

wgan_presets = {
    "wgan_fashion_mnist": {
        "metadata": {
            "description": "WGAN with weight clipping, the paper's Algorithm 1 defaults "
            "(RMSProp 5e-5, c = 0.01, 5 critic steps), 10 epochs on Fashion-MNIST.",
            "variant": "wgan",
            "params": 1_047_619,  # generator 834,369; critic 213,250
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/wgan_fashion_mnist.py --epochs 10",
            "train_seconds": 1481,  # 2 shared CPU cores, see zoo/README.md
            "metrics": {
                "fid": 1355.74,
                "kid": 1428.59,
                "kid_std": 160.26,
                "inception_score": 2.025,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "wgan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # kg.presets.export: networks only, float16 weights, 1.9 MB (the float32 file
        # with both RMSProp states, 8.5 MB, measured FID 1355.7; this one 1355.81).
        "file": "wgan_fashion_mnist.keras",
        "url": None,
        "sha256": "5fb26874715ba7f5562bc1ada2f07c2120a470c0b02d7e253871d3ba81e2694f",
    },
}
