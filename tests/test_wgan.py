"""WGAN (Arjovsky et al. 2017, Algorithm 1): clipping, n_critic fresh real batches, defaults."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from conftest import weights_of


class Recorder(keras.layers.Layer):
    """Identity layer that keeps a copy of every batch it sees (eager mode only)."""

    def __init__(self, log, **kwargs):
        super().__init__(**kwargs)
        self.record = log.append  # a list attribute would be copied by Keras's tracking

    def call(self, inputs):
        if tf.executing_eagerly():  # not while the Sequential traces its shapes
            self.record(keras.ops.convert_to_numpy(inputs).copy())
        return inputs


def recording_critic(log, image_shape=(28, 28, 1)):
    """A small linear critic whose input passes through a `Recorder`."""
    return keras.Sequential(
        [keras.Input(image_shape), Recorder(log), keras.layers.Flatten(), keras.layers.Dense(1)],
        name="critic",
    )


def small_generator(latent_dim=8, image_shape=(28, 28, 1)):
    return keras.Sequential(
        [keras.Input((latent_dim,)),
         keras.layers.Dense(int(np.prod(image_shape)), activation="tanh"),
         keras.layers.Reshape(image_shape)],
        name="generator",
    )


def find_rows(batch, images):
    """Indices of `batch`'s images in `images`, or None if any is not there."""
    flat = images.reshape(len(images), -1)
    indices = []
    for image in batch.reshape(len(batch), -1):
        match = np.flatnonzero(np.all(flat == image, axis=1))
        if len(match) != 1:
            return None
        indices.append(int(match[0]))
    return indices


def test_every_critic_weight_lies_in_clip_range_after_every_critic_update(fashion_images):
    after_update = []

    class Instrumented(kg.WGAN):
        def critic_update(self, real, step):
            logs = super().critic_update(real, step)
            after_update.append(max(float(np.abs(w).max()) for w in weights_of_trainable(self.critic)))
            return logs

    model = Instrumented(seed=0, critic_steps=5, clip_value=0.01)
    # DCGAN's N(0, 0.02) initial weights exceed c = 0.01: clipping has work to do.
    assert max(float(np.abs(w).max()) for w in weights_of_trainable(model.critic)) > 0.03
    model.compile(run_eagerly=True)
    critic_before = weights_of(model.critic)
    model.fit(tf.data.Dataset.from_tensor_slices(fashion_images[:160]).batch(80),
              epochs=1, verbose=0)
    assert len(after_update) == 10  # 2 steps x 5 critic updates
    assert max(after_update) <= 0.01 + 1e-9, after_update
    assert min(after_update) > 0.009  # weights pile up at the bounds; not all zero
    assert any(not np.array_equal(a, b) for a, b in zip(critic_before, weights_of(model.critic)))


def weights_of_trainable(network):
    return [keras.ops.convert_to_numpy(v) for v in network.trainable_variables]


def test_clipping_holds_in_compiled_training_too(fashion_images):
    model = kg.WGAN(seed=0, clip_value=0.005)
    model.compile()
    model.fit(tf.data.Dataset.from_tensor_slices(fashion_images[:160]).batch(80),
              epochs=1, verbose=0)
    bounds = [np.abs(w).max() for w in weights_of_trainable(model.critic)]
    assert max(bounds) <= 0.005 + 1e-9 and max(bounds) > 0.0049


def test_five_critic_updates_per_generator_update_each_on_its_own_real_batch(fashion_images):
    seen = []
    m, steps = 8, 3
    images = fashion_images[: 5 * m * steps]
    model = kg.WGAN(latent_dim=8, generator=small_generator(), critic=recording_critic(seen),
                    critic_steps=5, seed=0)
    model.compile(run_eagerly=True)
    model.fit(tf.data.Dataset.from_tensor_slices(images).batch(5 * m), epochs=1, verbose=0)

    assert int(model.generator_optimizer.iterations.numpy()) == steps
    assert int(model.critic_optimizer.iterations.numpy()) == 5 * steps
    real_batches = [find_rows(batch, images) for batch in seen]
    real_batches = [rows for rows in real_batches if rows is not None]
    # Each critic update saw m real images; together they are every image of the
    # fit() batches, once each: 5 distinct minibatches per generator step.
    assert len(real_batches) == 5 * steps
    assert [len(rows) for rows in real_batches] == [m] * (5 * steps)
    # Update i of step s takes images s*5m + i, + 5, + 10, ... (a strided cut, which
    # stays the same under any number of replicas).
    assert real_batches == [[s * 5 * m + i + 5 * j for j in range(m)]
                            for s in range(steps) for i in range(5)]
    assert sorted(sum(real_batches, [])) == list(range(len(images)))
    # The critic saw 2 calls per critic update (real, fake) and 1 per generator
    # update (fake), and each critic update drew its own noise.
    assert len(seen) == steps * (2 * 5 + 1)
    fakes = [batch for batch in seen if find_rows(batch, images) is None]
    assert len(fakes) == steps * 6 and all(batch.shape[0] == m for batch in fakes)
    assert len({batch.tobytes() for batch in fakes}) == len(fakes)


