"""How the label enters CGAN's networks (kg.models.cgan_networks), and class_diversity."""


import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.evaluation import measures

NUM_CLASSES = 10


def _labels(k, count=4):
    return tf.fill((count, 1), k)


def _mean_change(a, b):
    return float(np.mean(np.abs(keras.ops.convert_to_numpy(a) - keras.ops.convert_to_numpy(b))))


def _assert_generator_uses_label_and_z(model):
    z = model.latent_vectors(8, seed=0)
    other_z = model.latent_vectors(8, seed=1)
    as_t_shirts = model.generator([z, _labels(0, 8)], training=False)
    as_boots = model.generator([z, _labels(9, 8)], training=False)
    other_t_shirts = model.generator([other_z, _labels(0, 8)], training=False)
    # Mean change per pixel relative to the mean |pixel| (tiny at init, in inference
    # mode); a network that ignores an input changes by 0 (float noise).
    scale = float(np.mean(np.abs(keras.ops.convert_to_numpy(as_t_shirts))))
    assert _mean_change(as_t_shirts, as_boots) > 0.05 * scale, "G ignores the label"
    assert _mean_change(as_t_shirts, other_t_shirts) > 0.05 * scale, "G ignores z"


def test_generator_input_is_z_joined_to_the_one_hot_label():
    model = kg.CGAN(seed=0, filters=16)
    generator = model.generator
    assert not any(isinstance(layer, keras.layers.Embedding) for layer in generator.layers)
    joined = next(layer for layer in generator.layers
                  if isinstance(layer, keras.layers.Concatenate))
    probe = keras.Model(generator.inputs, joined.output)
    z = model.latent_vectors(3, seed=0)
    labels = np.array([[0], [4], [9]], "int32")
    expected = np.concatenate([z.numpy(), np.eye(NUM_CLASSES)[labels[:, 0]]], axis=1)
    np.testing.assert_allclose(probe([z, tf.constant(labels)]), expected, atol=1e-7)


def test_generator_depends_on_label_and_z_at_init_and_after_fit(fashion_images, fashion_labels):
    model = kg.CGAN(seed=0, filters=16)
    _assert_generator_uses_label_and_z(model)
    model.compile()
    model.fit(fashion_images[:1920], fashion_labels[:1920], batch_size=64, epochs=1, verbose=0)
    assert int(model.step_counter.numpy()) == 30
    _assert_generator_uses_label_and_z(model)


def _label_weight_slices(discriminator):
    """(variable, index of its label-channel rows) of each layer reading label channels.

    The label channels are the last NUM_CLASSES channels of the input of every
    convolution and of the flattened map the logit reads.
    """
    slices = []
    last_map = discriminator.get_layer("phi").input.shape[1:]  # flattened for the logit
    for layer in discriminator.layers:
        if isinstance(layer, keras.layers.Conv2D):
            slices.append((layer.kernel, np.s_[:, :, -NUM_CLASSES:, :]))
        elif isinstance(layer, keras.layers.Dense):
            index = np.zeros(last_map, bool)
            index[..., -NUM_CLASSES:] = True
            slices.append((layer.kernel, index.reshape(-1)))
    return slices


def test_concatenation_discriminator_sees_the_label_at_every_resolution(fashion_images):
    model = kg.CGAN(seed=0, filters=16)
    discriminator = model.discriminator
    images = tf.constant(fashion_images[:4])
    slices = _label_weight_slices(discriminator)
    # The input, after the 14x14 block, after the 7x7 block (read by the logit).
    assert len(slices) == 3
    originals = [keras.ops.convert_to_numpy(variable) for variable, _ in slices]

    def label_effect(kept):
        """Change of the logit from label 0 to label 9 with only resolution `kept`'s
        label weights (None: none of them)."""
        for position, ((variable, index), original) in enumerate(zip(slices, originals)):
            weights = original.copy()
            if position != kept:
                weights[index] = 0.0
            variable.assign(weights)
        return _mean_change(discriminator([images, _labels(0)], training=False),
                            discriminator([images, _labels(9)], training=False))

    assert label_effect(None) == 0.0  # the slices are the only paths of the label
    for resolution in range(len(slices)):
        assert label_effect(resolution) > 1e-4, f"no label at resolution {resolution}"


def test_projection_logit_is_psi_of_phi_plus_class_embedding_dot_phi(fashion_images):
    model = kg.CGAN(seed=0, filters=16, discriminator_conditioning="projection")
    discriminator = model.discriminator
    assert not any(isinstance(layer, keras.layers.UpSampling2D) for layer in discriminator.layers)
    images = tf.constant(fashion_images[:6])
    labels = np.array([[0], [1], [3], [5], [9], [9]], "int32")
    phi = keras.Model(discriminator.inputs[0], discriminator.get_layer("phi").output)
    features = keras.ops.convert_to_numpy(phi(images, training=False)).astype("float64")
    kernel, bias = discriminator.get_layer("psi").get_weights()
    (embedding,) = discriminator.get_layer("class_embedding").get_weights()
    expected = features @ kernel + bias + np.sum(embedding[labels[:, 0]] * features, axis=1,
                                                 keepdims=True)
    logits = keras.ops.convert_to_numpy(
        discriminator([images, tf.constant(labels)], training=False)
    )
    np.testing.assert_allclose(logits, expected, rtol=1e-4, atol=1e-6)
    assert np.abs(logits[4] - logits[5]).max() > 0  # different images
    relabelled = discriminator([images, tf.zeros_like(labels)], training=False)
    assert _mean_change(logits, relabelled) > 1e-5  # the label matters


