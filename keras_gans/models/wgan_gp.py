"""WGAN-GP: Gulrajani, Ahmed, Arjovsky, Dumoulin & Courville 2017, "Improved Training
of Wasserstein GANs" (arXiv:1704.00028)."""

import keras
from keras import ops

from keras_gans import losses
from keras_gans.models.checks import check_image_shape, check_seed
from keras_gans.models.critic import CriticGAN
from keras_gans.models.dcgan import build_dcgan_discriminator, build_dcgan_generator
from keras_gans.models.generative import check_latent_dim
from keras_gans.models.layers import layer_norm


def build_wgan_gp_critic(image_shape, filters=64, seed=None):
    """The DCGAN discriminator with layer norm in place of batch norm (section 4).

    n stride-2 5x5 convolutions doubling the channels from `filters`, LeakyReLU(0.2),
    layer norm after every convolution but the first, one linear output (no sigmoid).
    "We recommend layer normalization as a drop-in replacement for batch
    normalization": batch norm couples the examples of a batch, and the penalty is
    defined per example.
    """
    return build_dcgan_discriminator(
        image_shape, filters, seed=seed, normalization=layer_norm, name="critic"
    )


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(CriticGAN):
    """WGAN with gradient penalty (Gulrajani et al. 2017), trained with Algorithm 1.

    The critic's weight clipping is replaced by a penalty on its gradient norm at
    points between real and fake samples (equation 3):

        L = mean f(G(z)) - mean f(x) + lambda * mean (||grad f(x_hat)||_2 - 1)^2,
        x_hat = epsilon * x + (1 - epsilon) * G(z),  epsilon ~ U[0, 1] per example.

    The penalty (`kg.losses.gradient_penalty`) takes the norm over all non-batch
    axes, in float32, with a square root that stays differentiable at zero.

    As in WGAN (its sibling on the same critic loop, `CriticGAN`), `critic_steps`
    (n_critic = 5) critic updates precede each generator update, each on its own real
    minibatch and noise: a `fit()` batch of `critic_steps * m` images is cut into
    `critic_steps` minibatches of m; the paper's m = 64 gives a batch size of 320.

    Defaults follow Algorithm 1: lambda = 10, n_critic = 5, Adam(1e-4, beta_1=0,
    beta_2=0.9) for both networks, m = 64; the DCGAN generator (batch norm is fine
    there) and a DCGAN-style critic with layer norm instead of batch norm (section
    4). z ~ N(0, I) of dimension 100, as in the authors' code (the paper does not
    say). A user-supplied critic must not use batch norm: the penalty would then
    not be per example.

    Metrics: `critic_loss` (the full L above), `generator_loss`,
    `wasserstein_estimate` (mean f(x) - mean f(G(z)), without the penalty) and
    `gradient_penalty` (mean (||grad||_2 - 1)^2, before lambda), all from the last
    critic update of each step.

    Args:
        image_shape: tuple `(height, width, channels)`, defaults to `(28, 28, 1)`.
        latent_dim: int, defaults to 100.
        filters: int, defaults to 64. Width of the default networks.
        critic_steps: int, defaults to 5.
        gradient_penalty_weight: float, defaults to 10 (the paper's lambda).
        generator: optional `keras.Model` from `(batch, latent_dim)` to images.
        critic: optional `keras.Model` from images to one score each, without batch
            norm. `discriminator=` is accepted as another name for it.
        seed: int or None, see `GANModel`.

    Examples:
    ```python
    import keras_gans as kg
    train = kg.data.load("fashion_mnist", batch_size=5 * 64, drop_remainder=True)
    model = kg.WGANGP(image_shape=(28, 28, 1), critic_steps=5,
                      gradient_penalty_weight=10.0, seed=0)
    model.compile()  # Adam(1e-4, beta_1=0, beta_2=0.9) for both networks
    model.fit(train.take(10), epochs=1)
    model.generate(16, seed=0).shape  # (16, 28, 28, 1)
    ```
    """

    VARIANT = "wgan_gp"
    TRACKERS = CriticGAN.TRACKERS + ("gradient_penalty",)
    LATENT_DISTRIBUTION = "normal"

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        filters=64,
        critic_steps=5,
        gradient_penalty_weight=10.0,
        generator=None,
        critic=None,
        discriminator=None,
        seed=None,
        **kwargs,
    ):
        image_shape, latent_dim, seed = (
            check_image_shape(image_shape), check_latent_dim(latent_dim), check_seed(seed)
        )
        critic = self.check_critic_arguments(critic_steps, critic, discriminator)
        if "clip_value" in kwargs:
            raise ValueError(
                "WGANGP does not clip weights; the gradient penalty replaces clipping. "
                f"Received: clip_value={kwargs['clip_value']!r}. Use kg.WGAN for clipping."
            )
        if not isinstance(gradient_penalty_weight, (int, float)) or gradient_penalty_weight < 0:
            raise ValueError(
                "`gradient_penalty_weight` must be a non-negative float. "
                f"Received: gradient_penalty_weight={gradient_penalty_weight!r}"
            )
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            critic_steps=critic_steps,
            generator=generator or build_dcgan_generator(
                image_shape, latent_dim, filters, seed=seed),
            critic=critic or build_wgan_gp_critic(image_shape, filters, seed=seed + 1),
            seed=seed,
            **kwargs,
        )
        # === Config ===
        self.filters = filters
        self.gradient_penalty_weight = float(gradient_penalty_weight)

    def default_optimizer(self):
        return keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, gradient_penalty_weight=self.gradient_penalty_weight)
        return config

    def interpolation_weights(self, batch_size, purpose):
        """Algorithm 1, line 4: epsilon ~ U[0, 1], one per example, broadcast over pixels."""
        shape = (batch_size,) + (1,) * len(self.image_shape)
        return self.random_uniform(shape, purpose)

    def critic_update(self, real, step):
        """One critic update of Algorithm 1 (lines 3-9) on the real minibatch `real`."""
        batch_size = ops.shape(real)[0]
        z = self.sample_latent(batch_size, f"critic_step_{step}")
        epsilon = self.interpolation_weights(batch_size, f"interpolation_{step}")
        fake = self.generator(z, training=True)
        parts = {}

        def critic_loss():
            parts["wasserstein"] = losses.wasserstein_critic_loss(
                self.critic(real, training=True), self.critic(fake, training=True)
            )
            parts["penalty"] = losses.gradient_penalty(self.critic, real, fake, epsilon)
            return parts["wasserstein"] + self.gradient_penalty_weight * parts["penalty"]

        loss = self.apply_update("critic_optimizer", critic_loss)
        return {
            "critic_loss": loss,
            "wasserstein_estimate": -ops.mean(parts["wasserstein"]),
            "gradient_penalty": ops.mean(parts["penalty"]),
        }
