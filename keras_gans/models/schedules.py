"""Learning-rate and momentum schedules of the papers."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops


class ConstantThenDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Constant learning rate, then a decay over the last `decay_fraction` of training.

    The base of the papers' schedules: the rate is `initial_learning_rate` for the
    first (1 - decay_fraction) of `total_steps`, then `initial * decayed(progress)`
    with `progress` going from 0 to 1 over the rest (and staying 1 after
    `total_steps`). `fit` fills a `total_steps` of None from its `epochs` and the
    steps per epoch (`GANModel.set_total_steps`; it is then saved with the
    optimizer); give it yourself when training spans several `fit` calls.

    Args:
        initial_learning_rate: float.
        total_steps: int or None. Optimizer steps of the whole training.
        decay_fraction: float in (0, 1], defaults to 0.5 (the papers' halves).
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

    def decayed(self, progress):
        """The rate's factor at `progress` in [0, 1] of the decay (a float32 tensor)."""
        raise NotImplementedError

    def __call__(self, step):
        if self.total_steps is None:
            raise ValueError(
                f"{type(self).__name__} needs `total_steps` before the first step. "
                "fit() sets it from epochs x steps per epoch; with a dataset of "
                "unknown length pass steps_per_epoch=, or build the schedule with "
                "total_steps=."
            )
        step = ops.cast(step, "float32")
        decay_steps = max(self.decay_fraction * self.total_steps, 1.0)
        progress = ops.clip((step - (self.total_steps - decay_steps)) / decay_steps, 0.0, 1.0)
        return self.initial_learning_rate * self.decayed(progress)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "total_steps": self.total_steps,
            "decay_fraction": self.decay_fraction,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantThenLinearDecay(ConstantThenDecay):
    """Constant, then linear decay to zero: CycleGAN (section 7.1): "keep the same
    learning rate for the first 100 epochs and linearly decay the rate to zero over
    the next 100 epochs". Per step:

        lr(t) = initial * min(1, (total_steps - t) / (decay_fraction * total_steps))

    clipped at 0: flat for the first (1 - decay_fraction) of the steps, zero at
    `total_steps`. Arguments: `ConstantThenDecay`'s.
    """

    def decayed(self, progress):
        return 1.0 - progress


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantThenExponentialDecay(ConstantThenDecay):
    """Constant, then exponential decay to `final_multiplier` x the initial rate.

    BiGAN (Donahue et al. 2017, appendix C; the authors' `train_gan.py`, whose MNIST
    script trains 200 epochs at 2e-4 and decays over 200 more): the rate falls
    geometrically from `initial` to `initial * final_multiplier` (0.01 there) over
    the last `decay_fraction` of the steps. The authors' code steps the rate once
    per epoch; here it falls a little at every step:

        lr(t) = initial * final_multiplier ** progress(t)

    Args:
        final_multiplier: float in (0, 1], defaults to 0.01.
        initial_learning_rate, total_steps, decay_fraction: `ConstantThenDecay`'s.
    """

    def __init__(self, initial_learning_rate, total_steps=None, decay_fraction=0.5,
                 final_multiplier=0.01):
        super().__init__(initial_learning_rate, total_steps, decay_fraction)
        if not 0 < final_multiplier <= 1:
            raise ValueError("`final_multiplier` must be in (0, 1]. Received: "
                             f"final_multiplier={final_multiplier!r}")
        self.final_multiplier = float(final_multiplier)

    def decayed(self, progress):
        return ops.exp(progress * float(np.log(self.final_multiplier)))

    def get_config(self):
        return {**super().get_config(), "final_multiplier": self.final_multiplier}


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
