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
    """

    def __init__(self, units, pieces, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.pieces = pieces
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.dense = layers.Dense(
            units * pieces, kernel_initializer=self.kernel_initializer, dtype=self.dtype_policy
        )

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, inputs):
        x = self.dense(inputs)
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
