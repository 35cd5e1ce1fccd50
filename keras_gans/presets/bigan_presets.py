"""BiGAN presets (Donahue et al. 2017), reproduced by the scripts in zoo/."""

bigan_presets = {
    "bigan_fashion_mnist": {
        "metadata": {
            "description": "Convolutional BiGAN (DCGAN generator, DCGAN-trunk encoder, "
            "joint discriminator of 256 units with ALI's dropout 0.2; z ~ U[-1, 1] of 100) "
            "with moving averages of G and E (ema_decay 0.999; both beyond the paper), "
            "27 epochs on Fashion-MNIST; encode() gives its features.",
            "variant": "bigan",
            # generator 834,369 and encoder 834,276, each with its average;
            # discriminator 1,904,130 and its 5 dropout layers' call counters
            "params": 5_241_425,
            "dataset": "fashion_mnist",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/bigan_fashion_mnist.py --epochs 27",
            "train_seconds": 7245,  # 2 CPU cores, AMD EPYC, alone; see zoo/README.md
            "metrics": {
                "fid": 311.97,
                "kid": 707.63,
                "kid_std": 134.05,
                "inception_score": 6.171,
                # The trained generator of the same run on the same draw: the average
                # is ahead by 19.
                "raw_generator_fid": 330.79,
                "num_samples": 10_000,
                "reference": "fashion_mnist test",
                "extractor": "domain_fashion_mnist",
                "command": "keras-gans evaluate keras_gans/presets/files/"
                "bigan_fashion_mnist.keras --dataset fashion_mnist --num 10000",
                # kg.evaluation.measures.encoder_probe: test accuracy of probes fit on
                # the training split, on E(x) (the averaged encoder), on the encoder
                # this run started from (same config and seed) and on raw pixels.
                "linear_on_encoder": 0.8179,
                "nn1_on_encoder": 0.8518,
                "linear_on_untrained_encoder": 0.8078,
                "nn1_on_untrained_encoder": 0.8254,
                "linear_on_pixels": 0.8438,
                "nn1_on_pixels": 0.852,
                "reconstruction_l1": 0.2776,
                # The classifier on G(E(x)) agrees with x's label (on x itself: 0.9243).
                "reconstruction_keeps_class": 0.5371,
            },
        },
        # kg.presets.export: the networks and the averages of G and E, no optimizer
        # state, float16 weights, 9.7 MB.
        "file": "bigan_fashion_mnist.keras",
        "url": None,
        "sha256": "f2d2ececde9d440e80b91920cfe7aaadb4e60efb0ab695be785d0b94bb55587f",
    },
}
