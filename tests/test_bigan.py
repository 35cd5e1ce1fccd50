"""BiGAN (Donahue et al. 2016) and its BigBiGAN discriminator, on Fashion-MNIST."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from conftest import weights_of

SMALL = dict(units=64)


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


@pytest.mark.parametrize("discriminator_type", ["bigan", "bigbigan"])
def test_discriminator_uses_both_the_image_and_the_code(discriminator_type, fashion_images):
    model = kg.BiGAN(seed=0, discriminator_type=discriminator_type, **SMALL)
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


def test_one_optimizer_trains_encoder_and_generator_together(fashion_images):
    model = kg.BiGAN(seed=0, **SMALL)
    model.compile()
    generator_side = model.optimizer_variables("generator_optimizer")
    assert len(generator_side) == len(model.generator.trainable_variables) + len(
        model.encoder.trainable_variables)
    before = {name: weights_of(getattr(model, name)) for name in model.NETWORKS}
    dataset = tf.data.Dataset.from_tensor_slices(fashion_images[:256]).batch(64)
    history = model.fit(dataset, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    for name in model.NETWORKS:
        assert any(not np.array_equal(a, b)
                   for a, b in zip(before[name], weights_of(getattr(model, name)))), name
    assert int(model.generator_optimizer.iterations.numpy()) == 4
    with pytest.raises(ValueError, match="unconditional"):
        model.fit(tf.data.Dataset.from_tensor_slices(
            (fashion_images[:64], np.zeros(64, "int64"))).batch(32), verbose=0)
    with pytest.raises(ValueError, match="discriminator_type"):
        kg.BiGAN(discriminator_type="patch")


@pytest.mark.parametrize("discriminator_type", ["bigan", "bigbigan"])
def test_keras_round_trip(discriminator_type, fashion_images, tmp_path):
    model = kg.BiGAN(seed=0, latent_dim=16, discriminator_type=discriminator_type, **SMALL)
    model.compile()
    model.fit(tf.data.Dataset.from_tensor_slices(fashion_images[:128]).batch(64), verbose=0)
    path = str(tmp_path / "bigan.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, kg.BiGAN)
    assert (loaded.discriminator_type, loaded.latent_dim, loaded.units) == (
        discriminator_type, 16, 64)
    np.testing.assert_array_equal(loaded.encode(fashion_images[:8]), model.encode(fashion_images[:8]))
    np.testing.assert_array_equal(loaded.generate(4, seed=1), model.generate(4, seed=1))
    assert int(loaded.generator_optimizer.iterations.numpy()) == 2
