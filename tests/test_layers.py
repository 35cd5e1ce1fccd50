"""The building blocks of keras_gans/models/layers.py: spectral normalization."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models.layers import SpectralNormalization

RNG = np.random.default_rng(0)


def _wrapped(layer, input_shape):
    wrapper = SpectralNormalization(layer, seed=3)
    wrapper(RNG.standard_normal((2,) + input_shape).astype("float32"))
    return wrapper


def _layers():
    init = keras.initializers.RandomNormal(stddev=0.1, seed=1)
    return {
        "dense": (keras.layers.Dense(12, kernel_initializer=init), (20,)),
        "conv2d": (keras.layers.Conv2D(8, 3, kernel_initializer=init), (7, 7, 4)),
        "conv2d_transpose": (keras.layers.Conv2DTranspose(6, 3, kernel_initializer=init),
                             (5, 5, 4)),
    }


@pytest.mark.parametrize("name", sorted(_layers()))
def test_power_iteration_estimate_matches_numpy_largest_singular_value(name):
    layer, input_shape = _layers()[name]
    wrapper = _wrapped(layer, input_shape)
    x = RNG.standard_normal((2,) + input_shape).astype("float32")
    for _ in range(200):  # one power iteration per training call
        wrapper(x, training=True)
    kernel = keras.ops.convert_to_numpy(layer.kernel).astype("float64")
    largest = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
    np.testing.assert_allclose(float(wrapper.sigma()), largest, rtol=1e-3)
    normalized = keras.ops.convert_to_numpy(wrapper.normalized_kernel()).astype("float64")
    spectral_norm = np.linalg.svd(normalized.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
    np.testing.assert_allclose(spectral_norm, 1.0, rtol=1e-3)


def test_one_training_call_is_one_power_iteration_and_inference_does_not_iterate():
    layer, input_shape = _layers()["dense"]
    wrapper = _wrapped(layer, input_shape)
    x = RNG.standard_normal((2,) + input_shape).astype("float32")
    matrix = keras.ops.convert_to_numpy(layer.kernel).astype("float64")
    u = keras.ops.convert_to_numpy(wrapper.u).astype("float64")
    wrapper(x)  # inference: u stays
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(wrapper.u), u)
    wrapper(x, training=True)
    v = matrix @ u / np.linalg.norm(matrix @ u)  # Miyato et al., Algorithm 1
    u = matrix.T @ v / np.linalg.norm(matrix.T @ v)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(wrapper.u), u, rtol=1e-5)


def test_the_kernel_variable_is_never_written_and_its_gradient_flows_through_sigma():
    # Keras's own SpectralNormalization assigns W / sigma to the kernel; ours computes
    # with it, so the gradient is that of W / sigma(W) (u, v held constant).
    layer, input_shape = _layers()["dense"]
    wrapper = _wrapped(layer, input_shape)
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    x = tf.constant(RNG.standard_normal((4,) + input_shape).astype("float32"))
    u = tf.constant(wrapper.u.numpy())
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.sin(wrapper(x, training=True)))
    gradient = tape.gradient(loss, layer.kernel)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.kernel), kernel)

    w = tf.Variable(kernel)  # the same computation written out
    with tf.GradientTape() as tape:
        v = tf.stop_gradient(tf.linalg.l2_normalize(tf.linalg.matvec(w, u)))
        new_u = tf.stop_gradient(tf.linalg.l2_normalize(tf.linalg.matvec(w, v, transpose_a=True)))
        sigma = tf.reduce_sum(v * tf.linalg.matvec(w, new_u))
        loss = tf.reduce_sum(tf.sin(x @ (w / sigma) + layer.bias))
    np.testing.assert_allclose(gradient, tape.gradient(loss, w), rtol=1e-4, atol=1e-6)


def test_float32_layer_keeps_float32_output_under_mixed_float16():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        hidden = SpectralNormalization(keras.layers.Dense(8))
        output = SpectralNormalization(keras.layers.Dense(1, dtype="float32"))
        x = np.ones((2, 4), "float32")
        h = hidden(x, training=True)
        assert h.dtype == "float16" and output(h, training=True).dtype == "float32"
        assert hidden.u.dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")


def _model():
    inputs = keras.Input((6, 6, 2))
    x = SpectralNormalization(keras.layers.Conv2D(4, 3), seed=1)(inputs)
    x = SpectralNormalization(keras.layers.Dense(1), seed=2)(keras.layers.Flatten()(x))
    return keras.Model(inputs, x)


def test_power_iteration_state_saves_and_loads_bit_exact(tmp_path):
    model = _model()
    x = RNG.standard_normal((3, 6, 6, 2)).astype("float32")
    for _ in range(3):
        model(x, training=True)
    path = str(tmp_path / "sn.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    model.save_weights(str(tmp_path / "sn.weights.h5"))
    from_weights = _model()
    from_weights.load_weights(str(tmp_path / "sn.weights.h5"))
    assert sum("/u" in w.path for w in model.weights) == 2
    for copy in (loaded, from_weights):
        for a, b in zip(model.weights, copy.weights):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    # The next iteration continues from the saved vector: the same on all three.
    expected = model(x, training=True)
    for copy in (loaded, from_weights):
        np.testing.assert_array_equal(copy(x, training=True), expected)
        for a, b in zip(model.weights, copy.weights):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)


def test_a_layer_without_kernel_is_refused_with_its_type():
    with pytest.raises(ValueError, match="Received: Flatten"):
        SpectralNormalization(keras.layers.Flatten())(np.ones((1, 3, 3), "float32"))
