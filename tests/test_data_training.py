"""Tests for kg.data.load_training_data, kg.data.default_dataset and the one
pipeline every loader shares.

The checksums below were taken from the single-module `keras_gans/data.py`
before it became a package: a seed must keep giving the same batches (zoo
presets and resumed runs depend on it). Every test reads the real
Fashion-MNIST files offline; TensorFlow Datasets is stubbed out.
"""

import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans import data



@pytest.fixture(autouse=True)
def no_global_seed():
    """The recorded batches were made with TensorFlow's global seed unset; another
    test in the same process may have set it (keras.utils.set_random_seed), and
    tf.data's op-seeded shuffle combines the two seeds."""
    tf.random.set_seed(None)
    yield

@pytest.fixture(autouse=True)
def offline(monkeypatch):
    def fail(name, split):
        raise RuntimeError("no network in tests")

    monkeypatch.setattr(data.named, "_load_from_tfds", fail)
    monkeypatch.delenv(data.DATA_DIR_ENV_VAR, raising=False)


def pixel_sum(images):
    """The exact sum of the uint8 values behind images scaled to [-1, 1]."""
    return int(np.round((np.asarray(images, np.float64) + 1) * 127.5).sum())


def first_batches(dataset, epochs=2):
    return [next(iter(dataset)) for _ in range(epochs)]


# === Same seed, same batches as before the package ===


def test_named_load_gives_the_recorded_batches():
    epochs = first_batches(data.load("fashion_mnist", batch_size=8, seed=3))
    assert [pixel_sum(image) for image in epochs[0]] == [
        127703, 86599, 94271, 97881, 39707, 47995, 16179, 80008
    ]
    assert pixel_sum(epochs[1]) == 495461  # reshuffled each epoch

    labeled = data.load("fashion_mnist", batch_size=8, seed=3, with_labels=True)
    (images, labels), (images_2, labels_2) = first_batches(labeled)
    assert pixel_sum(images) == 590343 and pixel_sum(images_2) == 495461
    assert labels.numpy().tolist() == [8, 6, 4, 6, 1, 3, 5, 4]
    assert labels_2.numpy().tolist() == [0, 9, 6, 2, 5, 1, 9, 9]


def test_from_arrays_gives_the_recorded_batches():
    images = (np.arange(40 * 4 * 4) % 256).astype("uint8").reshape(40, 4, 4)
    labels = np.arange(40) % 7
    labeled = data.from_arrays(images, labels, batch_size=8, seed=5)
    (batch, batch_labels), (batch_2, batch_labels_2) = first_batches(labeled)
    assert pixel_sum(batch) == 12992 and pixel_sum(batch_2) == 14272
    assert batch_labels.numpy().tolist() == [5, 3, 0, 1, 2, 3, 0, 4]
    assert batch_labels_2.numpy().tolist() == [4, 6, 2, 5, 2, 1, 3, 0]

    bare = first_batches(data.from_arrays(images, batch_size=8, seed=5))
    assert [pixel_sum(image) for image in bare[0]] == [
        1400, 888, 1912, 2168, 1400, 3960, 120, 1144
    ]


def test_load_unpaired_gives_the_recorded_batches():
    dataset = data.load_unpaired("fashion_mnist_sneaker2boot", batch_size=4, seed=3)
    (sneakers, boots), (sneakers_2, boots_2) = first_batches(dataset)
    assert [pixel_sum(image) for image in sneakers] == [32686, 20452, 36794, 18954]
    assert [pixel_sum(image) for image in boots] == [59358, 60902, 30532, 56901]
    assert pixel_sum(sneakers_2) == 153668 and pixel_sum(boots_2) == 204859
    assert int(dataset.cardinality()) == 1500
    assert dataset.domain_names == ["Sneaker", "Ankle boot"]


def test_image_directory_gives_the_recorded_batches(tmp_path):
    rng = np.random.default_rng(0)
    for class_name in ("a", "b"):
        os.makedirs(tmp_path / class_name)
        for index in range(5):
            pixels = rng.integers(0, 256, size=(6, 6, 1), dtype=np.uint8)
            path = str(tmp_path / class_name / f"{index}.png")
            tf.io.write_file(path, tf.io.encode_png(pixels))
    dataset = data.load(str(tmp_path), batch_size=4, seed=3, with_labels=True)
    (images, labels), (images_2, labels_2) = first_batches(dataset)
    assert images.shape == (4, 6, 6, 1)
    assert pixel_sum(images) == 17703 and pixel_sum(images_2) == 17466
    assert labels.numpy().tolist() == [0, 1, 0, 1]
    assert labels_2.numpy().tolist() == [1, 1, 0, 0]


