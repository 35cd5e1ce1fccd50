"""BiGAN presets (Donahue et al. 2017), reproduced by the scripts in zoo/."""

bigan_presets = {
    "bigan_fashion_mnist": {
        "metadata": {
            "description": "Convolutional BiGAN (DCGAN generator, DCGAN-trunk encoder, "
            "joint discriminator of 256 units with ALI's dropout; z ~ U[-1, 1] of 100) "
            "with moving averages of G and E (both beyond the paper), 39 epochs on "
            "Fashion-MNIST in three stages: 27 at dropout 0.2, 11 at 0.6, 1 with "
            "ema_decay 0.99; encode() gives its features.",
            "variant": "bigan",
            # generator 834,369 and encoder 834,276, each with its average;
            # discriminator 1,904,130 and its 5 dropout layers' call counters
            "params": 5_241_425,
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/bigan_fashion_mnist.py --epochs 27, then --epochs 11 "
            "--continue-from bigan_fashion_mnist --option discriminator_dropout=0.6 "
            "--option ema_start=0 (at c770ee3), then --epochs 1 --continue-from that "
            "run's model.keras --option ema_decay=0.99 (zoo/README.md)",
            "train_seconds": 10529,  # 7245 + 3017 + 267 s, 2 CPU cores, AMD EPYC; zoo/README.md
            "metrics": {
                "fid": 181.22,
                "kid": 500.87,
                "kid_std": 116.40,
                "inception_score": 6.785,
                # The trained generator of the same run on the same draw: the average
                # (0.99, the last stage's 469 steps) is ahead by 0.5.
                "raw_generator_fid": 181.77,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "bigan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
                # kg.evaluation.measures.encoder_probe: test accuracy of probes fit on
                # the training split, on E(x) (the averaged encoder), on the encoder
                # this run started from (same config and seed) and on raw pixels.
                "linear_on_encoder": 0.8355,
                "nn1_on_encoder": 0.8519,
                "linear_on_untrained_encoder": 0.8078,
                "nn1_on_untrained_encoder": 0.8254,
                "linear_on_pixels": 0.8438,
                "nn1_on_pixels": 0.852,
                "reconstruction_l1": 0.2984,
                # The classifier on G(E(x)) agrees with x's label (on x itself: 0.9243).
                "reconstruction_keeps_class": 0.5401,
            },
        },
        # kg.presets.export: the networks and the averages of G and E, no optimizer
        # state, float16 weights, 9.7 MB.
        "file": "bigan_fashion_mnist.keras",
        "url": None,
        "sha256": "326d2a78be606469f69d4b0a1f0f55a7bbc588bdd950c62fcba62ac279882f59",
    },
}
