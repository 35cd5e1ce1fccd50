"""Adversarial losses, one function per objective, each returning per-example values.

Every function takes discriminator *logits* (the paper's D(x) is `sigmoid(logit)`) and
returns a vector of shape `(batch,)`. The model's base class reduces that vector over
the global batch, so these functions know nothing about replicas or loss scaling.

Working on logits instead of probabilities is the numerically stable form of the same
objective: `-log(sigmoid(t)) == softplus(-t)` and `-log(1 - sigmoid(t)) == softplus(t)`.
"""

import dataclasses
from typing import Callable

from keras import ops


def per_example(values, reduction="mean"):
    """Mean (or sum) over every axis but the batch axis, in float32.

    Lets the same loss serve a discriminator with one output per image, a
    PatchGAN-style discriminator with one output per patch (averaged), and
    BigBiGAN's score heads (summed, `reduction="sum"`).
    """
    values = ops.cast(values, "float32")
    batch = ops.shape(values)[0]
    values = ops.reshape(values, (batch, -1))
    return ops.sum(values, axis=1) if reduction == "sum" else ops.mean(values, axis=1)


# ------------------------------------------------------------------ the family of D's losses


@dataclasses.dataclass(frozen=True)
class AdversarialLoss:
    """One objective of the family, as elementwise terms of a raw D output t.

    Attributes:
        real: D's loss on its output for a real example (target "real").
        fake: D's loss on its output for a fake example (target "fake").
        generator: G's loss on D's output for a fake.
        encoder: BiGAN's E on D's output for a real pair (x, E(x)): the labels
            flipped, as `generator` is for fakes.
        cross_entropy: whether D's loss is a binary cross-entropy, so that
            one-sided label smoothing (a real target below 1) is defined.
    """

    real: Callable
    fake: Callable
    generator: Callable
    encoder: Callable
    cross_entropy: bool = False


ADVERSARIAL_LOSSES = {
    # Goodfellow et al. (2014), section 3: D minimises -log D(x) - log(1 - D(G(z)))
    # (-log sigmoid(t) = softplus(-t)); G minimises -log D(G(z)).
    "non_saturating": AdversarialLoss(
        real=lambda t: ops.softplus(-t), fake=ops.softplus,
        generator=lambda t: ops.softplus(-t), encoder=ops.softplus, cross_entropy=True,
    ),
    # Goodfellow et al. (2014), equation 1: G minimises log(1 - D(G(z))).
    "minimax": AdversarialLoss(
        real=lambda t: ops.softplus(-t), fake=ops.softplus,
        generator=lambda t: -ops.softplus(t), encoder=lambda t: -ops.softplus(-t),
        cross_entropy=True,
    ),
    # Lim & Ye (2017); Miyato et al. (2018), equation 17: D minimises
    # max(0, 1 - D(x)) + max(0, 1 + D(G(z))); G minimises -D(G(z)).
    "hinge": AdversarialLoss(
        real=lambda t: ops.relu(1.0 - t), fake=lambda t: ops.relu(1.0 + t),
        generator=lambda t: -t, encoder=lambda t: t,
    ),
    # Mao et al. (2017), equation 9 with a = 0, b = c = 1: D minimises
    # (D(x) - 1)^2 + D(G(z))^2; G minimises (D(G(z)) - 1)^2. (The paper's 1/2 factors
    # are left out, as in CycleGAN, which halves D's loss itself.)
    "least_squares": AdversarialLoss(
        real=lambda t: ops.square(t - 1.0), fake=ops.square,
        generator=lambda t: ops.square(t - 1.0), encoder=ops.square,
    ),
}


def adversarial_loss(loss, real_label=1.0):
    """The `AdversarialLoss` named `loss`; `ValueError` for an unknown name or a real
    label that the loss does not define (one-sided smoothing is for cross-entropy)."""
    if loss not in ADVERSARIAL_LOSSES:
        raise ValueError(
            f"Unknown loss. Expected one of {list(ADVERSARIAL_LOSSES)}. Received: loss={loss!r}"
        )
    if not isinstance(real_label, (int, float)) or isinstance(real_label, bool) or not (
        0.0 < real_label <= 1.0
    ):
        raise ValueError(
            "`real_label` must be a float in (0, 1], e.g. 0.9 for one-sided label "
            f"smoothing. Received: real_label={real_label!r}"
        )
    if real_label != 1.0 and not ADVERSARIAL_LOSSES[loss].cross_entropy:
        raise ValueError(
            "One-sided label smoothing (`real_label` < 1) is defined for the "
            "cross-entropy losses ('non_saturating', 'minimax'). Received: "
            f"loss={loss!r}, real_label={real_label!r}. Use real_label=1.0."
        )
    return ADVERSARIAL_LOSSES[loss]


