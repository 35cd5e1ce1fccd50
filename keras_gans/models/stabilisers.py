"""The discriminator normalizations every variant offers: `discriminator_normalization=`.

- `"spectral"`: spectral normalization (Miyato et al. 2018, "Spectral Normalization for
  Generative Adversarial Networks"): every Dense, Conv2D, Conv2DTranspose and
  Embedding of D (and Maxout's linear map) computes with its kernel divided by its
  largest singular value (`kg.models.layers.SpectralNormalization`);
- `"gradient"`: gradient normalization (Wu et al. 2021, "Gradient Normalization for
  Generative Adversarial Networks", ICCV): D's output f is replaced by
  f / (||grad_x f|| + |f|) (`GradientNormalization`).

Both drop D's feature normalization layers (batch, layer, instance norm), as the
SN-GAN and GN-GAN discriminators have none: batch norm couples the examples of a
batch (so neither the per-example gradient of GN nor SN's layer-wise bound holds
through it), and every convolution or dense layer whose normalization is dropped gets
back a bias (the normalization's offset did that job).
"""

import itertools
import math

import keras
import tensorflow as tf
from keras import layers, ops
from keras.src.models.functional import Functional

from keras_gans import losses
from keras_gans.models.checks import check_choice
from keras_gans.models.layers import Maxout, SpectralNormalization

DISCRIMINATOR_NORMALIZATIONS = (None, "spectral", "gradient")
FEATURE_NORMALIZATIONS = (layers.BatchNormalization, layers.GroupNormalization,
                          layers.LayerNormalization)
LINEAR_LAYERS = (layers.Dense, layers.Conv2D, layers.Conv2DTranspose)


