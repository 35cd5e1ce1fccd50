"""The variants' own measures (kg.evaluation.measures) and the keras-io baseline."""

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans.evaluation import measures


class Identity:
    """A "translator" that returns its input: every measure has a known value. Its
    "trained" generators (`use_ema=False`) return the negative instead."""

    def translate(self, images, direction="a_to_b", batch_size=256, use_ema=True):
        return np.array(images) if use_ema else -np.array(images)


class Swap:
    """Translates each test sneaker into a real test boot and back (a perfect pair)."""

    def __init__(self):
        images, labels = kg.data.load_arrays("fashion_mnist", split="test")
        images = images.astype("float32") / 127.5 - 1
        self.a = images[labels == measures.SNEAKER]
        self.b = images[labels == measures.BOOT]

    def translate(self, images, direction="a_to_b", batch_size=256, use_ema=True):
        source, target = (self.a, self.b) if direction == "a_to_b" else (self.b, self.a)
        index = [int(np.argmin(np.abs(source - x).sum(axis=(1, 2, 3)))) for x in images]
        return target[index]


class PooledPixels:
    """An "encoder" of 4x4 mean-pooled pixels (16 features) whose reconstruction is x
    itself, or a flipped x: the probe's entries have known relations."""

    def __init__(self, flip=False):
        self.flip = flip

    def encode(self, images, use_ema=True):
        images = np.asarray(images)
        return images.reshape(len(images), 4, 7, 4, 7).mean(axis=(2, 4)).reshape(-1, 16)

    def reconstruct(self, images):
        return np.asarray(images)[:, ::-1] if self.flip else np.asarray(images)


def test_encoder_probe_measures_features_and_whether_reconstructions_keep_the_class():
    identity = measures.encoder_probe(PooledPixels(), with_pixels=False, with_untrained=False)
    assert identity["reconstruction_l1"] == 0
    # G(E(x)) = x: the classifier is as right on reconstructions as on the test images.
    assert identity["reconstruction_keeps_class"] == identity["test_images_classified_right"]
    assert identity["test_images_classified_right"] > 0.92  # the shipped classifier
    # 16 pooled pixels still carry most of the class, far above chance (10%).
    assert 0.6 < identity["linear_on_encoder"] < 0.9
    assert 0.6 < identity["nn1_on_encoder"] < 0.9
    # Upside-down reconstructions lose the class for the classifier.
    flipped = measures.reconstruction_measures(PooledPixels(flip=True))
    assert flipped["test_images_classified_right"] == identity["test_images_classified_right"]
    assert flipped["reconstruction_keeps_class"] < 0.6 < identity["reconstruction_keeps_class"]


def test_translation_measures_of_an_identity_are_the_floor_and_zero_cycle_error():
    results = measures.translation_measures(Identity())
    assert results["num_a"] == results["num_b"] == 1000
    assert results["a_to_b_accuracy"] == results["a_inputs_as_b"] < 0.1
    assert results["b_to_a_accuracy"] == results["b_inputs_as_a"] < 0.1
    assert results["cycle_l1_a"] == results["cycle_l1_b"] == results["identity_l1_a"] == 0
    # use_ema=False measures the other generators: negated images, negated back.
    raw = measures.translation_measures(Identity(), use_ema=False)
    assert raw["cycle_l1_a"] == raw["cycle_l1_b"] == 0 < raw["identity_l1_a"]


def test_translation_measures_of_a_perfect_translator_are_the_classifier_accuracy():
    results = measures.translation_measures(Swap())
    assert results["a_to_b_accuracy"] > 0.9 and results["b_to_a_accuracy"] > 0.8
    assert results["cycle_l1_a"] == results["cycle_l1_b"] == 0  # a -> its boot -> a


def test_probes_separate_separable_features_and_not_noise():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 4000)
    centres = rng.normal(size=(3, 8)) * 4
    features = centres[labels] + rng.normal(size=(4000, 8))
    train, test = slice(0, 3000), slice(3000, 4000)
    args = (features[train], labels[train], features[test], labels[test])
    assert measures.nearest_neighbour_accuracy(*args) > 0.95
    assert measures.linear_probe_accuracy(*args, epochs=20) > 0.95
    noise = rng.normal(size=(4000, 8))
    noise_args = (noise[train], labels[train], noise[test], labels[test])
    assert measures.nearest_neighbour_accuracy(*noise_args) < 0.55


def test_keras_io_baseline_loss_is_keras_binary_crossentropy_of_the_sigmoid():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(16, 1)).astype("float32") * 3
    labels = rng.uniform(size=(16, 1)).astype("float32")
    ours = keras.ops.convert_to_numpy(kg.baselines.binary_crossentropy(labels, logits))
    reference = keras.losses.BinaryCrossentropy(reduction=None)(
        labels, keras.ops.sigmoid(logits)
    )
    np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(reference), rtol=1e-4)

    # The example's noisy labels exceed 1, where Keras's loss on a sigmoid output
    # (computed from the logits behind it) is unbounded below: so is ours.
    labels = np.full((3, 1), 1.05, "float32")
    logits = np.array([[10.0], [1e3], [1e5]], "float32")
    ours = keras.ops.convert_to_numpy(kg.baselines.binary_crossentropy(labels, logits))
    reference = keras.losses.BinaryCrossentropy(reduction=None)(
        labels, keras.activations.sigmoid(logits)
    )
    np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(reference), rtol=1e-4)
    np.testing.assert_allclose(ours, -0.05 * logits[:, 0], rtol=1e-3)


def test_keras_io_baseline_has_the_example_recipe_and_round_trips(fashion_images, tmp_path):
    model = kg.baselines.KerasIODCGAN(seed=0)
    model.compile()
    assert model.latent_dim == 128 and model.DEFAULT_BATCH_SIZE == 32
    for optimizer in (model.generator_optimizer, model.discriminator_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate) == pytest.approx(1e-4)
        assert float(optimizer.beta_1) == pytest.approx(0.9)
    z = model.latent_vectors(4096, seed=0).numpy()
    assert abs(z.std() - 1) < 0.02 and z.min() < -3  # N(0, I), not U[-1, 1]

    before = [w.copy() for w in map(keras.ops.convert_to_numpy, model.generator.weights)]
    history = model.fit(fashion_images[:128], batch_size=32, epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    after = list(map(keras.ops.convert_to_numpy, model.generator.weights))
    assert any(not np.array_equal(a, b) for a, b in zip(before, after))

    path = str(tmp_path / "baseline.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is kg.baselines.KerasIODCGAN
    np.testing.assert_array_equal(loaded.generate(8, seed=1), model.generate(8, seed=1))
