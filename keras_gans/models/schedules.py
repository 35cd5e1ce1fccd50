"""Learning-rate and momentum schedules of the papers."""

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


@keras.saving.register_keras_serializable(package="keras_gans")
class RampedMomentumSGD(keras.optimizers.SGD):
    """SGD whose momentum rises linearly from `momentum` to `final_momentum` between
    steps `ramp_start` and `ramp_end` of the optimizer, then stays there.

    The GAN paper's MNIST configuration (Goodfellow et al. 2014, `mnist.yaml` of its
    code: pylearn2's `MomentumAdjustor`, momentum 0.5 at epoch 1 rising to 0.7 at
    epoch 250) and the conditional GAN paper (Mirza & Osindero 2014, section 4.1:
    "Momentum was used with initial value of .5 which was increased up to 0.7") train
    with it. The step is `self.iterations`, so a resumed run continues the ramp.

    Args:
        learning_rate: float or a `LearningRateSchedule`.
        momentum: float, the momentum up to `ramp_start`, defaults to 0.5.
        final_momentum: float, the momentum from `ramp_end` on, defaults to 0.7.
        ramp_start: int, defaults to 0.
        ramp_end: int > ramp_start.
        **kwargs: the rest of `keras.optimizers.SGD`'s arguments (not `nesterov`).
    """

    def __init__(self, learning_rate=0.1, momentum=0.5, final_momentum=0.7, ramp_start=0,
                 ramp_end=125_000, **kwargs):
        if not 0.0 < momentum <= 1.0 or not 0.0 <= final_momentum <= 1.0:
            raise ValueError(f"`momentum` must be in (0, 1] and `final_momentum` in [0, 1]. "
                             f"Received: {momentum!r}, {final_momentum!r}")
        if not 0 <= int(ramp_start) < int(ramp_end):
            raise ValueError(f"Need 0 <= ramp_start < ramp_end. Received: ramp_start="
                             f"{ramp_start!r}, ramp_end={ramp_end!r}")
        if kwargs.pop("nesterov", False):
            raise ValueError("RampedMomentumSGD has no Nesterov variant; use "
                             "keras.optimizers.SGD(nesterov=True).")
        super().__init__(learning_rate, momentum=momentum, **kwargs)
        self.final_momentum = float(final_momentum)
        self.ramp_start, self.ramp_end = int(ramp_start), int(ramp_end)

    def current_momentum(self):
        """The momentum of the next update, a float32 scalar tensor."""
        progress = (ops.cast(self.iterations, "float32") - self.ramp_start) / (
            self.ramp_end - self.ramp_start)
        fraction = ops.clip(progress, 0.0, 1.0)
        return self.momentum + (self.final_momentum - self.momentum) * fraction

    def update_step(self, gradient, variable, learning_rate):
        """v <- mu_t v - lr g; w <- w + v (SGD's momentum update, mu_t ramped)."""
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self.momentums[self._get_variable_index(variable)]
        momentum = ops.cast(self.current_momentum(), variable.dtype)
        self.assign(velocity, velocity * momentum - gradient * learning_rate)
        self.assign_add(variable, velocity)

    def get_config(self):
        config = super().get_config()
        config.pop("nesterov", None)
        config.update(final_momentum=self.final_momentum, ramp_start=self.ramp_start,
                      ramp_end=self.ramp_end)
        return config


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