@pytest.mark.parametrize("conditioning", ["concatenation", "projection"])
def test_discriminator_conditioning_round_trips_through_a_keras_file(conditioning, tmp_path,
                                                                     fashion_images):
    model = kg.CGAN(seed=3, filters=16, discriminator_conditioning=conditioning)
    assert model.get_config()["discriminator_conditioning"] == conditioning
    path = str(tmp_path / "cgan.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is kg.CGAN and loaded.discriminator_conditioning == conditioning
    labels = np.arange(8) % NUM_CLASSES
    np.testing.assert_array_equal(loaded.generate(labels=labels, seed=1),
                                  model.generate(labels=labels, seed=1))
    pair = [tf.constant(fashion_images[:8]), tf.constant(labels.reshape(-1, 1), "int32")]
    np.testing.assert_array_equal(loaded.discriminator(pair), model.discriminator(pair))
    # Rebuilt from the config without the networks: the same kind of discriminator.
    config = {key: value for key, value in model.get_config().items()
              if key not in ("generator", "discriminator")}
    rebuilt = kg.CGAN.from_config(config)
    names = lambda m: [type(layer).__name__ for layer in m.discriminator.layers]  # noqa: E731
    assert names(rebuilt) == names(model)


def test_bad_discriminator_conditioning_raises_value_error():
    with pytest.raises(ValueError, match=r"Unknown discriminator_conditioning.*'concat'"):
        kg.CGAN(seed=0, discriminator_conditioning="concat")
    with pytest.raises(ValueError, match="projection.*architecture='mlp'"):
        kg.CGAN(seed=0, architecture="mlp", discriminator_conditioning="projection")


def test_a_file_with_networks_of_the_old_embedding_conditioning_still_loads(tmp_path):
    # Files saved before this conditioning (the former preset: a 50-d label embedding
    # joined to z) store their networks in the config: loading must not call today's
    # builders. A generator of that shape, saved and loaded back:
    z = keras.Input((100,), name="z")
    labels = keras.Input((1,), dtype="int32", name="labels")
    embedding = keras.layers.Flatten()(keras.layers.Embedding(10, 50)(labels))
    x = keras.layers.Dense(28 * 28, activation="tanh")(
        keras.layers.Concatenate()([z, embedding]))
    old_generator = keras.Model([z, labels], keras.layers.Reshape((28, 28, 1))(x))
    model = kg.CGAN(seed=0, generator=old_generator)
    path = str(tmp_path / "old.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is kg.CGAN
    embeddings = [layer for layer in loaded.generator.layers
                  if isinstance(layer, keras.layers.Embedding)]
    assert embeddings and embeddings[0].output_dim == 50
    np.testing.assert_allclose(loaded.generate(labels=[0, 9], seed=0),
                               model.generate(labels=[0, 9], seed=0), atol=1e-6)


class RealImages:
    """A perfect "generator": real training images of the requested class."""

    num_classes = NUM_CLASSES

    def __init__(self):
        images, labels = kg.data.load_arrays("fashion_mnist", split="train")
        self.by_class = [images[labels == k].astype("float32") / 127.5 - 1 for k in range(10)]

    def generate(self, labels, seed=None):
        rng = np.random.default_rng(seed)
        return np.stack([self.by_class[k][rng.integers(len(self.by_class[k]))] for k in labels])


class Collapsed(RealImages):
    """One real image per class, whatever the seed: collapsed within each class."""

    def generate(self, labels, seed=None):
        return np.stack([self.by_class[k][0] for k in labels])


def test_class_diversity_is_one_for_real_images_and_zero_for_a_collapsed_model():
    perfect = measures.class_diversity(RealImages(), num_per_class=100)
    ratios = [perfect[f"class_diversity_{k}"] for k in range(NUM_CLASSES)]
    assert all(0.85 < ratio < 1.15 for ratio in ratios), ratios
    assert perfect["class_diversity"] == pytest.approx(np.mean(ratios))
    assert perfect["class_diversity_min"] == pytest.approx(min(ratios))
    assert perfect["num_per_class"] == 100
    collapsed = measures.class_diversity(Collapsed(), num_per_class=100)
    assert collapsed["class_diversity"] < 1e-3 and collapsed["class_diversity_min"] < 1e-3
    assert measures.MEASURES["class_diversity"] is measures.class_diversity


def test_mean_pairwise_distance_matches_the_definition():
    points = np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]])
    assert measures.mean_pairwise_distance(points) == pytest.approx((5 + 10 + 5) / 3)
    with pytest.raises(ValueError, match="at least 2"):
        measures.mean_pairwise_distance(points[:1])
