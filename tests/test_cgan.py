"""CGAN (Mirza & Osindero 2014): labels condition both networks, and the samples obey them."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

import harness  # noqa: E402 (beside this file)
from conftest import assert_step_matches, clone, sgd_step, weights_of

LEARNING_RATE = 0.5  # plain SGD: a wrong term or scale shows at once


@pytest.fixture(scope="module")
def fashion_train():
    images, labels = kg.data.load_arrays("fashion_mnist", split="train")
    return images[:20000].astype("float32") / 127.5 - 1.0, labels[:20000]


def _classifier(images, labels):
    """A small CNN trained here on real Fashion-MNIST (~82% accuracy on held-out images)."""
    keras.utils.set_random_seed(0)
    classifier = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, 3, strides=2, activation="relu"),
        keras.layers.Conv2D(32, 3, strides=2, activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(10),
    ])
    classifier.compile(keras.optimizers.Adam(2e-3),
                       keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    classifier.fit(images, labels, batch_size=128, epochs=1, verbose=0)
    return classifier


def test_generated_images_obey_their_labels_on_fashion_mnist(fashion_train):
    images, labels = fashion_train
    classifier = _classifier(images[6400:], labels[6400:])
    held_out = classifier.predict(images[:2000], verbose=0).argmax(-1)
    assert (held_out == labels[:2000]).mean() > 0.75  # the judge itself is sound

    model = kg.CGAN(seed=0, filters=32)
    model.compile()
    train = tf.data.Dataset.from_tensor_slices((images[:6400], labels[:6400])).batch(64)
    model.fit(train, epochs=2, verbose=0)  # 200 steps

    wanted = np.repeat(np.arange(10), 50)
    predicted = classifier.predict(model.generate(labels=wanted, seed=0), verbose=0).argmax(-1)
    per_class = [(predicted[wanted == k] == k).mean() for k in range(10)]
    # Chance is 10%. Measured: 68-100% overall after 100-300 steps.
    assert (predicted == wanted).mean() > 0.5, per_class
    assert np.median(per_class) > 0.5, per_class
    # The same latent vectors with other labels give other classes: the label, not
    # z, decides the class.
    shifted = (wanted + 1) % 10
    predicted = classifier.predict(model.generate(labels=shifted, seed=0), verbose=0).argmax(-1)
    assert (predicted == shifted).mean() > 0.5


@pytest.mark.parametrize("architecture", ["dcgan", "mlp"])
def test_the_label_conditions_both_networks(architecture):
    model = kg.CGAN(seed=0, architecture=architecture)
    z = model.latent_vectors(4, seed=0)
    label = lambda k: tf.fill((4, 1), k)  # noqa: E731
    as_t_shirts = model.generator([z, label(0)])
    as_boots = model.generator([z, label(9)])
    assert np.abs(as_t_shirts - as_boots).max() > 1e-3
    scores = [model.discriminator([as_t_shirts, label(k)]) for k in (0, 9)]
    assert np.abs(scores[0] - scores[1]).max() > 1e-4


def test_mlp_architecture_follows_section_4_1():
    model = kg.CGAN(seed=0, architecture="mlp")
    dense = [layer.units for layer in model.generator.layers if isinstance(layer, keras.layers.Dense)]
    assert sorted(dense) == sorted([200, 1000, 1200, 784])
    maxout = [(layer.units, layer.pieces) for layer in model.discriminator.layers
              if isinstance(layer, kg.models.layers.Maxout)]
    assert sorted(maxout) == sorted([(240, 5), (50, 5), (240, 4)])
    rates = [layer.rate for network in (model.generator, model.discriminator)
             for layer in network.layers if isinstance(layer, kg.models.layers.StatelessDropout)]
    assert rates and set(rates) == {0.5}
    z = model.latent_vectors(10000, seed=0).numpy()
    assert z.min() >= 0 and z.max() <= 1 and abs(z.mean() - 0.5) < 0.01  # unit hypercube
    model.compile()
    optimizer = model.generator_optimizer
    assert isinstance(optimizer, keras.optimizers.SGD) and np.isclose(optimizer.momentum, 0.5)
    assert np.isclose(float(optimizer.learning_rate), 0.1)


def test_mlp_architecture_round_trips_through_a_keras_file(tmp_path):
    # The battery saves the default "dcgan" architecture; the paper's networks and
    # their U[0, 1] prior come back from the file too.
    model = kg.CGAN(seed=0, architecture="mlp")
    model.save(tmp_path / "cgan.keras")
    loaded = keras.saving.load_model(tmp_path / "cgan.keras")
    assert type(loaded) is kg.CGAN and loaded.architecture == "mlp"
    assert json.dumps(loaded.get_config(), sort_keys=True) == json.dumps(
        model.get_config(), sort_keys=True)
    for a, b in zip(weights_of(model), weights_of(loaded)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.sample_latent(4, "x"), model.sample_latent(4, "x"))
    np.testing.assert_array_equal(loaded.generate(labels=[3, 7], seed=0),
                                  model.generate(labels=[3, 7], seed=0))


def test_generate_takes_labels_or_a_count():
    model = kg.CGAN(seed=0)
    images = model.generate(labels=[0, 1, 2], seed=0)
    assert images.shape == (3, 28, 28, 1) and -1 <= images.min() and images.max() <= 1
    np.testing.assert_array_equal(images, model.generate(labels=np.array([0, 1, 2]), seed=0))
    # Without labels: classes in turn, 0, 1, 2, ...
    np.testing.assert_allclose(model.generate(3, seed=0), images, atol=1e-6)
    grid = model.grid_samples(64, seed=5)  # one row of 10 per class
    np.testing.assert_allclose(
        grid, model.generate(labels=np.repeat(np.arange(10), 10), seed=5), atol=1e-6)
    for kwargs, message in [
        ({}, "labels.*num_samples"),
        (dict(labels=[0, 10]), r"\[0, 10\)"),
        (dict(labels=[-1]), r"\[0, 10\)"),
        (dict(labels=[0.5, 1.0]), "integer"),
        (dict(labels=[1, 2], num_samples=3), "disagrees"),
        (dict(labels=np.eye(10)[:2]), "one-hot"),
    ]:
        with pytest.raises(ValueError, match=message):
            model.generate(**kwargs)
    # A label the model cannot draw is named as such, with no advice to rebuild it.
    with pytest.raises(ValueError, match="negative value, -1. Class indices start at 0") as error:
        model.generate(labels=[-1])
    assert "num_classes=0" not in str(error.value)
    with pytest.raises(ValueError, match="draws the classes it was trained on, 0 to 9") as error:
        model.generate(labels=[12])
    assert "Build the model" not in str(error.value)


def _small_conditional_networks(latent_dim=8, num_classes=10):
    """G(z|y) and D(x|y), each joining a label embedding to its input."""
    layers = keras.layers
    z, y = keras.Input((latent_dim,)), keras.Input((1,), dtype="int32")
    x = layers.Concatenate()([z, layers.Flatten()(layers.Embedding(num_classes, 4)(y))])
    x = layers.Dense(784, activation="tanh")(layers.Dense(32, activation="relu")(x))
    generator = keras.Model([z, y], layers.Reshape((28, 28, 1))(x), name="generator")
    images, y = keras.Input((28, 28, 1)), keras.Input((1,), dtype="int32")
    x = layers.Concatenate()([layers.Flatten()(images),
                              layers.Flatten()(layers.Embedding(num_classes, 4)(y))])
    logit = layers.Dense(1)(layers.Dense(16, activation="relu")(x))
    return generator, keras.Model([images, y], logit, name="discriminator")


def test_train_step_updates_d_on_labelled_pairs_then_g_on_fresh_noise_for_the_same_labels(
    fashion_images, fashion_labels
):
    """Equation 2 with Algorithm 1 (k = 1): D ascends log D(x|y) + log(1 - D(G(z1|y)|y));
    then G descends the non-saturating -log D(G(z2|y)|y) through the updated D, on
    fresh noise z2 and the same labels y."""
    generator, discriminator = _small_conditional_networks()
    model = kg.CGAN(latent_dim=8, generator=generator, discriminator=discriminator, seed=0)
    model.compile(generator_optimizer=keras.optimizers.SGD(LEARNING_RATE),
                  discriminator_optimizer=keras.optimizers.SGD(LEARNING_RATE))
    real = tf.constant(fashion_images[:32])
    labels = tf.constant(fashion_labels[:32].astype("int32").reshape(-1, 1))
    assert len(np.unique(labels)) > 5
    # The model's own draws for step 0 (keyed on the step counter, still 0).
    z1 = model.sample_latent(32, "discriminator_step")
    z2 = model.sample_latent(32, "generator_step")
    assert not np.allclose(z1, z2)

    g, d = clone(generator), clone(discriminator)
    starts = generator.get_weights(), discriminator.get_weights()
    fake = g([z1, labels])
    sgd_step(d.trainable_variables,
             lambda: tf.reduce_mean(tf.nn.softplus(-d([real, labels])))
             + tf.reduce_mean(tf.nn.softplus(d([fake, labels]))), LEARNING_RATE)
    sgd_step(g.trainable_variables,
             lambda: tf.reduce_mean(tf.nn.softplus(-d([g([z2, labels]), labels]))),
             LEARNING_RATE)

    # fit, not train_on_batch: CGAN's train_step unpacks (images, labels) and
    # train_on_batch(x, y) hands it (x, y, sample_weight).
    model.fit(tf.data.Dataset.from_tensor_slices(
        (fashion_images[:32], fashion_labels[:32])).batch(32), epochs=1, verbose=0)
    assert int(model.step_counter.numpy()) == 1
    assert_step_matches(generator, g, starts[0])
    assert_step_matches(discriminator, d, starts[1])


def _bad_inputs(images, labels):
    dataset = lambda *a: tf.data.Dataset.from_tensor_slices(a if len(a) > 1 else a[0]).batch(64)  # noqa: E731
    return {
        "out of range": (dataset(images, labels + 1), r"\[0, 10\).*\[1, 10\]"),
        "negative": (dataset(images, labels - 1), r"\[0, 10\)"),
        "float labels": (dataset(images, labels.astype("float32")), "integer.*float32"),
        "one-hot": (dataset(images, np.eye(10)[labels].astype("int64")), "one-hot"),
        "numpy without labels": (images, "labels are missing"),
        "pixels in [0, 255]": (dataset((images + 1) * 127.5, labels), r"\[0, 255\]"),
    }


# (Missing labels in a dataset: the battery, tests/harness.py.)
@pytest.mark.parametrize("case", ["out of range", "negative", "float labels", "one-hot",
                                  "numpy without labels", "pixels in [0, 255]"])
def test_bad_input_raises_value_error_before_any_step(case, fashion_images, fashion_labels):
    data, message = _bad_inputs(fashion_images[:256], fashion_labels[:256])[case]
    model = kg.CGAN(seed=0, architecture="mlp")
    model.compile()
    weights, optimizers = harness.network_weights(model), harness.optimizer_state(model)
    with pytest.raises(ValueError, match=message):
        model.fit(data, epochs=1, verbose=0)
    harness.assert_state_unchanged(model, weights, optimizers)


def test_command_line_trains_cgan_and_samples_one_row_per_class(tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.cli", "train", "cgan", "--dataset", "fashion_mnist",
         "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "32", "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    grid = tf.io.decode_png((out / "samples/epoch_0001.png").read_bytes())
    assert grid.shape == (10 * 30 + 2, 10 * 30 + 2, 1)  # 10 classes x 10 images
