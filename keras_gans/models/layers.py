"""Small building blocks shared by the default networks."""

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from keras_gans.distribute import replica_rows, synchronize_batch_norm


class LayerSeeds:
    """Hands out a distinct, reproducible initializer seed for each layer.

    Keras initializers given the same int seed draw the same values, so every layer
    needs its own; deriving them from the model seed makes `seed=` reproduce the
    initial weights without touching Keras's global random state.
    """

    def __init__(self, seed):
        self._rng = np.random.default_rng(seed)

    def __call__(self):
        return int(self._rng.integers(0, 2**31 - 1))

    def normal(self, stddev):
        return keras.initializers.RandomNormal(stddev=stddev, seed=self())

    def uniform(self, limit):
        return keras.initializers.RandomUniform(-limit, limit, seed=self())

    def glorot(self):
        return keras.initializers.GlorotUniform(seed=self())


@keras.saving.register_keras_serializable(package="keras_gans")
class Maxout(layers.Layer):
    """Maxout units (Goodfellow et al. 2013): the max over `pieces` linear pieces.

    Args:
        units: int, number of output units.
        pieces: int, number of linear pieces per unit.
        kernel_initializer: initializer of the underlying dense kernel.
        spectral_normalization: bool, defaults to False. Wrap the underlying dense
            layer in `SpectralNormalization`.
    """

    def __init__(self, units, pieces, kernel_initializer="glorot_uniform",
                 spectral_normalization=False, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.pieces = pieces
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.spectral_normalization = bool(spectral_normalization)
        dense = layers.Dense(
            units * pieces, kernel_initializer=self.kernel_initializer, dtype=self.dtype_policy
        )
        # Each piece is a slice of this one linear map, so normalizing the map bounds
        # every piece's Lipschitz constant, hence the max's.
        self.dense = SpectralNormalization(dense) if self.spectral_normalization else dense

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, inputs, training=False):
        x = self.dense(inputs, training=training)
        x = ops.reshape(x, (-1, self.units, self.pieces))
        return ops.max(x, axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        config = super().get_config()
        config.update(
            units=self.units,
            pieces=self.pieces,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            spectral_normalization=self.spectral_normalization,
        )
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class StatelessDropout(layers.Layer):
    """Dropout whose masks are reproducible, saved, and correct under tf.distribute.

    Keras's `Dropout` draws from a `SeedGenerator`, whose state is not saved (a resumed
    run draws other masks) and which gives every replica the same mask. Here mask k
    is keyed on (seed, k) through a call counter saved with the weights, and replicas
    take distinct rows of one mask drawn for the global batch, so N replicas drop
    exactly what one device would.

    Args:
        rate: float in [0, 1), fraction of the inputs to drop.
        seed: int, defaults to 0.
    """

    def __init__(self, rate, seed=0, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"`rate` must be in [0, 1). Received: rate={rate}")
        self.rate = rate
        self.seed = seed
        self.calls = self.add_weight(
            name="calls", shape=(), dtype="int64", initializer="zeros",
            trainable=False, aggregation="only_first_replica",
        )

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        key = tf.random.experimental.stateless_fold_in(
            tf.constant([self.seed, 0], dtype=tf.int64), self.calls.value
        )
        self.calls.assign_add(1)
        shape = tf.unstack(tf.shape(inputs))
        keep = replica_rows(tf.random.stateless_uniform, shape, key) >= self.rate
        return tf.where(keep, inputs / (1 - self.rate), tf.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(rate=self.rate, seed=self.seed)
        return config


def batch_norm(**kwargs):
    """Batch normalization as the GAN papers use it.

    momentum 0.9 / epsilon 1e-5 are the Torch and Theano values of the reference code;
    Keras's default momentum 0.99 leaves the moving statistics (used by `generate`)
    far behind the weights for the first thousand steps. Synchronized across replicas
    when the strategy in scope has several (`kg.distribute.synchronize_batch_norm`).
    """
    return layers.BatchNormalization(
        momentum=0.9, epsilon=1e-5, synchronized=synchronize_batch_norm(), **kwargs
    )


def layer_norm(**kwargs):
    """Layer normalization for convolutional feature maps, as WGAN-GP's critic uses it.

    Statistics over all of (height, width, channels) of each example, scale and
    offset per channel: the `Layernorm(axes=[1, 2, 3])` of Gulrajani et al.'s code.
    That is group normalization with one group. Unlike batch norm it treats every
    example on its own, which a per-example gradient penalty needs (section 4).
    """
    return layers.GroupNormalization(groups=1, epsilon=1e-5, **kwargs)


def instance_norm(**kwargs):
    """Instance normalization (Ulyanov et al. 2016), as CycleGAN's networks use it.

    Statistics over (height, width) of each example and channel, with a learned scale
    and offset per channel: group normalization with one group per channel. Every
    example is normalized on its own, so the batch size (CycleGAN's is 1) and the
    number of replicas do not change the result.
    """
    return layers.GroupNormalization(groups=-1, epsilon=1e-5, **kwargs)


@keras.saving.register_keras_serializable(package="keras_gans")
class ReflectionPadding2D(layers.Layer):
    """Pads height and width by mirroring the border (without repeating the edge pixel).

    CycleGAN (Zhu et al. 2017, appendix 7.2) pads with reflections "to reduce
    artifacts" that zero padding leaves along the image border. Keras has no such
    layer; `ops.pad(mode="reflect")` is NumPy's reflect mode, Torch's ReflectionPad2d.

    Args:
        padding: int, pixels added on each side of height and width.
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(padding)

    def call(self, inputs):
        p = self.padding
        return ops.pad(inputs, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        grow = lambda side: None if side is None else side + 2 * self.padding  # noqa: E731
        return (batch, grow(height), grow(width), channels)

    def get_config(self):
        config = super().get_config()
        config.update(padding=self.padding)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class ImageHistoryPool(layers.Layer):
    """A buffer of past generated images for the discriminator (Shrivastava et al. 2017).

    CycleGAN (Zhu et al. 2017, section 4, "Training details") updates each
    discriminator on "a history of generated images rather than the ones produced by
    the latest generators", a buffer of the 50 previously created images. The rule
    for each image of a batch, in order, is that of the authors' code (the paper does
    not spell it out): while the pool is filling, store the image and pass it
    through; once full, with probability 0.5 swap it with a uniformly chosen stored
    image and return the stored one, else return the image itself.

    The randomness comes from a stateless `key` (the model's draw for the step), so a
    resumed run replays the same choices; the pool's contents and fill count are
    non-trainable variables saved with the weights. Under several replicas the caller
    passes the *global* batch (every replica then makes the same update).

    Args:
        pool_size: int, images kept; 0 turns the pool off (images pass through).
        image_shape: tuple `(height, width, channels)`.
    """

    def __init__(self, pool_size, image_shape, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.pool_size = int(pool_size)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.images = self.add_weight(
            name="images", shape=(max(self.pool_size, 1),) + self.image_shape,
            dtype="float32", initializer="zeros", trainable=False,
            aggregation="only_first_replica",
        )
        self.count = self.add_weight(
            name="count", shape=(), dtype="int64", initializer="zeros",
            trainable=False, aggregation="only_first_replica",
        )
        self.built = True

    def query(self, images, key):
        """Returns the batch the discriminator sees for `images`; updates the pool.

        Args:
            images: float tensor `(n, *image_shape)`, the newly generated images.
            key: int64 tensor of shape (2,), a stateless random key.
        """
        images = tf.cast(tf.stop_gradient(images), "float32")
        if self.pool_size == 0:
            return images
        n = tf.shape(images)[0]
        coins = tf.random.stateless_uniform(
            [n], tf.random.experimental.stateless_fold_in(key, 0)
        )
        slots = tf.random.stateless_uniform(
            [n], tf.random.experimental.stateless_fold_in(key, 1),
            minval=0, maxval=self.pool_size, dtype=tf.int64,
        )

        def body(i, pool, count, outputs):
            image = images[i]
            filling = count < self.pool_size
            swap = tf.logical_and(tf.logical_not(filling), coins[i] > 0.5)
            slot = tf.where(filling, count, slots[i])
            stored = pool[slot]
            output = tf.where(swap, stored, image)
            keep = tf.logical_or(filling, swap)
            pool = tf.tensor_scatter_nd_update(
                pool, [[slot]], [tf.where(keep, image, stored)]
            )
            count = count + tf.cast(filling, tf.int64)
            return i + 1, pool, count, outputs.write(i, output)

        _, pool, count, outputs = tf.while_loop(
            lambda i, *_: i < n,
            body,
            (tf.constant(0), self.images.value, self.count.value,
             tf.TensorArray(tf.float32, size=n, element_shape=self.image_shape)),
        )
        self.images.assign(pool)
        self.count.assign(count)
        return tf.ensure_shape(outputs.stack(), (None,) + self.image_shape)

    def get_config(self):
        config = super().get_config()
        config.update(pool_size=self.pool_size, image_shape=self.image_shape)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class SpectralNormalization(layers.Wrapper):
    """Spectral normalization (Miyato et al. 2018): the wrapped layer computes with
    W / sigma(W), sigma(W) the largest singular value of its kernel.

    The kernel is read as a matrix of shape `(-1, kernel.shape[-1])` (every axis but
    the last flattened; for `Conv2D`, (kh * kw * in, out)). sigma is estimated by
    power iteration (Algorithm 1 of the paper) from a vector `u` kept between calls:
    each training call runs one iteration, v = normalize(W u), u = normalize(W^T v),
    sigma = v^T W u, with u and v held constant in the gradient; inference calls use
    the stored u without updating it.

    Why not `keras.layers.SpectralNormalization` (Keras 3.15): it *assigns* W / sigma
    to the kernel variable at every training call, so sigma is no part of the forward
    pass: the gradient misses the term that flows through sigma(W) (the paper's
    equation 12, Appendix), the optimizer then updates the already divided weights,
    and the stored kernel is no longer the trained parameter. It also casts the
    layer's output to the input's dtype, so a float32 output layer returns float16
    under `mixed_float16`, and its u is updated in replica context without an
    aggregation. Here the kernel variable is never written: the wrapped layer runs
    in a `keras.StatelessScope` that gives it W / sigma (autocast as usual), the
    power iteration runs in float32, and u (saved with the weights and in `.keras`
    files, so a resumed run continues the same iteration) is updated with
    `only_first_replica` aggregation; every replica computes the same u from the
    same weights.

    Args:
        layer: a `Dense`, `Conv2D`, `Conv2DTranspose` (anything with a `kernel`) or
            `Embedding` (its `embeddings`) layer.
        seed: int, defaults to 0. Seeds the initial u ~ N(0, 1), normalized.

    Example:
    ```python
    conv = kg.models.layers.SpectralNormalization(keras.layers.Conv2D(64, 4))
    ```
    """

    def __init__(self, layer, seed=0, **kwargs):
        kwargs.setdefault("dtype", layer.dtype_policy)
        super().__init__(layer, **kwargs)
        self.seed = int(seed)

    @property
    def kernel(self):
        """The wrapped layer's weight matrix (`kernel`, or an Embedding's `embeddings`)."""
        return self.layer.kernel if hasattr(self.layer, "kernel") else self.layer.embeddings

    def build(self, input_shape):
        super().build(input_shape)
        if not (hasattr(self.layer, "kernel") or hasattr(self.layer, "embeddings")):
            raise ValueError(
                "SpectralNormalization wraps a layer with a `kernel` (Dense, Conv2D, "
                f"Conv2DTranspose) or `embeddings`. Received: {type(self.layer).__name__}"
            )
        columns = self.kernel.shape[-1]
        start = np.random.default_rng(self.seed).standard_normal((columns,))
        self.u = self.add_weight(
            name="u", shape=(columns,), dtype="float32", trainable=False,
            initializer=keras.initializers.Constant(start / np.linalg.norm(start)),
            aggregation="only_first_replica",
        )

    def _matrix(self):
        kernel = ops.cast(self.kernel.value, "float32")  # unscaled, float32
        return ops.reshape(kernel, (-1, self.kernel.shape[-1]))

    def power_iteration(self, u):
        """One step of Algorithm 1: returns (u', sigma) from u, both gradient-free
        in u and v; sigma = v^T W u' keeps W's gradient."""
        matrix = self._matrix()
        v = ops.stop_gradient(_normalize(ops.matmul(matrix, u)))
        u = ops.stop_gradient(_normalize(ops.matmul(ops.transpose(matrix), v)))
        return u, ops.sum(v * ops.matmul(matrix, u))

    def sigma(self):
        """The current estimate of the largest singular value, ||W u|| (no update)."""
        return ops.sqrt(ops.sum(ops.square(ops.matmul(self._matrix(), self.u.value))))

    def normalized_kernel(self, training=False):
        """W / sigma(W), shaped like the kernel; a training call advances u first."""
        if training:
            u, sigma = self.power_iteration(self.u.value)
            self.u.assign(u)
        else:
            sigma = self.sigma()
        kernel = ops.cast(self.kernel.value, "float32") / sigma
        return ops.cast(kernel, self.kernel.dtype)

    def call(self, inputs, training=False):
        mapping = [(self.kernel, self.normalized_kernel(training))]
        with keras.StatelessScope(state_mapping=mapping):
            return self.layer(inputs, training=training)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(seed=self.seed)
        return config


def _normalize(vector, epsilon=1e-12):
    return vector / ops.maximum(ops.sqrt(ops.sum(ops.square(vector))), epsilon)
