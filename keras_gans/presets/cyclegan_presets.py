"""CycleGAN presets (Zhu et al. 2017), reproduced by the scripts in zoo/."""

cyclegan_presets = {
    "cyclegan_sneaker2boot": {
        "metadata": {
            "description": "CycleGAN translating Fashion-MNIST sneakers (A) <-> ankle "
            "boots (B), unpaired, 2 epochs at batch 16; translate(images, 'a_to_b').",
            "variant": "cyclegan",
            "params": 2_505_480,  # two ResNet generators, two PatchGAN discriminators
            "dataset": "fashion_mnist_sneaker2boot",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/cyclegan_sneaker2boot.py --epochs 2",
            "train_seconds": 501,  # 2 shared CPU cores, see zoo/README.md
            "metrics": {
                # kg.evaluation.measures.translation_measures on the 1,000 test
                # sneakers and 1,000 test boots: the share of translations the
                # shipped classifier assigns to the target class (the untranslated
                # inputs: 1.5% and 3.6%), and the cycle L1 error per pixel on [-1, 1].
                "a_to_b_accuracy": 0.914,
                "b_to_a_accuracy": 0.818,
                "a_inputs_as_b": 0.015,
                "b_inputs_as_a": 0.036,
                "cycle_l1_a": 0.0783,
                "cycle_l1_b": 0.1019,
                "identity_l1_a": 0.071,
                "command": "python -c \"import keras_gans as kg; print(kg.evaluation."
                "measures.translation_measures(kg.CycleGAN.from_preset("
                "'cyclegan_sneaker2boot')))\"",
            },
        },
        # Networks only (Adam's moments would triple the 10 MB).
        "file": "cyclegan_sneaker2boot.keras",
        "url": None,
        "sha256": "535fd5cd07e35b79d2009d6b9c66c4042e2336496c9e901951cad8511b1733b3",
    },
}
