"""DCGAN's architecture guidelines (Radford et al. 2015, section 3) and defaults."""

import keras
import numpy as np
import pytest

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
