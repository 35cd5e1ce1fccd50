"""BiGAN (Donahue et al. 2016) and its BigBiGAN discriminator, on Fashion-MNIST."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from conftest import assert_step_matches, clone, sgd_step

SMALL = dict(units=64)
LEARNING_RATE = 0.5  # plain SGD: a wrong term or scale shows at once


def test_encode_reconstruct_and_generate_have_the_right_shapes_and_ranges(fashion_images):
    model = kg.BiGAN(seed=0)
    assert model.latent_dim == 50 and model.LATENT_DISTRIBUTION == "uniform"  # U[-1, 1]^50
    images = fashion_images[:20]
    codes = model.encode(images)
    assert codes.shape == (20, 50) and codes.dtype == np.float32
    np.testing.assert_allclose(codes, model.encode(images, batch_size=7), atol=1e-5)
    reconstructions = model.reconstruct(images)
    assert reconstructions.shape == (20, 28, 28, 1)
    assert -1 <= reconstructions.min() and reconstructions.max() <= 1
    # reconstruct is G(E(x)).
    np.testing.assert_allclose(
        reconstructions, np.asarray(model.generator(model.encoder(images))), atol=1e-5)
    assert model.generate(5, seed=0).shape == (5, 28, 28, 1)
    with pytest.raises(ValueError, match="shape"):
        model.encode(np.zeros((2, 32, 32, 1), "float32"))


@pytest.mark.parametrize("architecture", ["mlp", "dcgan"])
@pytest.mark.parametrize("discriminator_type", ["bigan", "bigbigan"])
def test_discriminator_uses_both_the_image_and_the_code(discriminator_type, architecture,
                                                        fashion_images):
    model = kg.BiGAN(seed=0, discriminator_type=discriminator_type,
                     architecture=architecture, filters=8, **SMALL)
    x, other_x = fashion_images[:16], fashion_images[16:32]
    z = np.random.default_rng(0).uniform(-1, 1, (16, 50)).astype("float32")
    other_z = np.random.default_rng(1).uniform(-1, 1, (16, 50)).astype("float32")
    scores = model.score(x, z)
    assert scores.shape == (16, 1 if discriminator_type == "bigan" else 3)
    z_changed, x_changed = model.score(x, other_z), model.score(other_x, z)
    # The joint score (the only one for BiGAN, the last for BigBiGAN) sees both.
    assert np.all(z_changed[:, -1] != scores[:, -1])
    assert np.all(x_changed[:, -1] != scores[:, -1])
    if discriminator_type == "bigbigan":
        # Unary scores: s_x ignores z, s_z ignores x (Donahue & Simonyan 2019).
        np.testing.assert_array_equal(z_changed[:, 0], scores[:, 0])
        assert np.all(z_changed[:, 1] != scores[:, 1])
        np.testing.assert_array_equal(x_changed[:, 1], scores[:, 1])
        assert np.all(x_changed[:, 0] != scores[:, 0])


@pytest.mark.parametrize("architecture, dropout_layers", [("mlp", 3), ("dcgan", 5)])
def test_discriminator_dropout_drops_in_training_only_and_round_trips(
        architecture, dropout_layers, fashion_images, tmp_path):
    options = dict(seed=0, architecture=architecture, filters=8, **SMALL)
    plain = kg.BiGAN(**options)
    model = kg.BiGAN(discriminator_dropout=0.2, **options)
    layers = [layer for layer in model.discriminator.layers
              if isinstance(layer, kg.models.layers.StatelessDropout)]
    # After each hidden layer (2 convolutions with "dcgan", 2 dense) and on z.
    assert len(layers) == dropout_layers and {layer.rate for layer in layers} == {0.2}
    # The same initial weights as without dropout: the masks have their own seeds.
    for with_dropout, without in zip(model.discriminator.trainable_weights,
                                     plain.discriminator.trainable_weights):
        np.testing.assert_array_equal(np.asarray(with_dropout), np.asarray(without))
    x = fashion_images[:16]
    z = np.random.default_rng(0).uniform(-1, 1, (16, 50)).astype("float32")
    # Inference: no dropout, the same scores as the plain D.
    np.testing.assert_allclose(model.score(x, z), plain.score(x, z), rtol=1e-6, atol=1e-6)
    # Training: a new mask per call, none equal to the plain D's scores.
    first, second = (np.asarray(model.discriminator([x, z], training=True)) for _ in "ab")
    assert not np.allclose(first, second)
    assert not np.allclose(first, plain.score(x, z))
    path = str(tmp_path / "bigan.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.discriminator_dropout == 0.2
    assert sum(isinstance(layer, kg.models.layers.StatelessDropout)
               for layer in loaded.discriminator.layers) == dropout_layers
    np.testing.assert_allclose(loaded.score(x, z), model.score(x, z), rtol=1e-6, atol=1e-6)
    # The file goes on training under another rate (`--continue-from FILE --option
    # discriminator_dropout=0.4`): its networks, the new rate in every dropout layer.
    continued = kg.training.run(
        "bigan", tmp_path / "continued", epochs=1, steps_per_epoch=1, batch_size=16,
        num_samples=4, verbose=0, from_preset=path, model_options={"discriminator_dropout": 0.4})
    dropped = [layer for layer in continued.discriminator.layers
               if isinstance(layer, kg.models.layers.StatelessDropout)]
    assert continued.discriminator_dropout == 0.4 and len(dropped) == dropout_layers
    ones = np.ones((64, 100), "float32")
    assert abs(float(np.mean(np.asarray(dropped[-1](ones, training=True)) == 0)) - 0.4) < 0.1
    saved = keras.saving.load_model(tmp_path / "continued" / "model.keras")
    assert saved.discriminator_dropout == 0.4
    with pytest.raises(ValueError, match="discriminator_dropout"):
        kg.BiGAN(discriminator_dropout=1.0)
    # A D without that dropout (yours, or a preset's under changed options) is refused.
    with pytest.raises(ValueError, match="no dropout layers"):
        kg.BiGAN(discriminator=plain.discriminator, discriminator_dropout=0.2, **options)


def test_losses_are_the_papers():
    real = np.array([[0.3], [-1.2]], "float32")  # D's logits on (x, E(x))
    fake = np.array([[2.0], [-0.5]], "float32")  # and on (G(z), z)
    model = kg.BiGAN(seed=0, **SMALL)
    softplus = lambda t: np.log1p(np.exp(t))  # noqa: E731  -log(1 - sigmoid(t)) = softplus(t)
    # D: -log D(x, E(x)) - log(1 - D(G(z), z)); E and G: the labels flipped (section 3.4).
    np.testing.assert_allclose(model.discriminator_losses(real, fake),
                               (softplus(-real) + softplus(fake))[:, 0], rtol=1e-6)
    np.testing.assert_allclose(model.encoder_generator_losses(real, fake),
                               (softplus(real) + softplus(-fake))[:, 0], rtol=1e-6)
    # BigBiGAN: hinge on each of s_x, s_z, s_xz, summed; l_EG = sum(real) - sum(fake).
    big = kg.BiGAN(seed=0, discriminator_type="bigbigan", **SMALL)
    real3 = np.array([[0.5, 2.0, -1.0]], "float32")
    fake3 = np.array([[-2.0, 0.5, 0.0]], "float32")
    np.testing.assert_allclose(big.discriminator_losses(real3, fake3),
                               [(0.5 + 0 + 2.0) + (0 + 1.5 + 1.0)], rtol=1e-6)
    np.testing.assert_allclose(big.encoder_generator_losses(real3, fake3),
                               [1.5 - (-1.5)], rtol=1e-6)


def test_one_optimizer_holds_the_encoder_and_generator_variables():
    # Section 3.4: E and G are one player. (That the step updates them together is
    # checked by the reference step below; training every network, by the battery.)
    model = kg.BiGAN(seed=0, **SMALL)
    model.compile()
    generator_side = model.optimizer_variables("generator_optimizer")
    assert len(generator_side) == len(model.generator.trainable_variables) + len(
        model.encoder.trainable_variables)
    assert len(model.generator_optimizer.variables) > len(generator_side)  # built for both
    with pytest.raises(ValueError, match="discriminator_type"):
        kg.BiGAN(discriminator_type="patch")


def test_bigbigan_discriminator_round_trips_through_a_keras_file(fashion_images, tmp_path):
    # The battery saves the default "bigan" discriminator; BigBiGAN's three heads
    # come back from the file too.
    model = kg.BiGAN(seed=0, latent_dim=16, discriminator_type="bigbigan", **SMALL)
    model.save(tmp_path / "bigbigan.keras")
    loaded = keras.saving.load_model(tmp_path / "bigbigan.keras")
    assert isinstance(loaded, kg.BiGAN)
    assert (loaded.discriminator_type, loaded.latent_dim, loaded.units) == ("bigbigan", 16, 64)
    z = np.random.default_rng(0).uniform(-1, 1, (8, 16)).astype("float32")
    np.testing.assert_array_equal(loaded.score(fashion_images[:8], z),
                                  model.score(fashion_images[:8], z))
    np.testing.assert_array_equal(loaded.encode(fashion_images[:8]),
                                  model.encode(fashion_images[:8]))
    np.testing.assert_array_equal(loaded.generate(4, seed=1), model.generate(4, seed=1))


def test_convolutional_networks_follow_dcgan_and_round_trip(fashion_images, tmp_path):
    # architecture="dcgan": G is kg.DCGAN's generator, E its discriminator trunk with
    # batch norm ending in a code, D's x-branch the trunk without normalization.
    model = kg.BiGAN(seed=0, latent_dim=16, architecture="dcgan", filters=8, **SMALL)
    dcgan = kg.DCGAN(seed=0, latent_dim=16, filters=8)
    assert [w.shape for w in model.generator.weights] == [
        w.shape for w in dcgan.generator.weights]
    conv_layers = lambda net: [l for l in net.layers if isinstance(l, keras.layers.Conv2D)]  # noqa: E731
    assert [l.filters for l in conv_layers(model.encoder)] == [8, 16]
    assert any(isinstance(l, keras.layers.BatchNormalization) for l in model.encoder.layers)
    assert [l.filters for l in conv_layers(model.discriminator)] == [8, 16]
    assert not any(isinstance(l, keras.layers.BatchNormalization)
                   for l in model.discriminator.layers)
    codes = model.encode(fashion_images[:8])
    assert codes.shape == (8, 16)
    model.save(tmp_path / "conv.keras")
    loaded = keras.saving.load_model(tmp_path / "conv.keras")
    assert (loaded.architecture, loaded.filters) == ("dcgan", 8)
    np.testing.assert_array_equal(loaded.encode(fashion_images[:8]), codes)
    with pytest.raises(ValueError, match="architecture"):
        kg.BiGAN(architecture="resnet")


def _small_networks(latent_dim=8):
    layers = keras.layers
    encoder = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(),
                                layers.Dense(32, activation="relu"), layers.Dense(latent_dim)],
                               name="encoder")
    generator = keras.Sequential([keras.Input((latent_dim,)), layers.Dense(32, activation="relu"),
                                  layers.Dense(784, activation="tanh"),
                                  layers.Reshape((28, 28, 1))], name="generator")
    images, z = keras.Input((28, 28, 1)), keras.Input((latent_dim,))
    x = layers.Concatenate()([layers.Flatten()(images), z])
    logit = layers.Dense(1)(layers.Dense(16, activation="relu")(x))
    return encoder, generator, keras.Model([images, z], logit, name="discriminator")


def test_train_step_updates_d_on_pairs_then_e_and_g_together_on_fresh_noise(fashion_images):
    """Section 3.4: D ascends log D(x, E(x)) + log(1 - D(G(z1), z1)); then E and G,
    with one optimizer, descend the inverted objective -log(1 - D(x, E(x)))
    - log D(G(z2), z2) through the updated D, on fresh noise z2."""
    encoder, generator, discriminator = _small_networks()
    model = kg.BiGAN(latent_dim=8, encoder=encoder, generator=generator,
                     discriminator=discriminator, seed=0)
    model.compile(generator_optimizer=keras.optimizers.SGD(LEARNING_RATE),
                  discriminator_optimizer=keras.optimizers.SGD(LEARNING_RATE))
    real = tf.constant(fashion_images[:32])
    # The model's own draws for step 0 (keyed on the step counter, still 0).
    z1 = model.sample_latent(32, "discriminator_step")
    z2 = model.sample_latent(32, "generator_step")
    assert not np.allclose(z1, z2)

    e, g, d = clone(encoder), clone(generator), clone(discriminator)
    starts = encoder.get_weights(), generator.get_weights(), discriminator.get_weights()
    encoded, fake = e(real), g(z1)
    sgd_step(d.trainable_variables,
             lambda: tf.reduce_mean(tf.nn.softplus(-d([real, encoded])))
             + tf.reduce_mean(tf.nn.softplus(d([fake, z1]))), LEARNING_RATE)
    # softplus(t) = -log(1 - sigmoid(t)), softplus(-t) = -log sigmoid(t).
    sgd_step(e.trainable_variables + g.trainable_variables,
             lambda: tf.reduce_mean(tf.nn.softplus(d([real, e(real)])))
             + tf.reduce_mean(tf.nn.softplus(-d([g(z2), z2]))), LEARNING_RATE)

    model.train_on_batch(real)
    assert int(model.step_counter.numpy()) == 1
    assert_step_matches(encoder, e, starts[0])
    assert_step_matches(generator, g, starts[1])
    assert_step_matches(discriminator, d, starts[2])


def test_learning_rate_is_constant_then_decays_exponentially_to_a_hundredth(fashion_images):
    schedule = kg.models.schedules.ConstantThenExponentialDecay(2e-4, total_steps=100)
    values = [float(schedule(step)) for step in (0, 50, 75, 100, 130)]
    np.testing.assert_allclose(values, [2e-4, 2e-4, 2e-5, 2e-6, 2e-6], rtol=1e-5)
    copy = kg.models.schedules.ConstantThenExponentialDecay.from_config(schedule.get_config())
    assert float(copy(75)) == pytest.approx(2e-5)
    with pytest.raises(ValueError, match="final_multiplier"):
        kg.models.schedules.ConstantThenExponentialDecay(2e-4, final_multiplier=0)

    # The default optimizers follow it over the run fit() is given: 2 epochs x 2 steps.
    model = kg.BiGAN(seed=0, **SMALL)
    model.compile()
    model.fit(tf.data.Dataset.from_tensor_slices(fashion_images[:64]).batch(16).take(2),
              epochs=2, verbose=0)
    assert {s.total_steps for s in model.run_schedules()} == {4}
    # Steps 0-1 ran at 2e-4, step 3 at 2e-4 * 0.01 ** 0.5; the rate is now the final 2e-6.
    assert float(model.generator_optimizer.learning_rate) == pytest.approx(2e-6, rel=1e-5)
    constant = kg.BiGAN(seed=0, lr_decay_fraction=0, **SMALL)
    constant.compile()
    assert constant.run_schedules() == [] and float(constant.generator_optimizer.learning_rate
                                                   ) == pytest.approx(2e-4)
    assert kg.BiGAN.from_config(constant.get_config()).lr_decay_fraction == 0
    with pytest.raises(ValueError, match="lr_decay_fraction"):
        kg.BiGAN(lr_decay_fraction=1.5)
