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
    gradients = ops.cast(tape.gradient(total, interpolates), "float32")
    batch = ops.shape(gradients)[0]
    squared_norm = ops.sum(ops.square(ops.reshape(gradients, (batch, -1))), axis=1)
    # The double `where` keeps sqrt away from 0 in both passes (exact elsewhere).
    positive = squared_norm > 0
    norm = ops.where(positive, ops.sqrt(ops.where(positive, squared_norm, 1.0)), 0.0)
    return ops.square(norm - 1.0)


# ------------------------------------------------------------------ least squares (CycleGAN)


def least_squares_discriminator_loss(real_scores, fake_scores):
    """Mao et al. (2017), as CycleGAN uses it (Zhu et al. 2017, section 4, eq. 1 made
    least-squares): D minimises (D(y) - 1)^2 + D(G(x))^2.

    CycleGAN halves this ("we divide the objective by 2 while optimizing D, which
    slows down the rate at which D learns"); the model applies that factor. Scores are
    raw outputs (no sigmoid), per patch for a PatchGAN, averaged per example.
    """
    return per_example(ops.square(real_scores - 1.0)) + per_example(ops.square(fake_scores))


def least_squares_generator_loss(fake_scores):
    """Mao et al. (2017) / CycleGAN section 4: G minimises (D(G(x)) - 1)^2."""
    return per_example(ops.square(fake_scores - 1.0))


def mean_absolute_error(target, prediction):
    """Per-example mean |prediction - target| over every pixel and channel.

    CycleGAN's cycle-consistency and identity terms (Zhu et al. 2017, eqs. 2 and 6),
    averaged over pixels as in the authors' code (`nn.L1Loss`), which is the scale
    their weights (lambda = 10, identity 0.5 lambda) were set for.
    """
    return per_example(ops.abs(ops.cast(prediction, "float32") - ops.cast(target, "float32")))


# ------------------------------------------------------------------ hinge (BigBiGAN)


def hinge_discriminator_loss(real_scores, fake_scores):
    """Hinge loss, summed over score heads (Donahue & Simonyan 2019, section 2, l_D):
    sum_s max(0, 1 - s(real)) + max(0, 1 + s(fake)).

    Scores have shape `(batch, heads)`: BigBiGAN's unary s_x, unary s_z and joint
    s_xz; the heads are summed, not averaged, as in the paper.
    """
    real = ops.cast(real_scores, "float32")
    fake = ops.cast(fake_scores, "float32")
    batch = ops.shape(real)[0]
    return ops.sum(
        ops.reshape(ops.relu(1.0 - real) + ops.relu(1.0 + fake), (batch, -1)), axis=1
    )


def hinge_encoder_generator_loss(real_scores, fake_scores):
    """BigBiGAN's l_EG (Donahue & Simonyan 2019, section 2): y (s_x + s_z + s_xz) with
    y = +1 for encoder pairs (x, E(x)) and -1 for generator pairs (G(z), z)."""
    real = ops.cast(real_scores, "float32")
    fake = ops.cast(fake_scores, "float32")
    batch = ops.shape(real)[0]
    return ops.sum(ops.reshape(real - fake, (batch, -1)), axis=1)


# ------------------------------------------------------------------ BiGAN


def bigan_encoder_generator_loss(real_logits, fake_logits):
    """Donahue et al. (2016), section 3.4: the "inverse" objective for E and G.

    D's objective E[log D(x, E(x))] + E[log(1 - D(G(z), z))] with the labels flipped:
    E and G minimise -log(1 - D(x, E(x))) - log D(G(z), z), which has the same fixed
    point and, like the GAN's non-saturating loss, does not saturate early.
    `real_logits` score the encoder pairs (x, E(x)), `fake_logits` the generator
    pairs (G(z), z).
    """
    return per_example(ops.softplus(real_logits)) + per_example(ops.softplus(-fake_logits))