def test_shuffle_and_batch_are_written_once():
    package = os.path.dirname(data.__file__)
    for file_name in sorted(os.listdir(package)):
        if file_name.endswith(".py") and file_name != "pipeline.py":
            with open(os.path.join(package, file_name)) as file:
                source = file.read()
            assert ".shuffle(" not in source, file_name
            assert ".batch(" not in source, file_name


# === load_training_data ===


def test_images_are_what_load_gives():
    dataset = data.load_training_data("fashion_mnist", "images", batch_size=8, seed=3)
    assert dataset.element_spec == tf.TensorSpec((None, 28, 28, 1), tf.float32)
    images = next(iter(dataset))
    assert images.shape == (8, 28, 28, 1) and images.dtype == tf.float32
    assert -1.0 <= float(tf.reduce_min(images)) < float(tf.reduce_max(images)) <= 1.0
    assert pixel_sum(images) == 590343  # load("fashion_mnist", batch_size=8, seed=3)
    class_names = data.NAMED_DATASETS["fashion_mnist"]["class_names"]
    assert dataset.class_names == list(class_names)


def test_images_and_labels_are_what_load_with_labels_gives():
    dataset = data.load_training_data(
        "fashion_mnist", "images_and_labels", batch_size=8, seed=3
    )
    images, labels = next(iter(dataset))
    assert images.shape == (8, 28, 28, 1) and images.dtype == tf.float32
    assert labels.shape == (8,) and labels.dtype == tf.int64
    assert labels.numpy().tolist() == [8, 6, 4, 6, 1, 3, 5, 4]


def test_unpaired_images_are_what_load_unpaired_gives():
    dataset = data.load_training_data(
        "fashion_mnist_sneaker2boot", "unpaired_images", batch_size=4, seed=3
    )
    sneakers, boots = next(iter(dataset))
    for images in (sneakers, boots):
        assert images.shape == (4, 28, 28, 1) and images.dtype == tf.float32
    assert [pixel_sum(image) for image in sneakers] == [32686, 20452, 36794, 18954]
    assert dataset.domain_names == ["Sneaker", "Ankle boot"]


@pytest.mark.parametrize("inputs", data.TRAINING_INPUTS)
def test_the_same_seed_gives_the_same_first_batch(inputs):
    unpaired = inputs == "unpaired_images"
    name = "fashion_mnist_sneaker2boot" if unpaired else "fashion_mnist"

    def first(seed):
        dataset = data.load_training_data(name, inputs, batch_size=4, seed=seed)
        batch = next(iter(dataset))
        return tf.nest.map_structure(lambda part: part.numpy(), batch)

    tf.nest.map_structure(np.testing.assert_array_equal, first(11), first(11))
    other = tf.nest.flatten(first(12))[0]
    assert not np.array_equal(tf.nest.flatten(first(11))[0], other)


def test_split_and_drop_remainder_are_passed_on():
    dataset = data.load_training_data(
        "fashion_mnist", "images", batch_size=3, split="test", drop_remainder=True
    )
    assert int(dataset.cardinality()) == 10000 // 3
    expected = next(iter(data.load("fashion_mnist", split="test", batch_size=3)))
    np.testing.assert_array_equal(next(iter(dataset)), expected)  # test: unshuffled


def test_unknown_inputs_name_the_allowed_ones():
    with pytest.raises(ValueError, match="images_and_labels") as error:
        data.load_training_data("fashion_mnist", "labels", batch_size=8)
    for inputs in data.TRAINING_INPUTS:
        assert repr(inputs) in str(error.value)
    assert "inputs='labels'" in str(error.value)


# === default_dataset ===


def test_default_dataset():
    assert data.DEFAULT_DATASETS == {"cyclegan": "fashion_mnist_sneaker2boot"}
    assert data.default_dataset("cyclegan") == "fashion_mnist_sneaker2boot"
    assert data.default_dataset("dcgan") == "fashion_mnist"
    assert data.default_dataset("no_such_variant") == "fashion_mnist"


def test_every_variant_has_a_known_default_dataset():
    for variant_name in kg.models.VARIANTS:
        name = data.default_dataset(variant_name)
        assert name in data.NAMED_DATASETS or name in data.UNPAIRED_DATASETS
