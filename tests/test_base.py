"""Behaviour every variant inherits from GANModel, checked on GAN and DCGAN. What every
variant must do (fit, save and load, resume, replicas, bad input) is the battery of
tests/harness.py."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

import harness  # noqa: E402 (beside this file)
from conftest import weights_of

VARIANTS = [kg.GAN, kg.DCGAN]


def _dataset(images, batch_size=64, steps=4):
    return tf.data.Dataset.from_tensor_slices(images[: batch_size * steps]).batch(batch_size)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.__name__)
def test_generate_returns_images_in_range_reproducible_from_seed(variant):
    model = variant(seed=0)
    images = model.generate(10, seed=3)
    assert images.shape == (10, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    np.testing.assert_array_equal(images, model.generate(10, seed=3))
    assert not np.array_equal(images, model.generate(10, seed=4))
    # Batching does not change the samples: image i depends on (seed, i) only.
    np.testing.assert_allclose(images, model.generate(10, seed=3, batch_size=3), atol=1e-6)
    assert not np.array_equal(model.generate(4), model.generate(4))  # seed=None: fresh


def test_seed_reproduces_initial_weights():
    a, b, c = kg.DCGAN(seed=5), kg.DCGAN(seed=5), kg.DCGAN(seed=6)
    for x, y in zip(weights_of(a), weights_of(b)):
        np.testing.assert_array_equal(x, y)
    assert any(not np.array_equal(x, y) for x, y in zip(weights_of(a), weights_of(c)))


def test_training_is_reproducible_from_seed(fashion_images):
    results = []
    for _ in range(2):
        model = kg.DCGAN(seed=1)
        model.compile()
        model.fit(_dataset(fashion_images, steps=3), epochs=1, verbose=0)
        results.append(model.generate(8, seed=0))
    np.testing.assert_allclose(results[0], results[1], atol=1e-5)


def test_noise_depends_on_step_and_purpose_and_replays():
    model = kg.DCGAN(seed=0)
    first = model.sample_latent(4, "generator_step").numpy()
    assert first.min() >= -1 and first.max() <= 1  # DCGAN's prior is U[-1, 1]
    np.testing.assert_array_equal(first, model.sample_latent(4, "generator_step").numpy())
    assert not np.array_equal(first, model.sample_latent(4, "discriminator_step").numpy())
    model.step_counter.assign(1)
    assert not np.array_equal(first, model.sample_latent(4, "generator_step").numpy())
    model.step_counter.assign(0)  # e.g. restored from a checkpoint: the same draws again
    np.testing.assert_array_equal(first, model.sample_latent(4, "generator_step").numpy())
    gan = kg.GAN(seed=0)
    z = gan.sample_latent(4096, "x").numpy()
    assert abs(z.std() - 1.0) < 0.02 and z.min() < -3  # GAN's prior is N(0, I)


def test_user_supplied_networks_train_and_round_trip(fashion_images, tmp_path):
    generator = keras.Sequential(
        [keras.Input((16,)), keras.layers.Dense(28 * 28, activation="tanh"),
         keras.layers.Reshape((28, 28, 1))], name="generator")
    discriminator = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1)],
        name="discriminator")
    model = kg.DCGAN(latent_dim=16, generator=generator, discriminator=discriminator, seed=0)
    assert model.generator is generator
    model.compile(generator_optimizer=keras.optimizers.Adam(1e-3),
                  discriminator_optimizer=keras.optimizers.SGD(0.01))
    model.fit(_dataset(fashion_images, steps=2), epochs=1, verbose=0)
    model.save(tmp_path / "custom.keras")
    loaded = keras.saving.load_model(tmp_path / "custom.keras")
    assert isinstance(loaded.discriminator_optimizer, keras.optimizers.SGD)
    assert loaded.generator.count_params() == generator.count_params()
    np.testing.assert_array_equal(loaded.generate(4, seed=1), model.generate(4, seed=1))


def test_compile_rejects_unknown_optimizer_names():
    with pytest.raises(ValueError, match="critic_optimizer.*Expected optimizers"):
        kg.DCGAN(seed=0).compile(critic_optimizer=keras.optimizers.Adam())


def test_constructor_rejects_bad_arguments():
    with pytest.raises(ValueError, match="image_shape"):
        kg.DCGAN(image_shape=(28, 28))
    with pytest.raises(ValueError, match="latent_dim"):
        kg.GAN(latent_dim=0)
    with pytest.raises(ValueError, match="halved at least twice"):
        kg.DCGAN(image_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="generator_loss"):
        kg.GAN(generator_loss="wasserstein")
    with pytest.raises(ValueError, match="must be built"):
        kg.DCGAN(generator=keras.Sequential([keras.layers.Dense(4)]))
    generator = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=100).generator
    with pytest.raises(ValueError, match=r"takes z of dimension 100, but latent_dim=64\. "
                       r"Pass latent_dim=100"):
        kg.DCGAN(image_shape=(28, 28, 1), latent_dim=64, generator=generator)


# --------------------------------------------------------------- bad input, before training

def _bad_inputs(fashion_images):
    images = fashion_images[:256]
    batched = lambda *arrays: tf.data.Dataset.from_tensor_slices(arrays if len(arrays) > 1 else arrays[0]).batch(64)  # noqa: E731
    uint8 = np.round((images + 1) * 127.5).astype("uint8")
    return {
        "rank 3, no channel axis": (batched(images[..., 0]), "rank 4.*channel axis"),
        "wrong image size": (batched(np.pad(images, ((0, 0), (2, 2), (2, 2), (0, 0)))), "image size"),
        "float in [0, 255]": (batched(uint8.astype("float32")), r"\[0, 255\]"),
        "NaN pixels": (batched(np.where(images > 0.9, np.nan, images).astype("float32")), "NaN"),
        "empty dataset": (batched(images).filter(lambda x: False), "empty"),
        "empty array": (images[:0], "empty"),
        "unbatched dataset": (tf.data.Dataset.from_tensor_slices(images), "one image"),
        "batch of one with batch norm": (
            tf.data.Dataset.from_tensor_slices(images[:4]).batch(1), "batch of one"),
    }


# Wrong channel count, uint8, [0, 1] data and unexpected labels: every variant's
# battery (tests/harness.py, run_bad_input_test).
@pytest.mark.parametrize("case", [
    "rank 3, no channel axis", "wrong image size", "float in [0, 255]", "NaN pixels",
    "empty dataset", "empty array", "unbatched dataset", "batch of one with batch norm",
])
def test_bad_input_raises_value_error_before_any_training_step(case, fashion_images):
    data, message = _bad_inputs(fashion_images)[case]
    model = kg.DCGAN(seed=0)
    model.compile()
    weights, optimizers = harness.network_weights(model), harness.optimizer_state(model)
    with pytest.raises(ValueError, match=message):
        model.fit(data, epochs=1, verbose=0)
    harness.assert_state_unchanged(model, weights, optimizers)


def test_numpy_arrays_are_accepted_by_fit(fashion_images):
    model = kg.GAN(seed=0)
    model.compile()
    history = model.fit(fashion_images[:200], batch_size=100, epochs=1, verbose=0)
    assert np.isfinite(history.history["generator_loss"][0])
    assert int(model.step_counter.numpy()) == 2


def test_fit_turns_off_autotuning_of_a_dataset_that_does_not_choose(fashion_images,
                                                                   monkeypatch):
    # With it, deleting fit's iterator (at the end, and between epochs) idled for
    # up to seconds (kg.data.pipeline.without_autotune).
    seen = []
    keras_fit = keras.Model.fit

    def recording_fit(self, x=None, *args, **kwargs):
        seen.append(x.options().autotune.enabled)
        return keras_fit(self, x, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", recording_fit)
    dataset = tf.data.Dataset.from_tensor_slices(fashion_images[:256]).batch(128)
    chosen = tf.data.Options()
    chosen.autotune.enabled = True
    model = kg.GAN(seed=0)
    model.compile()
    model.fit(dataset, epochs=2, verbose=0)
    model.fit(dataset.with_options(chosen), epochs=1, verbose=0)
    assert seen == [False, True]
    assert int(model.step_counter.numpy()) == 6


def test_importing_keras_gans_first_turns_tensorflows_onednn_kernels_on():
    # TensorFlow's own default leaves them off on AVX2-only CPUs (docs/performance.md).
    env = {key: value for key, value in os.environ.items() if key != "TF_ENABLE_ONEDNN_OPTS"}
    code = ("import keras_gans, os; from tensorflow.python.util import _pywrap_util_port; "
            "print(os.environ['TF_ENABLE_ONEDNN_OPTS'], _pywrap_util_port.IsMklEnabled())")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    assert result.stdout.split()[-2:] == ["1", "True"]