def test_wasserstein_estimate_is_mean_real_score_minus_mean_fake_score(fashion_images):
    model = kg.WGAN(latent_dim=8, generator=small_generator(), critic=recording_critic([]),
                    clip_value=None, seed=3)
    # Learning rate 0: the networks stay as they are, so the metric can be recomputed.
    model.compile(generator_optimizer=keras.optimizers.RMSprop(0.0),
                  critic_optimizer=keras.optimizers.RMSprop(0.0))
    images = fashion_images[:50]
    history = model.fit(tf.data.Dataset.from_tensor_slices(images).batch(50), epochs=1, verbose=0)
    model.step_counter.assign(0)
    z = model.sample_latent(10, "critic_step_4")  # the last critic update's noise
    fake = model.generator(z, training=True)
    real_score = keras.ops.convert_to_numpy(model.critic(images[4::5])).mean()
    fake_score = keras.ops.convert_to_numpy(model.critic(fake)).mean()
    np.testing.assert_allclose(history.history["wasserstein_estimate"][0],
                               real_score - fake_score, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(history.history["critic_loss"][0],
                               fake_score - real_score, rtol=1e-5, atol=1e-6)


def test_paper_defaults():
    model = kg.WGAN(seed=0)
    assert (model.critic_steps, model.clip_value, model.latent_dim) == (5, 0.01, 100)
    assert kg.WGAN.DEFAULT_BATCH_SIZE == 5 * 64
    assert model.discriminator is model.critic
    last = model.critic.layers[-1]
    assert last.units == 1 and last.activation is keras.activations.linear  # no sigmoid
    model.compile()
    for optimizer in (model.generator_optimizer, model.critic_optimizer):
        assert isinstance(optimizer, keras.optimizers.RMSprop)
        assert np.isclose(float(optimizer.learning_rate), 5e-5)
        assert optimizer.momentum == 0
    z = model.sample_latent(4096, "x").numpy()
    assert abs(z.std() - 1) < 0.03 and z.min() < -2.5  # N(0, I), as the authors' code


@pytest.mark.parametrize("bad, message", [
    (dict(critic_steps=0), "critic_steps"),
    (dict(critic_steps=2.5), "critic_steps"),
    (dict(clip_value=-0.01), "clip_value"),
])
def test_constructor_rejects_bad_arguments(bad, message):
    with pytest.raises(ValueError, match=message):
        kg.WGAN(seed=0, **bad)


# (Labels to the unconditional WGAN: the battery, tests/harness.py.)
@pytest.mark.parametrize("case", ["dataset batch of 64", "numpy batch_size 64"])
def test_bad_input_raises_value_error_before_any_step(case, fashion_images):
    model = kg.WGAN(seed=0)
    model.compile()
    before = weights_of(model)
    images = fashion_images[:320]
    with pytest.raises(ValueError) as error:
        if case == "dataset batch of 64":
            model.fit(tf.data.Dataset.from_tensor_slices(images).batch(64), verbose=0)
        else:
            model.fit(images, batch_size=64, verbose=0)
    assert error.match("multiple of 5.*received a batch of 64.*320")
    assert int(model.step_counter.numpy()) == 0
    assert int(model.critic_optimizer.iterations.numpy()) == 0
    for a, b in zip(before, weights_of(model)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", ["arrays", "tf.data"])
def test_last_partial_batch_still_gives_finite_steps(kind, fashion_images):
    # 83 images in batches of 40: 40, 40, 3. The 3-image batch has fewer images than
    # critic updates; its minibatches of 1 cycle through it rather than being empty.
    # Only the first batch must be a multiple of critic_steps: the last is a remainder.
    model = kg.WGAN(seed=0, critic_steps=5)
    model.compile()
    images = fashion_images[:83]
    data = ({"x": images, "batch_size": 40} if kind == "arrays"
            else {"x": tf.data.Dataset.from_tensor_slices(images).batch(40)})
    history = model.fit(**data, epochs=1, verbose=0)
    assert np.all(np.isfinite(history.history["critic_loss"]))
    assert int(model.critic_optimizer.iterations.numpy()) == 15
    assert all(np.all(np.isfinite(w)) for w in weights_of(model))
