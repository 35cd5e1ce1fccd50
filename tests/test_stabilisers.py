"""The stabilisers every variant offers (keras_gans/models/stabilisers.py):
`discriminator_normalization=` ("spectral", "gradient"), `loss=` and `real_label=`."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

import harness
import keras_gans as kg
from keras_gans.models import stabilisers
from keras_gans.models.cyclegan import build_patchgan_discriminator
from keras_gans.models.dcgan import build_dcgan_discriminator
from keras_gans.models.layers import SpectralNormalization


def _input_gradient_norms(network, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = tf.reshape(network(x, training=True), (x.shape[0], -1))
        first = tf.reduce_sum(scores[:, 0])  # one output per example
    gradient = tape.gradient(first, x).numpy().reshape(len(x), -1)
    return np.linalg.norm(gradient.astype("float64"), axis=1)


@pytest.mark.parametrize("network", ["dcgan", "patchgan"])
def test_gradient_normalized_output_has_input_gradient_norm_at_most_one(network,
                                                                        fashion_images):
    build = {"dcgan": lambda: build_dcgan_discriminator((28, 28, 1), 8, seed=1),
             "patchgan": lambda: build_patchgan_discriminator((28, 28, 1), 8, 1, seed=1)}
    normalized = stabilisers.normalize_discriminator(build[network](), "gradient")
    uniform = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    for x in (uniform, fashion_images[:8]):
        norms = _input_gradient_norms(normalized, x)
        assert np.all(norms <= 1.0 + 1e-4), norms
        assert np.all(norms > 1e-3), norms  # not trivially flat
        scores = normalized(x, training=True).numpy()
        assert np.all(np.abs(scores) <= 1.0)


def test_gradient_normalization_matches_the_formula_with_finite_differences():
    # Wu et al. 2021, eq. 10: f_hat = f / (||grad_x f|| + |f|), the gradient per example.
    init = keras.initializers.RandomNormal(stddev=0.5, seed=2)
    inputs = keras.Input((5,))
    hidden = keras.layers.Dense(7, activation="tanh", kernel_initializer=init)(inputs)
    f = keras.Model(inputs, keras.layers.Dense(1, kernel_initializer=init)(hidden))
    normalized = stabilisers.GradientNormalization(f)
    x = np.random.default_rng(1).standard_normal((4, 5))
    step = 1e-3
    expected = []
    for row in x:
        value = float(f(row[None].astype("float32"))[0, 0])
        gradient = [
            (float(f((row + step * e)[None].astype("float32"))[0, 0])
             - float(f((row - step * e)[None].astype("float32"))[0, 0])) / (2 * step)
            for e in np.eye(5)
        ]
        expected.append(value / (np.linalg.norm(gradient) + abs(value)))
    np.testing.assert_allclose(normalized(x.astype("float32"))[:, 0], expected, rtol=2e-3)


def test_zero_output_with_zero_gradient_gives_zero_not_nan():
    inputs = keras.Input((3,))
    flat = keras.Model(inputs, keras.layers.Dense(1, kernel_initializer="zeros")(inputs))
    x = tf.ones((2, 3))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(stabilisers.GradientNormalization(flat)(x, training=True))
    gradients = tape.gradient(loss, flat.trainable_variables)
    assert float(loss) == 0.0
    assert all(np.all(np.isfinite(g.numpy())) for g in gradients)


def _layer_types(network):
    return {type(layer).__name__ for layer in network._flatten_layers(include_self=False)}


@pytest.mark.parametrize("name", sorted(harness.VARIANTS))
def test_each_variant_normalizes_its_default_discriminators_and_drops_their_norms(name):
    variant = harness.VARIANTS[name]
    plain = variant.build()
    spectral = variant.build(discriminator_normalization="spectral")
    gradient = variant.build(discriminator_normalization="gradient")
    assert variant.cls.DISCRIMINATORS
    for network in variant.cls.DISCRIMINATORS:
        assert "SpectralNormalization" not in _layer_types(getattr(plain, network))
        for model in (spectral, gradient):
            types = _layer_types(getattr(model, network))
            assert not types & {"BatchNormalization", "GroupNormalization"}, (network, types)
        assert "SpectralNormalization" in _layer_types(getattr(spectral, network))
        assert isinstance(getattr(gradient, network), stabilisers.GradientNormalization)
    # The other networks are untouched.
    for network in set(variant.cls.NETWORKS) - set(variant.cls.DISCRIMINATORS):
        assert len(getattr(spectral, network).weights) == len(getattr(plain, network).weights)


OPTIONS = {
    "gan": dict(discriminator_normalization="spectral", loss="minimax", real_label=0.9),
    "dcgan": dict(discriminator_normalization="gradient", loss="hinge"),
    "cgan": dict(discriminator_normalization="spectral", loss="least_squares"),
    "wgan": dict(discriminator_normalization="gradient"),
    "wgan_gp": dict(discriminator_normalization="spectral"),
    "cyclegan": dict(discriminator_normalization="spectral", loss="non_saturating",
                     real_label=0.9),
    "bigan": dict(discriminator_normalization="gradient", loss="least_squares"),
}


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_options_round_trip_through_a_keras_file(name, fashion_images, fashion_labels,
                                                 tmp_path):
    variant = harness.VARIANTS[name]
    model = variant.build(**OPTIONS[name])
    model.compile()
    model.fit(variant.dataset(fashion_images, fashion_labels, 1), epochs=1, verbose=0)
    for option, value in OPTIONS[name].items():
        assert model.get_config()[option] == value, option
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert json.dumps(loaded.get_config(), sort_keys=True) == json.dumps(
        model.get_config(), sort_keys=True)
    assert [w.shape for w in loaded.weights] == [w.shape for w in model.weights]
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)


def test_defaults_stay_the_papers():
    assert kg.GAN(seed=0).get_config()["loss"] == "non_saturating"
    assert kg.CycleGAN(seed=0, generator_filters=8, residual_blocks=1,
                       discriminator_filters=8).loss_name == "least_squares"
    assert kg.BiGAN(seed=0, units=16).loss_name == "non_saturating"
    assert kg.BiGAN(seed=0, units=16, discriminator_type="bigbigan").loss_name == "hinge"
    model = kg.DCGAN(seed=0, filters=8)
    assert model.discriminator_normalization is None and model.real_label == 1.0
    assert "BatchNormalization" in _layer_types(model.discriminator)


def test_former_generator_loss_argument_still_loads_as_loss():
    config = kg.GAN(seed=0, generator_loss="minimax").get_config()
    assert config["loss"] == "minimax" and "generator_loss" not in config
    old = dict(config, generator_loss="minimax")  # a config of an earlier version
    del old["loss"], old["real_label"], old["discriminator_normalization"]
    assert kg.GAN.from_config(old).loss_name == "minimax"
    with pytest.raises(ValueError, match="former name of `loss`"):
        kg.GAN(seed=0, generator_loss="minimax", loss="hinge")


def test_bad_options_are_refused_saying_what_was_received():
    with pytest.raises(ValueError, match=r"Unknown loss.*Received: loss='x'"):
        kg.DCGAN(seed=0, filters=8, loss="x")
    with pytest.raises(ValueError, match="Unknown discriminator_normalization.*'batch'"):
        kg.DCGAN(seed=0, filters=8, discriminator_normalization="batch")
    with pytest.raises(ValueError, match="WGAN's loss is its paper's.*loss='hinge'"):
        kg.WGAN(seed=0, filters=8, loss="hinge")
    with pytest.raises(ValueError, match="cross-entropy"):
        kg.DCGAN(seed=0, filters=8, loss="hinge", real_label=0.9)


def test_spectral_normalization_of_a_subclassed_discriminator_says_how_to_do_it():
    class Critic(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(keras.ops.reshape(x, (-1, 784)))

    critic = Critic()
    critic(np.zeros((1, 28, 28, 1), "float32"))
    with pytest.raises(ValueError, match="subclassed Critic.*SpectralNormalization"):
        stabilisers.normalize_discriminator(critic, "spectral")
    assert isinstance(stabilisers.normalize_discriminator(critic, "gradient"),
                      stabilisers.GradientNormalization)


def test_normalizing_twice_changes_nothing():
    # A loaded model's config holds the normalized network and the option.
    once = stabilisers.normalize_discriminator(
        build_dcgan_discriminator((28, 28, 1), 8, seed=1), "spectral")
    assert stabilisers.normalize_discriminator(once, "spectral") is once
    assert sum(isinstance(layer, SpectralNormalization) for layer in once.layers) == 3
    # The other normalization is still applied on top of one already there.
    assert isinstance(stabilisers.normalize_discriminator(once, "gradient"),
                      stabilisers.GradientNormalization)