def discriminator_loss(real_logits, fake_logits, loss="non_saturating", real_label=1.0,
                       reduction="mean"):
    """D's per-example loss on its raw outputs for reals and fakes (see
    `ADVERSARIAL_LOSSES`). With the default, Goodfellow et al. (2014), Algorithm 1: D
    ascends log D(x) + log(1 - D(G(z))), returned as the quantity to *minimise*.

    `real_label` < 1 is one-sided label smoothing (Salimans et al. 2016, section 3.4):
    the real target becomes `real_label`, -[a log D(x) + (1 - a) log(1 - D(x))]; the
    fake target stays 0.
    """
    terms = adversarial_loss(loss, real_label)
    real = ops.cast(real_logits, "float32")
    real_term = terms.real(real)
    if real_label != 1.0:
        real_term = real_label * real_term + (1.0 - real_label) * terms.fake(real)
    fake_term = terms.fake(ops.cast(fake_logits, "float32"))
    return per_example(real_term, reduction) + per_example(fake_term, reduction)


def generator_loss(fake_logits, loss="non_saturating", reduction="mean"):
    """G's per-example loss on D's raw outputs for its fakes (see `ADVERSARIAL_LOSSES`)."""
    return per_example(adversarial_loss(loss).generator(ops.cast(fake_logits, "float32")),
                       reduction)


def encoder_loss(real_logits, loss="non_saturating", reduction="mean"):
    """BiGAN's E: per-example loss on D's raw outputs for the real pairs (x, E(x)), the
    labels flipped (Donahue et al. 2016, section 3.4)."""
    return per_example(adversarial_loss(loss).encoder(ops.cast(real_logits, "float32")),
                       reduction)


def non_saturating_generator_loss(fake_logits):
    """Goodfellow et al. (2014), section 3: G maximises log D(G(z)).

    The paper recommends it over minimising log(1 - D(G(z))) because it gives strong
    gradients early in training, when D rejects the samples with high confidence.
    """
    return generator_loss(fake_logits, "non_saturating")


def minimax_generator_loss(fake_logits):
    """Goodfellow et al. (2014), equation 1: G minimises log(1 - D(G(z))).

    The objective of the paper's theory (section 4); it saturates early in training.
    """
    return generator_loss(fake_logits, "minimax")


# ------------------------------------------------------------------ Wasserstein


def wasserstein_critic_loss(real_scores, fake_scores):
    """Arjovsky et al. (2017), Algorithm 1: the critic ascends f(x) - f(G(z)).

    Returned as the quantity to *minimise*, per example: f(G(z_i)) - f(x_i). Its
    mean is the negated estimate of the Wasserstein distance (equation 3). The
    scores are raw critic outputs (no sigmoid); real and fake batches have the same
    size, so the mean of the differences is the difference of the means.
    """
    return per_example(fake_scores) - per_example(real_scores)


def wasserstein_generator_loss(fake_scores):
    """Arjovsky et al. (2017), Algorithm 1: the generator descends -f(G(z))."""
    return -per_example(fake_scores)


