"""Exponential moving averages of networks (Yazici et al. 2019, "The Unusual
Effectiveness of Averaging in GAN Training", ICLR; as ProGAN, StyleGAN, BigGAN and
StudioGAN use it).

After every generator update the averaged network's weights move towards the trained
ones:

    theta_ema <- decay * theta_ema + (1 - decay) * theta        (Yazici et al., eq. 2)

with `decay = 0` before the warm-up step `ema_start` (the average then simply follows
the network, as StudioGAN's `ema_start`), so the average does not carry the random
initialization. The averages are float32 variables whatever the precision policy.

Batch-norm statistics (and every other non-trainable variable, e.g. a dropout layer's
call counter) are **copied** from the trained network, not averaged: they describe
the activations of the *trained* weights, and StudioGAN and the BigGAN code copy them
as well (BigGAN's "standing statistics" are a separate, optional re-estimation). The
averaged network runs in inference mode only, so its copied moving statistics are what
it normalizes with.
"""

import keras
from keras import ops

from keras_gans import distribute


def average_of(network):
    """A copy of `network` (same architecture and weights) to hold its average."""
    try:
        average = keras.models.clone_model(network)
    except ValueError as error:
        raise ValueError(
            f"ema_decay= needs networks that keras.models.clone_model can copy (Functional "
            f"or Sequential); {network.name!r} cannot be: {error}"
        ) from error
    average.set_weights(network.get_weights())
    average.trainable = False  # no optimizer ever updates it
    return average


def update_average(average, network, decay):
    """One step of the moving average of `network` into `average` (inside a train step).

    `decay`: a float32 scalar tensor. Trainable weights are averaged; the
    non-trainable ones (batch-norm statistics) are copied.
    """
    # The average is not trainable itself: pair its weights with the network's, in
    # the same order (a clone), and let the network say which ones train.
    pairs = list(zip(average.weights, network.weights))
    averaged = [(mean, value) for mean, value in pairs if value.trainable]
    copied = [(copy, value) for copy, value in pairs if not value.trainable]
    distribute.assign_on_every_replica(
        [mean for mean, _ in averaged],
        lambda mean, value: mean * decay + ops.cast(value, mean.dtype) * (1.0 - decay),
        values=[value for _, value in averaged],
    )
    distribute.assign_on_every_replica(
        [copy for copy, _ in copied],
        lambda copy, value: ops.cast(value, copy.dtype),
        values=[value for _, value in copied],
    )
