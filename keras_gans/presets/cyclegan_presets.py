"""CycleGAN presets (Zhu et al. 2017), reproduced by the scripts in zoo/."""

cyclegan_presets = {
    "cyclegan_sneaker2boot": {
        "metadata": {
            "description": "CycleGAN translating Fashion-MNIST sneakers (A) <-> ankle "
            "boots (B), unpaired, 10 epochs at batch 16, with a moving average of both "
            "generators (beyond the paper); translate(images, 'a_to_b').",
            "variant": "cyclegan",
            "params": 4_654_218,  # two ResNet generators, their averages, two PatchGAN Ds
            "dataset": "fashion_mnist_sneaker2boot",
            "image_shape": (28, 28, 1),
            "recipe": "python zoo/cyclegan_sneaker2boot.py --epochs 10",
            # Epoch times summed (2 shared CPU cores, see zoo/README.md); timing.json says
            # 7065 s because the process was paused for 76 minutes during epoch 4.
            "train_seconds": 2440,
            "metrics": {
                # kg.evaluation.measures.translation_measures on the 1,000 test
                # sneakers and 1,000 test boots: the share of translations the
                # shipped classifier assigns to the target class (the untranslated
                # inputs: 1.5% and 3.6%), and the cycle L1 error per pixel on [-1, 1].
                "a_to_b_accuracy": 0.928,
                "b_to_a_accuracy": 0.884,
                "a_inputs_as_b": 0.015,
                "b_inputs_as_a": 0.036,
                "cycle_l1_a": 0.0637,
                "cycle_l1_b": 0.0815,
                "identity_l1_a": 0.0519,
                "command": "python -c \"import keras_gans as kg; print(kg.evaluation."
                "measures.translation_measures(kg.CycleGAN.from_preset("
                "'cyclegan_sneaker2boot')))\"",
            },
        },
        # kg.presets.export: networks and the generators' averages, float16 weights,
        # 8.5 MB (the float32 file, 19.2 MB, measured the same translation figures).
        "file": "cyclegan_sneaker2boot.keras",
        "url": None,
        "sha256": "9005286feeff7f175a1e52f65ed5c4a69214a609e063368ae8709c9f89022189",
    },
}
