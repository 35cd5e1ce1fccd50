"""GAN presets (Goodfellow et al. 2014), reproduced by the scripts in zoo/."""

gan_presets = {
    "gan_fashion_mnist": {
        "metadata": {
            "description": "The original GAN with the paper's MNIST configuration "
            "(MLP generator, maxout discriminator, SGD), 40 epochs on Fashion-MNIST; "
            "its generator is the moving average of the trained one (ema_decay 0.999 "
            "after 1,000 steps, beyond the paper).",
            "variant": "gan",
            "params": 3_735_429,  # generator (the average) 2,503,984; discriminator 1,231,445
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/gan_fashion_mnist.py --epochs 40",
            "train_seconds": 2123,  # 2 CPU cores, see zoo/README.md
            "metrics": {
                "fid": 447.16,
                "kid": 894.53,
                "kid_std": 141.0,
                "inception_score": 5.811,
                # The trained generator of the same run on the same draw, measured
                # before export (the file ships only its average: averages="in_place").
                "raw_generator_fid": 675.35,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "gan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
            },
        },
        # kg.presets.export(averages="in_place"): the generator's average as the
        # generator, the trained discriminator, float16 weights, 6.9 MB.
        "file": "gan_fashion_mnist.keras",
        "url": None,
        "sha256": "a84a5d44e903e363dc765055a8f8d0fa57cf412990409f65e2ce5e3f78bb6de9",
    },
}
