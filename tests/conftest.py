import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# What `import keras_gans` sets for its users before TensorFlow starts: oneDNN's
# kernels, which TensorFlow turns on by itself only on CPUs with AVX-512 VNNI/BF16 or
# AMX (docs/performance.md). The tests import keras first, so they set it here; the
# subprocesses they start inherit it.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

import keras  # noqa: E402
import numpy as np  # noqa: E402

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


# Hand-written reference steps (test_dcgan, test_gan, test_cgan, test_bigan) compute
# a train step again, independently of the model, on copies of its networks.

def clone(network):
    """An independent copy of `network` with the same weights."""
    copy = keras.models.clone_model(network)
    copy.set_weights(network.get_weights())
    return copy


def sgd_step(variables, loss_fn, learning_rate):
    """One plain gradient-descent step v <- v - learning_rate * dloss/dv; returns the loss."""
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = loss_fn()
    for variable, gradient in zip(variables, tape.gradient(loss, variables)):
        variable.assign_sub(learning_rate * tf.convert_to_tensor(gradient))
    return loss


def assert_step_matches(network, reference, start, atol=1e-5):
    """`network`'s weights equal `reference`'s, and the step moved them from `start`
    by far more than the tolerance (so the match says something)."""
    after = network.get_weights()
    for a, b in zip(after, reference.get_weights()):
        np.testing.assert_allclose(a, b, atol=atol, err_msg=network.name)
    assert max(float(np.abs(a - b).max()) for a, b in zip(after, start)) > 100 * atol, network.name
