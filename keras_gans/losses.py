"""Adversarial losses, one function per objective, each returning per-example values.

Every function takes discriminator *logits* (the paper's D(x) is `sigmoid(logit)`) and
returns a vector of shape `(batch,)`. The model's base class reduces that vector over
the global batch, so these functions know nothing about replicas or loss scaling.

Working on logits instead of probabilities is the numerically stable form of the same
objective: `-log(sigmoid(t)) == softplus(-t)` and `-log(1 - sigmoid(t)) == softplus(t)`.
"""

from keras import ops


def per_example(values):
    """Mean over every axis but the batch axis, in float32.

    Lets the same loss serve a discriminator with one output per image and a
    PatchGAN-style discriminator with one output per patch.
    """
    values = ops.cast(values, "float32")
    batch = ops.shape(values)[0]
    return ops.mean(ops.reshape(values, (batch, -1)), axis=1)


def discriminator_loss(real_logits, fake_logits):
    """Goodfellow et al. (2014), Algorithm 1: D ascends log D(x) + log(1 - D(G(z))).

    Returned as the quantity to *minimise*: -log D(x) - log(1 - D(G(z))).
    """
    return per_example(ops.softplus(-real_logits)) + per_example(
        ops.softplus(fake_logits)
    )


def non_saturating_generator_loss(fake_logits):
    """Goodfellow et al. (2014), section 3: G maximises log D(G(z)).

    The paper recommends it over minimising log(1 - D(G(z))) because it gives strong
    gradients early in training, when D rejects the samples with high confidence.
    """
    return per_example(ops.softplus(-fake_logits))


def minimax_generator_loss(fake_logits):
    """Goodfellow et al. (2014), equation 1: G minimises log(1 - D(G(z))).

    The objective of the paper's theory (section 4); it saturates early in training.
    """
    return -per_example(ops.softplus(fake_logits))


GENERATOR_LOSSES = {
    "non_saturating": non_saturating_generator_loss,
    "minimax": minimax_generator_loss,
}
