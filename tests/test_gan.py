"""kg.GAN (Goodfellow et al. 2014): the paper's MNIST networks see the paper's pixels."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import assert_step_matches, clone, sgd_step

import keras_gans as kg

LEARNING_RATE = 0.5  # plain SGD: a wrong term or scale shows at once


def test_networks_work_on_the_papers_zero_one_pixels():
    model = kg.GAN(seed=0)
    output = [l for l in model.generator.layers if isinstance(l, keras.layers.Dense)][-1]
    assert output.activation is keras.activations.sigmoid  # mnist.yaml's Sigmoid 'y'
    images = model.generate(64, seed=0)
    assert images.min() >= -1 and images.max() <= 1

    # The discriminator's first operation maps the library's [-1, 1] back to [0, 1].
    rescale = next(l for l in model.discriminator.layers
                   if isinstance(l, keras.layers.Rescaling))
    x = np.array([[-1.0, 0.0, 1.0]], "float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(rescale(x)), [[0.0, 0.5, 1.0]])


def test_paper_defaults_train_stably_on_fashion_mnist():
    # On [-1, 1] pixels the same configuration diverged (NaN) at step 264 of seed 0.
    data = kg.data.load("fashion_mnist", batch_size=100, seed=0).take(400)
    model = kg.GAN(seed=0)
    model.compile()
    losses = []
    callback = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: losses.append(logs["discriminator_loss"])
    )
    model.fit(data, epochs=1, verbose=0, callbacks=[callback])
    assert len(losses) == 400 and np.all(np.isfinite(losses))
    largest = max(float(np.abs(keras.ops.convert_to_numpy(w)).max())
                  for w in model.discriminator.trainable_weights)
    assert largest < 5.0, largest


def test_train_step_is_algorithm_1_with_fresh_noise_for_the_generator(fashion_images):
    """Algorithm 1 (k = 1): D ascends log D(x) + log(1 - D(G(z1))); then G descends the
    non-saturating -log D(G(z2)) (section 3) through the updated D, on FRESH noise z2."""
    generator = keras.Sequential([keras.Input((8,)), keras.layers.Dense(32, activation="relu"),
                                  keras.layers.Dense(784, activation="tanh"),
                                  keras.layers.Reshape((28, 28, 1))])
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(16, activation="relu"),
                                      keras.layers.Dense(1)])
    model = kg.GAN(latent_dim=8, generator=generator, discriminator=discriminator, seed=0)
    assert model.shared_generator_pass is False
    model.compile(generator_optimizer=keras.optimizers.SGD(LEARNING_RATE),
                  discriminator_optimizer=keras.optimizers.SGD(LEARNING_RATE))
    real = fashion_images[:32]
    # The model's own draws for step 0 (keyed on the step counter, still 0).
    z1 = model.sample_latent(32, "discriminator_step")
    z2 = model.sample_latent(32, "generator_step")
    assert not np.allclose(z1, z2)

    g, d = clone(generator), clone(discriminator)
    starts = generator.get_weights(), discriminator.get_weights()
    fake = g(z1)
    sgd_step(d.trainable_variables, lambda: tf.reduce_mean(tf.nn.softplus(-d(real)))
             + tf.reduce_mean(tf.nn.softplus(d(fake))), LEARNING_RATE)
    sgd_step(g.trainable_variables, lambda: tf.reduce_mean(tf.nn.softplus(-d(g(z2)))),
             LEARNING_RATE)

    model.train_on_batch(real)
    assert int(model.step_counter.numpy()) == 1
    assert_step_matches(generator, g, starts[0])
    assert_step_matches(discriminator, d, starts[1])


def test_default_sgd_ramps_the_momentum_as_the_papers_code():
    model = kg.GAN(seed=0)
    model.compile()
    optimizer = model.generator_optimizer
    assert isinstance(optimizer, kg.models.schedules.RampedMomentumSGD)
    expected = {0: 0.5, 500: 0.5, 62_750: 0.6, 125_000: 0.7, 300_000: 0.7}
    for step, momentum in expected.items():
        optimizer.iterations.assign(step)
        assert np.isclose(float(optimizer.current_momentum()), momentum, atol=1e-6)
    np.testing.assert_allclose(float(optimizer.learning_rate), 0.1 / 1.000004 ** 300_000,  # float32
                               rtol=5e-3)
    restored = kg.models.schedules.RampedMomentumSGD.from_config(optimizer.get_config())
    assert (restored.final_momentum, restored.ramp_start, restored.ramp_end) == (0.7, 500,
                                                                               125_000)


def test_ramped_momentum_update_is_the_momentum_formula():
    optimizer = kg.models.schedules.RampedMomentumSGD(0.1, momentum=0.5, final_momentum=0.9,
                                                      ramp_start=1, ramp_end=3)
    w = keras.Variable(np.array([1.0, -2.0], "float32"))
    optimizer.build([w])
    expected, velocity = np.array([1.0, -2.0]), np.zeros(2)
    for step, gradient in enumerate([[1.0, 1.0], [0.5, -1.0], [2.0, 0.0], [1.0, 1.0]]):
        momentum = 0.5 + 0.4 * min(max((step - 1) / 2, 0.0), 1.0)  # 0.5, 0.5, 0.7, 0.9
        velocity = momentum * velocity - 0.1 * np.array(gradient)
        expected = expected + velocity
        optimizer.apply_gradients([(tf.constant(gradient, "float32"), w)])
        np.testing.assert_allclose(w.numpy(), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="ramp_start < ramp_end"):
        kg.models.schedules.RampedMomentumSGD(0.1, ramp_start=5, ramp_end=5)
    with pytest.raises(ValueError, match="no Nesterov variant"):
        kg.models.schedules.RampedMomentumSGD(0.1, nesterov=True)
