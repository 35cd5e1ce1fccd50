"""Learning-rate schedules of the papers."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantThenLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Constant learning rate, then linear decay to zero over the last part of training.

    CycleGAN (section 7.1): "keep the same learning rate for the first 100 epochs and
    linearly decay the rate to zero over the next 100 epochs". Here per step:

        lr(t) = initial * min(1, (total_steps - t) / (decay_fraction * total_steps))

    clipped at 0: flat for the first (1 - decay_fraction) of the steps, zero at
    `total_steps`. `CycleGAN.fit` fills a `total_steps` of None from its `epochs`
    and the steps per epoch (and it is then saved with the optimizer); give it
    yourself when training spans several `fit` calls.

    Args:
        initial_learning_rate: float.
        total_steps: int or None. Optimizer steps of the whole training.
        decay_fraction: float in (0, 1], defaults to 0.5 (the paper's halves).
    """

    def __init__(self, initial_learning_rate, total_steps=None, decay_fraction=0.5):
        if not 0 < decay_fraction <= 1:
            raise ValueError(
                f"`decay_fraction` must be in (0, 1]. Received: decay_fraction={decay_fraction}"
            )
        if total_steps is not None and (
            not isinstance(total_steps, (int, np.integer)) or total_steps <= 0
        ):
            raise ValueError(
                f"`total_steps` must be a positive int or None. Received: {total_steps!r}"
            )
        self.initial_learning_rate = float(initial_learning_rate)
        self.total_steps = None if total_steps is None else int(total_steps)
        self.decay_fraction = float(decay_fraction)

    def __call__(self, step):
        if self.total_steps is None:
            raise ValueError(
                "ConstantThenLinearDecay needs `total_steps` before the first step. "
                "CycleGAN.fit sets it from epochs x steps per epoch; with a dataset of "
                "unknown length pass steps_per_epoch=, or build the schedule with "
                "total_steps=."
            )
        step = ops.cast(step, "float32")
        decay_steps = max(self.decay_fraction * self.total_steps, 1.0)
        factor = ops.clip((self.total_steps - step) / decay_steps, 0.0, 1.0)
        return self.initial_learning_rate * factor

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "total_steps": self.total_steps,
            "decay_fraction": self.decay_fraction,
        }


def steps_per_epoch(x, batch_size, steps_per_epoch):
    """The steps of one epoch of `fit(x, ...)` (for a schedule that spans the run);
    ValueError when it cannot be known."""
    if steps_per_epoch:
        return int(steps_per_epoch)
    if isinstance(x, tf.data.Dataset):
        count = int(x.cardinality())
        if count > 0:
            return count
    elif isinstance(x, keras.utils.PyDataset):
        return len(x)
    elif isinstance(x, (np.ndarray, tf.Tensor)):
        return -(-len(x) // (batch_size or 32))
    raise ValueError(
        "The learning rate follows a schedule over the whole training (e.g. CycleGAN's "
        "decay to zero over the second half), so fit() must know how many steps an "
        "epoch has, but the dataset's length is unknown or infinite. Pass "
        "steps_per_epoch=, or give the schedule its total_steps."
    )
