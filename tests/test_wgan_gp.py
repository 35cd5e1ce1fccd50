"""WGAN-GP (Gulrajani et al. 2017, Algorithm 1): the gradient penalty and its epsilon."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from conftest import weights_of
from test_wgan import find_rows, recording_critic, small_generator

SHAPE = (4, 4, 2)  # small enough for finite differences over every pixel


def _small_critic(scale):
    """A fixed tanh MLP critic, and the same function in numpy float64."""
    rng = np.random.default_rng(0)
    w1 = rng.normal(0, scale, (int(np.prod(SHAPE)), 8))
    b1 = rng.normal(0, 0.1, 8)
    w2 = rng.normal(0, 1, (8, 1))
    b2 = rng.normal(0, 0.1, 1)
    critic = keras.Sequential([keras.Input(SHAPE), keras.layers.Flatten(),
                               keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
    critic.set_weights([w.astype("float32") for w in (w1, b1, w2, b2)])
    w1, b1, w2, b2 = (w.astype("float32").astype("float64") for w in (w1, b1, w2, b2))

    def numpy_critic(x):
        return (np.tanh(x.reshape(-1) @ w1 + b1) @ w2 + b2)[0]

    return critic, numpy_critic


def _finite_difference_penalty(numpy_critic, x_hat, h=1e-5):
    penalties = []
    for x in x_hat:
        gradient = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[index] = h
            gradient[index] = (numpy_critic(x + step) - numpy_critic(x - step)) / (2 * h)
        penalties.append((np.sqrt(np.sum(gradient**2)) - 1.0) ** 2)
    return np.array(penalties)


@pytest.mark.parametrize("scale", [0.1, 0.4, 1.5])  # gradient norms below, near, above 1
def test_wgan_gp_penalty_matches_finite_differences(scale):
    """Tolerance: 1e-4 relative + 1e-6 absolute (float32 penalty vs float64 central
    differences, whose own error is ~1e-9 here)."""
    critic, numpy_critic = _small_critic(scale)
    rng = np.random.default_rng(1)
    real = rng.uniform(-1, 1, (6,) + SHAPE)
    fake = rng.uniform(-1, 1, (6,) + SHAPE)
    epsilon = rng.uniform(0, 1, (6, 1, 1, 1))
    penalty = kg.losses.gradient_penalty(
        critic, real.astype("float32"), fake.astype("float32"), epsilon.astype("float32"))
    expected = _finite_difference_penalty(numpy_critic, epsilon * real + (1 - epsilon) * fake)
    assert penalty.shape == (6,) and penalty.dtype == tf.float32
    np.testing.assert_allclose(penalty.numpy(), expected, rtol=1e-4, atol=1e-6)
    assert np.ptp(expected) > 1e-3  # the examples differ: a per-batch norm would fail


def test_penalty_is_finite_and_differentiable_where_the_critic_is_flat():
    critic = keras.Sequential([keras.Input(SHAPE), keras.layers.Flatten(),
                               keras.layers.Dense(1, kernel_initializer="zeros")])
    x = tf.random.uniform((3,) + SHAPE)
    with tf.GradientTape() as tape:
        penalty = kg.losses.gradient_penalty(critic, x, -x, tf.fill((3, 1, 1, 1), 0.5))
    kernel_gradient = tape.gradient(penalty, critic.layers[-1].kernel)
    np.testing.assert_allclose(penalty.numpy(), 1.0)  # (0 - 1)^2
    assert np.all(np.isfinite(kernel_gradient.numpy()))  # a bare sqrt would give NaN


def test_epsilon_is_one_uniform_draw_per_example_and_batches_are_fresh(fashion_images):
    seen = []
    m = 8
    images = fashion_images[: 5 * m * 2]
    model = kg.WGANGP(latent_dim=8, generator=small_generator(), critic=recording_critic(seen),
                      critic_steps=5, seed=0)
    model.compile(run_eagerly=True)
    model.fit(tf.data.Dataset.from_tensor_slices(images).batch(5 * m), epochs=1, verbose=0)
    assert int(model.critic_optimizer.iterations.numpy()) == 10
    assert int(model.generator_optimizer.iterations.numpy()) == 2

    # Per critic update the critic sees real, fake, then x_hat (the penalty); then
    # one fake batch per generator update.
    assert len(seen) == 2 * (3 * 5 + 1)
    epsilons, real_rows = [], []
    for step in range(2):
        calls = seen[step * 16: (step + 1) * 16]
        for update in range(5):
            real, fake, x_hat = calls[3 * update: 3 * update + 3]
            real_rows.append(find_rows(real, images))
            direction = (real - fake).reshape(m, -1)
            offset = (x_hat - fake).reshape(m, -1)
            epsilon = np.sum(offset * direction, axis=1) / np.sum(direction**2, axis=1)
            # One scalar per example: x_hat - fake is epsilon * (real - fake) at every pixel.
            np.testing.assert_allclose(offset, epsilon[:, None] * direction, atol=1e-5)
            epsilons.append(epsilon)
    assert real_rows == [[s * 5 * m + i + 5 * j for j in range(m)]
                         for s in range(2) for i in range(5)]
    epsilons = np.concatenate(epsilons)
    assert epsilons.min() >= 0 and epsilons.max() <= 1
    assert len(np.unique(np.round(epsilons, 6))) == len(epsilons)  # drawn per example

    # The distribution: U[0, 1] (Kolmogorov-Smirnov distance well under the 0.1%
    # critical value 1.95 / sqrt(n)), and not the N(0, 1) of some public code.
    draws = model.interpolation_weights(20000, "test").numpy()
    assert draws.shape == (20000, 1, 1, 1)
    draws = np.sort(draws.ravel())
    n = len(draws)
    ks = np.max(np.maximum(np.arange(1, n + 1) / n - draws, draws - np.arange(n) / n))
    assert ks < 1.95 / np.sqrt(n)


def test_critic_loss_is_wasserstein_term_plus_lambda_times_penalty(fashion_images):
    model = kg.WGANGP(seed=0, gradient_penalty_weight=10.0)
    model.compile()
    history = model.fit(tf.data.Dataset.from_tensor_slices(fashion_images[:320]).batch(320),
                        epochs=1, verbose=0).history
    assert history["gradient_penalty"][0] > 0
    np.testing.assert_allclose(
        history["critic_loss"][0],
        -history["wasserstein_estimate"][0] + 10.0 * history["gradient_penalty"][0], rtol=1e-5)


def test_paper_defaults_and_no_batch_norm_in_the_critic():
    model = kg.WGANGP(seed=0)
    assert (model.critic_steps, model.gradient_penalty_weight) == (5, 10.0)
    assert "clip_value" not in model.get_config()  # no clipping to save or restore
    assert kg.WGANGP.DEFAULT_BATCH_SIZE == 320
    kinds = [type(layer) for layer in model.critic.layers]
    assert keras.layers.BatchNormalization not in kinds
    norms = [layer for layer in model.critic.layers
             if isinstance(layer, keras.layers.GroupNormalization)]
    assert norms and all(layer.groups == 1 for layer in norms)  # layer norm
    # Layer norm treats each example alone: the critic's scores do not depend on
    # the rest of the batch (which the per-example penalty needs).
    x = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(model.critic(x, training=True)[:1],
                               model.critic(x[:1], training=True), atol=1e-5)
    model.compile()
    for optimizer in (model.generator_optimizer, model.critic_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert np.isclose(float(optimizer.learning_rate), 1e-4)
        assert (optimizer.beta_1, optimizer.beta_2) == (0.0, 0.9)
    with pytest.raises(ValueError, match="does not clip"):
        kg.WGANGP(clip_value=0.01)
    with pytest.raises(ValueError, match="gradient_penalty_weight"):
        kg.WGANGP(gradient_penalty_weight=-1)


def test_bad_batch_size_raises_before_any_step(fashion_images):
    model = kg.WGANGP(seed=0)
    model.compile()
    before = weights_of(model)
    with pytest.raises(ValueError, match="multiple of 5"):
        model.fit(tf.data.Dataset.from_tensor_slices(fashion_images[:128]).batch(128), verbose=0)
    assert int(model.critic_optimizer.iterations.numpy()) == 0
    for a, b in zip(before, weights_of(model)):
        np.testing.assert_array_equal(a, b)