@keras.saving.register_keras_serializable(package="keras_gans")
class GradientNormalization(keras.Model):
    """Gradient normalization (Wu et al. 2021, equation 10): a discriminator whose
    output is f_hat(x) = f(x) / (||grad_x f(x)||_2 + |f(x)|).

    |f_hat| <= 1, and ||grad_x f_hat|| <= 1 wherever f is piecewise linear (a ReLU
    or leaky-ReLU network; the paper's section 3), with no hyper-parameter. The gradient comes from
    a nested `GradientTape`, so the outer update differentiates through it (second
    order, as the gradient penalty does). It is taken with respect to every float
    input (x, or BiGAN's pair (x, z); integer labels are not differentiable), its norm
    over all their axes, per example, in float32, with a square root kept finite
    at 0 (`kg.losses.per_example_norm`); 0 / 0 gives 0. A network with several
    outputs per example (a PatchGAN's map, BigBiGAN's heads) normalizes each output
    by its own gradient (`batch_jacobian`).

    The gradient of sum_i f(x_i) is per example only if f treats the examples
    independently: no batch norm (the default networks drop it with this option).
    Nothing couples the replicas, so N replicas compute what one device does.

    Args:
        network: the discriminator `keras.Model` f (raw scores, no sigmoid).
    """

    def __init__(self, network, **kwargs):
        # float32: the inputs reach the tape unrounded; the output is float32.
        kwargs.setdefault("dtype", "float32")
        kwargs.setdefault("name", network.name)
        super().__init__(**kwargs)
        self.network = network
        self.built = True

    def call(self, inputs, training=False):
        flat = [ops.convert_to_tensor(t) for t in tf.nest.flatten(inputs)]
        watched = [t for t in flat if t.dtype.is_floating]
        with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
            tape.watch(watched)
            scores = ops.cast(
                self.network(tf.nest.pack_sequence_as(inputs, flat), training=training),
                "float32")
            outputs = math.prod(scores.shape[1:])  # static: the network's output shape
            per_output = ops.reshape(scores, (-1, outputs))
            total = ops.sum(per_output)
        if outputs == 1:
            norm = losses.per_example_norm(tape.gradient(total, watched))[:, None]
        else:
            batch = ops.shape(scores)[0]
            squares = [ops.sum(ops.reshape(ops.square(tape.batch_jacobian(per_output, x)),
                                           (batch, outputs, -1)), axis=2)
                       for x in watched]
            norm = _safe_sqrt(sum(squares))
        del tape
        denominator = norm + ops.abs(per_output)
        positive = denominator > 0
        normalized = ops.where(positive, per_output / ops.where(positive, denominator, 1.0), 0.0)
        return ops.reshape(normalized, ops.shape(scores))

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "network": keras.saving.serialize_keras_object(self.network),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["network"] = keras.saving.deserialize_keras_object(config["network"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="keras_gans")
class Dropped(layers.Layer):
    """Stands where a dropped normalization layer was: returns its input. (Keras's
    `Identity` cannot take the `training` and `mask` arguments such a layer was
    called with.)"""

    def call(self, inputs, training=None, mask=None):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


def _safe_sqrt(squares):
    positive = squares > 0
    return ops.where(positive, ops.sqrt(ops.where(positive, squares, 1.0)), 0.0)


def check_discriminator_normalization(normalization):
    return check_choice("discriminator_normalization", normalization,
                        DISCRIMINATOR_NORMALIZATIONS)


class StabiliserOptions:
    """The options `loss=`, `real_label=` and `discriminator_normalization=`, written
    once for every variant (`AdversarialModel` inherits them).

    Class attributes:
        DISCRIMINATORS: the networks that `discriminator_normalization=` applies to;
            the variant passes each through `normalize_discriminator` before setting it.
        LOSSES: the names of `kg.losses.ADVERSARIAL_LOSSES` that `loss=` may take;
            empty when the paper's loss is not of that family (the Wasserstein
            critic loss): `loss=` and `real_label=` are then refused.
        LOSS: the paper's loss, the default of `loss=`.

    Args (of every variant's constructor):
        loss: str or None (default: the paper's, `LOSS`). The adversarial loss, one of
            `LOSSES`: `"non_saturating"`, `"minimax"`, `"hinge"` or `"least_squares"`
            (`kg.losses.ADVERSARIAL_LOSSES`).
        real_label: float in (0, 1], defaults to 1.0. Below 1: one-sided label
            smoothing of D's real target (Salimans et al. 2016), e.g. 0.9; for the
            cross-entropy losses only.
        discriminator_normalization: `None` (default: the paper's networks),
            `"spectral"` or `"gradient"`: applied to every network of
            `DISCRIMINATORS`, whose feature normalization layers it drops (see the
            module's docstring).
    """

    DISCRIMINATORS = ()
    LOSSES = ()
    LOSS = None

    def set_stabilisers(self, loss=None, real_label=1.0, discriminator_normalization=None):
        """Checks and sets the options (called by `AdversarialModel.__init__`)."""
        # `loss_name`: Keras's `compile` owns `self.loss`.
        self.loss_name = check_loss(type(self).__name__, loss, real_label, self.LOSSES,
                                    self.LOSS)
        self.real_label = float(real_label)
        self.discriminator_normalization = check_discriminator_normalization(
            discriminator_normalization)

    def stabiliser_config(self):
        """The options as constructor arguments (for `get_config`)."""
        config = {"discriminator_normalization": self.discriminator_normalization}
        if self.LOSSES:
            config.update(loss=self.loss_name, real_label=self.real_label)
        return config

    def normalize_discriminator(self, network):
        """`network` with `discriminator_normalization` applied."""
        return normalize_discriminator(network, self.discriminator_normalization)

    def discriminator_loss(self, real_scores, fake_scores, reduction="mean"):
        """D's per-example loss under `loss=` and `real_label=` (`kg.losses`)."""
        return losses.discriminator_loss(real_scores, fake_scores, self.loss_name,
                                         self.real_label, reduction)

    def generator_loss(self, fake_scores, reduction="mean"):
        """G's per-example loss under `loss=` (`kg.losses.generator_loss`)."""
        return losses.generator_loss(fake_scores, self.loss_name, reduction)


def check_loss(model_name, loss, real_label, allowed, default):
    """The loss a model of class `model_name` uses: `default` (its paper's) for None;
    `ValueError` unless it is one of `allowed` and `real_label` suits it. A model
    that allows none (its paper's loss is not of the family) refuses both options."""
    if not allowed and (loss is not None or real_label != 1.0):
        raise ValueError(
            f"{model_name}'s loss is its paper's ({default or 'fixed'}), not one of the "
            f"family of `loss=`. Received: loss={loss!r}, real_label={real_label!r}. "
            "Leave both at their defaults."
        )
    loss = default if loss is None else loss
    if allowed:
        check_choice("loss", loss, allowed)
        losses.adversarial_loss(loss, real_label)  # checks real_label for this loss
    return loss


def is_normalized(network, normalization):
    """Whether `network` already carries `normalization` (as one loaded from a
    `.keras` file does)."""
    if normalization == "gradient":
        return isinstance(network, GradientNormalization)
    return any(isinstance(layer, SpectralNormalization)
               for layer in network._flatten_layers(include_self=False))


def normalize_discriminator(network, normalization):
    """`network` with `normalization` (`None`, `"spectral"` or `"gradient"`) applied.

    A network that already has it is returned as it is, so a model's config (which
    holds the normalized network and the option) loads back unchanged. Otherwise
    the network is rebuilt from its config with `SpectralNormalization` around its
    linear layers (`"spectral"`) and without feature normalization layers: its
    weights are the initial ones again (the default networks' seeded initializers
    give the same values), so pass untrained networks. A subclassed network cannot
    be rebuilt: wrap its layers in `SpectralNormalization` yourself; with
    `"gradient"` it is wrapped as it is if it has no feature normalization.
    """
    check_discriminator_normalization(normalization)
    if normalization is None or is_normalized(network, normalization):
        return network
    has_norm = any(isinstance(layer, FEATURE_NORMALIZATIONS)
                   for layer in network._flatten_layers(include_self=False))
    if normalization == "spectral" or has_norm:
        network = _rebuilt(network, spectral=normalization == "spectral")
    return GradientNormalization(network) if normalization == "gradient" else network


def _rebuilt(network, spectral):
    """A copy of a Functional or Sequential `network` built from its config, without
    feature normalization, its linear layers wrapped in `SpectralNormalization` if
    `spectral` (power-iteration vector seeded by the layer's position)."""
    if not isinstance(network, (Functional, keras.Sequential)):
        raise ValueError(
            "discriminator_normalization rebuilds a Functional or Sequential "
            f"discriminator; received a subclassed {type(network).__name__}. Wrap its "
            "layers in kg.models.layers.SpectralNormalization, or pass "
            "discriminator_normalization='gradient' with a network without batch norm."
        )
    positions = itertools.count()

    def clone(layer):
        config = layer.get_config()
        if isinstance(layer, FEATURE_NORMALIZATIONS):
            return Dropped(name=layer.name)
        if isinstance(layer, LINEAR_LAYERS):
            config["use_bias"] = True
        if isinstance(layer, Maxout):
            config["spectral_normalization"] = spectral
        copy = type(layer).from_config(config)
        if spectral and isinstance(layer, LINEAR_LAYERS + (layers.Embedding,)):
            return SpectralNormalization(copy, seed=next(positions), name=f"{layer.name}_sn")
        return copy

    return keras.models.clone_model(network, clone_function=clone)