def gradient_penalty(critic, real, fake, epsilon, training=True):
    """Gulrajani et al. (2017), equation 3: (||grad_x_hat D(x_hat)||_2 - 1)^2 per example.

    x_hat = epsilon * real + (1 - epsilon) * fake with one epsilon per example
    (Algorithm 1, line 4), so it lies on the segment between a real and a fake
    sample. The norm is taken over *all* non-batch axes of the gradient (the image
    as one vector), in float32, and its square root is kept differentiable where
    the gradient vanishes: d sqrt(s)/ds is infinite at s = 0, which would give NaN
    weight gradients for a critic that is flat at x_hat.

    The gradient of sum_i D(x_hat_i) with respect to x_hat is the per-example
    gradient only if the critic treats examples independently: no batch norm
    (section 4 of the paper; use layer norm).

    Args:
        critic: callable from images to scores.
        real, fake: image batches of the same shape.
        epsilon: interpolation weights of shape `(batch, 1, 1, 1)` (broadcast over
            the image), drawn from U[0, 1].
        training: passed to the critic.

    Returns:
        float32 tensor `(batch,)`.
    """
    import tensorflow as tf

    real = ops.cast(real, "float32")
    fake = ops.cast(fake, "float32")
    epsilon = ops.cast(epsilon, "float32")
    interpolates = epsilon * real + (1.0 - epsilon) * fake
    with tf.GradientTape() as tape:
        tape.watch(interpolates)
        # Summed inside the tape: an op outside it is not recorded.
        total = ops.sum(ops.cast(critic(interpolates, training=training), "float32"))
    return ops.square(per_example_norm([tape.gradient(total, interpolates)]) - 1.0)


def per_example_norm(tensors):
    """The L2 norm per example over *all* non-batch axes of all `tensors` (e.g. the
    gradients of a score with respect to each input), in float32.

    Its square root is kept differentiable where the norm vanishes: d sqrt(s)/ds is
    infinite at s = 0, which would give NaN weight gradients for a flat network. The
    double `where` keeps sqrt away from 0 in both passes (exact elsewhere).
    """
    squared_norm = 0.0
    for tensor in tensors:
        tensor = ops.cast(tensor, "float32")
        batch = ops.shape(tensor)[0]
        squared_norm = squared_norm + ops.sum(ops.square(ops.reshape(tensor, (batch, -1))), axis=1)
    positive = squared_norm > 0
    return ops.where(positive, ops.sqrt(ops.where(positive, squared_norm, 1.0)), 0.0)


# ------------------------------------------------------------------ least squares (CycleGAN)


def least_squares_discriminator_loss(real_scores, fake_scores):
    """Mao et al. (2017), as CycleGAN uses it (Zhu et al. 2017, section 4, eq. 1 made
    least-squares): D minimises (D(y) - 1)^2 + D(G(x))^2.

    CycleGAN halves this ("we divide the objective by 2 while optimizing D, which
    slows down the rate at which D learns"); the model applies that factor. Scores are
    raw outputs (no sigmoid), per patch for a PatchGAN, averaged per example.
    """
    return discriminator_loss(real_scores, fake_scores, "least_squares")


def least_squares_generator_loss(fake_scores):
    """Mao et al. (2017) / CycleGAN section 4: G minimises (D(G(x)) - 1)^2."""
    return generator_loss(fake_scores, "least_squares")


def mean_absolute_error(target, prediction):
    """Per-example mean |prediction - target| over every pixel and channel.

    CycleGAN's cycle-consistency and identity terms (Zhu et al. 2017, eqs. 2 and 6),
    averaged over pixels as in the authors' code (`nn.L1Loss`), which is the scale
    their weights (lambda = 10, identity 0.5 lambda) were set for.
    """
    return per_example(ops.abs(ops.cast(prediction, "float32") - ops.cast(target, "float32")))


# ------------------------------------------------------------------ BiGAN


def encoder_generator_loss(real_logits, fake_logits, loss="non_saturating", reduction="sum"):
    """BiGAN's E and G, trained together: `encoder_loss` on the encoder pairs plus
    `generator_loss` on the generator pairs.

    With `"non_saturating"`: Donahue et al. (2016), section 3.4, the "inverse"
    objective: D's objective E[log D(x, E(x))] + E[log(1 - D(G(z), z))] with the labels
    flipped, -log(1 - D(x, E(x))) - log D(G(z), z), which has the same fixed point and
    does not saturate early. With `"hinge"`: BigBiGAN's l_EG (Donahue & Simonyan 2019,
    section 2), y (s_x + s_z + s_xz) with y = +1 for encoder pairs and -1 for
    generator pairs. Score heads are summed, as BigBiGAN does.
    """
    return encoder_loss(real_logits, loss, reduction) + generator_loss(
        fake_logits, loss, reduction)
