"""Small building blocks shared by the default networks."""

import keras
import numpy as np
from keras import layers, ops


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


def batch_norm(**kwargs):
    """Batch normalization as the GAN papers use it.

    momentum 0.9 / epsilon 1e-5 are the Torch and Theano values of the reference code;
    Keras's default momentum 0.99 leaves the moving statistics (used by `generate`)
    far behind the weights for the first thousand steps. Synchronized across replicas
    when a strategy has several, or each replica would normalize differently.
    """
    import tensorflow as tf

    synchronized = tf.distribute.get_strategy().num_replicas_in_sync > 1
    return layers.BatchNormalization(
        momentum=0.9, epsilon=1e-5, synchronized=synchronized, **kwargs
    )


def layer_norm(**kwargs):
    """Layer normalization for convolutional feature maps, as WGAN-GP's critic uses it.

    Statistics over all of (height, width, channels) of each example, scale and
    offset per channel: the `Layernorm(axes=[1, 2, 3])` of Gulrajani et al.'s code.
    That is group normalization with one group. Unlike batch norm it treats every
    example on its own, which a per-example gradient penalty needs (section 4).
    """
    return layers.GroupNormalization(groups=1, epsilon=1e-5, **kwargs)
