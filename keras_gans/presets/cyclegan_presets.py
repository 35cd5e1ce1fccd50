"""CycleGAN presets (Zhu et al. 2017), reproduced by the scripts in zoo/."""

cyclegan_presets = {
    "cyclegan_sneaker2boot": {
        "metadata": {
            "description": "CycleGAN translating Fashion-MNIST sneakers (A) <-> ankle "
            "boots (B), unpaired, 12 epochs at batch 16, PatchGANs of 34x34 patches; the "
            "generators are their moving averages (beyond the paper); "
            "translate(images, 'a_to_b').",
            "variant": "cyclegan",
            "params": 3_559_176,  # two ResNet generators (the averages), two PatchGAN Ds
            "dataset": "fashion_mnist_sneaker2boot",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/cyclegan_sneaker2boot.py --epochs 12",
            # Epoch times summed (2 CPU cores shared with test runs, zoo/README.md).
            "train_seconds": 3647,
            "metrics": {
                # kg.evaluation.measures.translation_measures on the 1,000 test
                # sneakers and 1,000 test boots: the share of translations the
                # shipped classifier assigns to the target class (the untranslated
                # inputs: 1.5% and 3.6%), and the cycle L1 error per pixel on [-1, 1].
                # The trained generators of the run (not shipped): 97.2% and 96.4%.
                "a_to_b_accuracy": 0.979,
                "b_to_a_accuracy": 0.963,
                "a_inputs_as_b": 0.015,
                "b_inputs_as_a": 0.036,
                "cycle_l1_a": 0.0721,
                "cycle_l1_b": 0.0893,
                "identity_l1_a": 0.0545,
                "command": "python -c \"import keras_gans as kg; print(kg.evaluation."
                "measures.translation_measures(kg.CycleGAN.from_preset("
                "'cyclegan_sneaker2boot')))\"",
            },
        },
        # kg.presets.export(averages="in_place"): the averaged generators as the
        # generators and the discriminators, float16 weights, 6.4 MB.
        "file": "cyclegan_sneaker2boot.keras",
        "url": None,
        "sha256": "adb7d9c40fbe424193c91a445af1c21930943d051464c3c401c877e898dad8e3",
    },
}
