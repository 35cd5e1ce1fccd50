"""WGAN: Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN" (arXiv:1701.07875)."""

import keras
import numpy as np
import tensorflow as tf

from keras_gans import distribute, losses
from keras_gans.models.checks import check_image_shape, check_seed
from keras_gans.models.critic import CriticGAN
from keras_gans.models.dcgan import build_dcgan_discriminator, build_dcgan_generator
from keras_gans.models.generative import check_latent_dim


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(CriticGAN):
    """Wasserstein GAN (Arjovsky et al. 2017), trained with Algorithm 1.

    The discriminator becomes a *critic* f with no sigmoid. Each generator update is
    preceded by `critic_steps` (the paper's n_critic = 5) critic updates; each one
    samples its own real minibatch and its own noise, ascends
    mean f(x) - mean f(G(z)) and then clips every critic weight to
    [-clip_value, clip_value] (c = 0.01), which keeps f K-Lipschitz. The generator
    then descends -mean f(G(z)) on fresh noise of the same minibatch size m.

    A `fit()` batch holds the `critic_steps` real minibatches of m images, so its size
    is `critic_steps * m` (320 for the paper's m = 64; see `CriticGAN`).

    Metrics: `critic_loss` (mean f(G(z)) - mean f(x), minimised by the critic),
    `generator_loss` (-mean f(G(z))) and `wasserstein_estimate`, the critic's
    estimate mean f(x) - mean f(G(z)) of the Wasserstein distance (up to the Lipschitz
    constant; the quantity of the paper's Figures 3-4), all from the last critic
    update of each step.

    Defaults follow the paper: RMSProp with learning rate 5e-5 for both networks
    (section 3: momentum-based optimizers such as Adam made training unstable), the
    DCGAN architecture of section 4 (including batch norm in the critic, which the
    paper's DCGAN critic has; weight clipping also clips batch norm's scale and
    offset, as the authors' code does), z ~ N(0, I) of dimension 100 and m = 64.

    Where the paper and its authors' code (martinarjovsky/WassersteinGAN) differ:
    the code runs 100 critic updates for the first 25 generator updates and every
    500th, "to get the critic to optimality" quickly; Algorithm 1 always uses
    n_critic. Ours follows Algorithm 1. RMSProp's decay rate is not stated in the
    paper; the code uses PyTorch's default 0.99, and so do we (Keras's default is 0.9).

    Args:
        image_shape: tuple `(height, width, channels)`, defaults to `(28, 28, 1)`.
        latent_dim: int, defaults to 100.
        filters: int, defaults to 64. Width of the default DCGAN networks.
        critic_steps: int, defaults to 5. Critic updates per generator update.
        clip_value: float, defaults to 0.01. Critic weights are clipped to
            [-clip_value, clip_value] after every critic update. None: no clipping
            (an unconstrained critic, for ablations; the penalty is `kg.WGANGP`).
        generator: optional `keras.Model` from `(batch, latent_dim)` to images in
            [-1, 1]. Defaults to the DCGAN generator.
        critic: optional `keras.Model` from images to one unbounded score each (no
            sigmoid). Defaults to the DCGAN discriminator. `discriminator=` is
            accepted as another name for it.
        seed: int or None, see `GANModel`.

    Examples:
    ```python
    import keras_gans as kg
    # 5 critic minibatches of 64 images per step:
    train = kg.data.load("fashion_mnist", batch_size=5 * 64, drop_remainder=True)
    model = kg.WGAN(image_shape=(28, 28, 1), critic_steps=5, clip_value=0.01, seed=0)
    model.compile()  # RMSprop(5e-5) for both networks
    model.fit(train.take(10), epochs=1)
    model.generate(16, seed=0).shape  # (16, 28, 28, 1)
    ```
    """

    VARIANT = "wgan"
    LATENT_DISTRIBUTION = "normal"

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        filters=64,
        critic_steps=5,
        clip_value=0.01,
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
        if clip_value is not None and not (
            isinstance(clip_value, (int, float, np.floating)) and clip_value > 0
        ):
            raise ValueError(
                f"`clip_value` must be a positive float (or None for no clipping). "
                f"Received: clip_value={clip_value!r}"
            )
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            critic_steps=critic_steps,
            generator=generator or build_dcgan_generator(
                image_shape, latent_dim, filters, seed=seed),
            # The DCGAN discriminator already ends in a linear unit: a critic as it is.
            critic=critic or build_dcgan_discriminator(image_shape, filters, seed=seed + 1),
            seed=seed,
            **kwargs,
        )
        # === Config ===
        self.filters = filters
        self.clip_value = None if clip_value is None else float(clip_value)

    def default_optimizer(self):
        return keras.optimizers.RMSprop(5e-5, rho=0.99)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, clip_value=self.clip_value)
        return config

    def critic_update(self, real, step):
        """One critic update of Algorithm 1 (lines 3-7) on the real minibatch `real`."""
        z = self.sample_latent(keras.ops.shape(real)[0], f"critic_step_{step}")
        fake = self.generator(z, training=True)
        loss = self.apply_update(
            "critic_optimizer",
            lambda: losses.wasserstein_critic_loss(
                self.critic(real, training=True), self.critic(fake, training=True)
            ),
        )
        self.clip_critic_weights()
        return {"critic_loss": loss, "wasserstein_estimate": -loss}

    def clip_critic_weights(self):
        """Algorithm 1, line 7: w <- clip(w, -c, c) for every critic weight."""
        if self.clip_value is None:  # an unconstrained critic (an ablation)
            return
        limit = self.clip_value
        distribute.assign_on_every_replica(
            self.critic.trainable_variables, lambda w: tf.clip_by_value(w, -limit, limit)
        )
