"""DCGAN's architecture guidelines (Radford et al. 2015, section 3) and defaults."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import sgd_step, weights_of

import keras_gans as kg


def _layers(network, kind):
    return [layer for layer in network.layers if isinstance(layer, kind)]


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (64, 64, 3)])
def test_default_networks_fit_the_image_shape(shape):
    model = kg.DCGAN(image_shape=shape, seed=0)
    images = model.generate(2, seed=0)
    assert images.shape == (2,) + shape
    assert model.discriminator(images).shape == (2, 1)


def test_paper_64px_generator_has_four_fractionally_strided_steps_from_4x4():
    model = kg.DCGAN(image_shape=(64, 64, 3), filters=128, seed=0)
    transposed = _layers(model.generator, keras.layers.Conv2DTranspose)
    assert [layer.filters for layer in transposed] == [512, 256, 128, 3]
    reshape = _layers(model.generator, keras.layers.Reshape)[0]
    assert reshape.target_shape == (4, 4, 1024)  # Figure 1: 4 x 4 x 1024


def test_strided_convolutions_and_no_pooling():
    model = kg.DCGAN(image_shape=(32, 32, 3), seed=0)
    for network in (model.generator, model.discriminator):
        assert not [layer for layer in network.layers if "pooling" in type(layer).__name__.lower()]
    convs = _layers(model.discriminator, keras.layers.Conv2D)
    assert convs and all(layer.strides == (2, 2) for layer in convs)
    assert all(layer.strides == (2, 2)
               for layer in _layers(model.generator, keras.layers.Conv2DTranspose))


def test_batch_norm_everywhere_but_generator_output_and_discriminator_input():
    model = kg.DCGAN(image_shape=(32, 32, 3), seed=0)
    disc = model.discriminator.layers
    first_conv = disc.index(_layers(model.discriminator, keras.layers.Conv2D)[0])
    assert isinstance(disc[first_conv + 1], keras.layers.LeakyReLU)  # no BN after the input layer
    assert len(_layers(model.discriminator, keras.layers.BatchNormalization)) == 2
    gen = model.generator.layers
    assert gen[-1].activation is keras.activations.tanh
    assert len(_layers(model.generator, keras.layers.BatchNormalization)) == 3


def test_activations_relu_in_generator_leaky_relu_0_2_in_discriminator():
    model = kg.DCGAN(seed=0)
    assert _layers(model.generator, keras.layers.ReLU)
    assert not _layers(model.generator, keras.layers.LeakyReLU)
    leaky = _layers(model.discriminator, keras.layers.LeakyReLU)
    assert leaky and all(abs(layer.negative_slope - 0.2) < 1e-7 for layer in leaky)


def test_weights_are_initialized_from_normal_with_std_0_02():
    model = kg.DCGAN(image_shape=(64, 64, 3), seed=0)
    for network in (model.generator, model.discriminator):
        for layer in _layers(network, (keras.layers.Conv2D, keras.layers.Dense)):
            kernel = keras.ops.convert_to_numpy(layer.kernel)
            if kernel.size > 5000:
                assert abs(kernel.std() - 0.02) < 0.002, layer.name
                assert abs(kernel.mean()) < 0.002, layer.name


def test_default_optimizers_are_adam_2e4_beta1_0_5():
    model = kg.DCGAN(seed=0)
    model.compile()
    for optimizer in (model.generator_optimizer, model.discriminator_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert np.isclose(float(optimizer.learning_rate), 2e-4)
        assert np.isclose(optimizer.beta_1, 0.5)


def test_latent_prior_is_the_papers_uniform():
    z = kg.DCGAN(seed=0).latent_vectors(10000, seed=0).numpy()
    assert z.min() >= -1 and z.max() <= 1
    assert abs(z.std() - 1 / np.sqrt(3)) < 0.01  # std of U[-1, 1]


def test_gan_defaults_follow_the_papers_mnist_configuration():
    model = kg.GAN(seed=0)
    dense = _layers(model.generator, keras.layers.Dense)
    assert [layer.units for layer in dense] == [1200, 1200, 784]
    maxout = _layers(model.discriminator, kg.models.layers.Maxout)
    assert [(layer.units, layer.pieces) for layer in maxout] == [(240, 5), (240, 5)]
    dropout = _layers(model.discriminator, kg.models.layers.StatelessDropout)
    assert [layer.rate for layer in dropout] == [0.2, 0.5, 0.5]
    model.compile()
    assert isinstance(model.generator_optimizer, keras.optimizers.SGD)
    assert np.isclose(model.generator_optimizer.momentum, 0.5)


# --------------------------------------------------------------- shared generator pass

def _batches(images, batch_size=32, steps=2):
    return tf.data.Dataset.from_tensor_slices(images[: batch_size * steps]).batch(batch_size)


def test_shared_generator_pass_is_the_default_for_dcgan_not_for_gan():
    assert kg.DCGAN(seed=0).shared_generator_pass is True
    assert kg.GAN(seed=0).shared_generator_pass is False  # Algorithm 1: fresh noise
    assert kg.DCGAN(seed=0, shared_generator_pass=False).get_config()[
        "shared_generator_pass"] is False
    with pytest.raises(ValueError, match="shared_generator_pass"):
        kg.DCGAN(shared_generator_pass="yes")


# That each setting survives a .keras round trip and training then continues exactly:
# the battery (tests/harness.py) saves DCGAN (shared pass) and GAN (fresh noise).
def test_shared_generator_pass_trains_both_networks_and_differs_from_fresh_noise(
    fashion_images
):
    models = {}
    for shared in (True, False):
        model = kg.DCGAN(seed=0, shared_generator_pass=shared)
        model.compile()
        before = {name: weights_of(getattr(model, name))
                  for name in ("generator", "discriminator")}
        history = model.fit(_batches(fashion_images), epochs=1, verbose=0)
        for name in ("discriminator_loss", "generator_loss"):
            assert np.all(np.isfinite(history.history[name])), history.history
        for name, weights in before.items():
            after = weights_of(getattr(model, name))
            assert any(not np.array_equal(a, b) for a, b in zip(weights, after)), name
        models[shared] = model
    # Same initial weights, data and discriminator noise: only the generator
    # update's noise differs, so the generators part ways.
    assert any(not np.allclose(a, b) for a, b in zip(
        weights_of(models[True].generator), weights_of(models[False].generator)))


def test_shared_generator_pass_updates_g_through_the_updated_d_on_the_same_fakes(
    fashion_images
):
    """The PyTorch DCGAN step: D on (real, G(z)), then G on D_new(G(z)), same z."""
    generator = keras.Sequential([keras.Input((8,)), keras.layers.Dense(784, activation="tanh"),
                                  keras.layers.Reshape((28, 28, 1))])
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(16, activation="relu"),
                                      keras.layers.Dense(1)])
    model = kg.DCGAN(latent_dim=8, generator=generator, discriminator=discriminator,
                     shared_generator_pass=True, seed=0)
    model.compile(generator_optimizer=keras.optimizers.SGD(0.5),
                  discriminator_optimizer=keras.optimizers.SGD(0.5))
    real = fashion_images[:32]
    z = model.sample_latent(32, "discriminator_step")  # step 0's discriminator noise
    g0, d0 = generator.get_weights(), discriminator.get_weights()

    def sgd(network, loss_fn):
        sgd_step(network.trainable_variables, loss_fn, 0.5)

    fake = generator(z)
    sgd(discriminator, lambda: tf.reduce_mean(tf.nn.softplus(-discriminator(real)))
        + tf.reduce_mean(tf.nn.softplus(discriminator(fake))))
    sgd(generator, lambda: tf.reduce_mean(tf.nn.softplus(-discriminator(generator(z)))))
    expected = generator.get_weights() + discriminator.get_weights()

    generator.set_weights(g0)
    discriminator.set_weights(d0)
    model.fit(_batches(fashion_images, steps=1), epochs=1, verbose=0)
    for a, b in zip(generator.get_weights() + discriminator.get_weights(), expected):
        np.testing.assert_allclose(a, b, atol=1e-5)
