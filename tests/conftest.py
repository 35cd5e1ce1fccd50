import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

import pytest  # noqa: E402

import keras_gans as kg  # noqa: E402


@pytest.fixture(scope="session")
def fashion_images():
    """The first 2048 Fashion-MNIST training images, float32 in [-1, 1]."""
    images, _ = kg.data.load_arrays("fashion_mnist", split="train")
    return images[:2048].astype("float32") / 127.5 - 1.0


@pytest.fixture(scope="session")
def fashion_labels():
    _, labels = kg.data.load_arrays("fashion_mnist", split="train")
    return labels[:2048]


def weights_of(model):
    return [keras.ops.convert_to_numpy(v) for v in model.weights]
