"""WGAN-GP presets (Gulrajani et al. 2017), reproduced by the scripts in zoo/."""

wgan_gp_presets = {
    "wgan_gp_fashion_mnist": {
        "metadata": {
            "description": "WGAN-GP with the paper's Algorithm 1 defaults (lambda 10, "
            "5 critic steps, Adam 1e-4 / 0 / 0.9), 10 epochs on Fashion-MNIST.",
            "variant": "wgan_gp",
            "params": 1_047_363,  # generator 834,369; layer-normalized critic 212,993
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/wgan_gp_fashion_mnist.py --epochs 10",
            "train_seconds": 1829,  # 2 shared CPU cores, see zoo/README.md
            "metrics": {
                "fid": 723.23,
                "kid": 1187.91,
                "kid_std": 149.58,
                "inception_score": 4.515,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "wgan_gp_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # kg.presets.export: networks only, float16 weights, 1.9 MB (the float32 file
        # with both Adam states, 12.6 MB, measured FID 723.2; this one 723.23).
        "file": "wgan_gp_fashion_mnist.keras",
        "url": None,
        "sha256": "75447d0e752b361db157db95df61afaed60d28196295627efd7def2cdea80d8d",
    },
}
