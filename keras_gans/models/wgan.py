"""WGAN: Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN" (arXiv:1701.07875)."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import losses
from keras_gans.models.base import GANModel
from keras_gans.models.dcgan import build_dcgan_discriminator, build_dcgan_generator


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(GANModel):
    """Wasserstein GAN (Arjovsky et al. 2017), trained with Algorithm 1.

    The discriminator becomes a *critic* f with no sigmoid. Each generator update is
    preceded by `critic_steps` (the paper's n_critic = 5) critic updates; each one
    samples its own real minibatch and its own noise, ascends
    mean f(x) - mean f(G(z)) and then clips every critic weight to
    [-clip_value, clip_value] (c = 0.01), which keeps f K-Lipschitz. The generator
    then descends -mean f(G(z)) on fresh noise of the same minibatch size m.

    **How a `fit()` batch feeds the critic.** Algorithm 1 draws a fresh real
    minibatch for every critic update. Here one `fit()` batch holds all of them: a
    batch of `critic_steps * m` images is cut into `critic_steps` disjoint
    minibatches of m (images i, i + critic_steps, ... for update i), one per critic
    update, and the generator update draws m noise vectors. So the data pipeline's
    batch size must be `critic_steps * m`: 320 for the paper's m = 64 and n_critic
    = 5 (`DEFAULT_BATCH_SIZE`, which the command line uses). `fit` raises a `ValueError` before any step if the first batch does
    not divide by `critic_steps` (times the number of replicas under a distribution
    strategy). A smaller last batch of n images uses m = n // critic_steps and leaves
    the n % critic_steps leftover images out (if n < critic_steps, minibatches of one
    image cycle through the batch); `drop_remainder=True` avoids both.

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
            [-clip_value, clip_value] after every critic update.
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

    NETWORKS = ("generator", "critic")
    OPTIMIZERS = {
        "generator_optimizer": ("generator",),
        "critic_optimizer": ("critic",),
    }
    TRACKERS = ("critic_loss", "generator_loss", "wasserstein_estimate")
    LATENT_DISTRIBUTION = "normal"
    # critic_steps * m with the paper's m = 64: what the command line batches by.
    DEFAULT_BATCH_SIZE = 320

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
        super().__init__(image_shape=image_shape, latent_dim=latent_dim, seed=seed, **kwargs)
        if not isinstance(critic_steps, (int, np.integer)) or critic_steps <= 0:
            raise ValueError(
                f"`critic_steps` must be a positive int. Received: critic_steps={critic_steps!r}"
            )
        if clip_value is not None and not (
            isinstance(clip_value, (int, float, np.floating)) and clip_value > 0
        ):
            raise ValueError(
                f"`clip_value` must be a positive float (or None for no clipping). "
                f"Received: clip_value={clip_value!r}"
            )
        if critic is not None and discriminator is not None:
            raise ValueError(
                "Pass the critic once: `critic=` or its alias `discriminator=`, not both."
            )
        # === Config ===
        self.filters = filters
        self.critic_steps = int(critic_steps)
        self.clip_value = None if clip_value is None else float(clip_value)
        # === Layers ===
        self.generator = generator or self.build_generator()
        self.critic = critic or discriminator or self.build_critic()
        self._finish_init()

    @property
    def discriminator(self):
        """The critic, under the name the other variants use."""
        return self.critic

    def build_generator(self):
        return build_dcgan_generator(
            self.image_shape, self.latent_dim, self.filters, seed=self.seed
        )

    def build_critic(self):
        # The DCGAN discriminator already ends in a linear unit: a critic as it is.
        return build_dcgan_discriminator(self.image_shape, self.filters, seed=self.seed + 1)

    def default_optimizer(self):
        return keras.optimizers.RMSprop(5e-5, rho=0.99)

    def get_config(self):
        config = super().get_config()
        config.update(
            filters=self.filters,
            critic_steps=self.critic_steps,
            clip_value=self.clip_value,
        )
        return config

    # ------------------------------------------------------------------ training

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        minibatches = self.critic_minibatches(real)
        applied = []
        for step, real_minibatch in enumerate(minibatches):
            # Each update starts once the previous one is applied. Under a strategy
            # the generator's synchronized batch norm and the critic's gradient
            # all-reduce are collectives every replica must issue in the same order;
            # unordered, 2 replicas of WGAN-GP mismatched them and aborted.
            with tf.control_dependencies(applied):
                critic_logs = self.critic_update(real_minibatch, step)
                applied = [ops.convert_to_tensor(self.critic.trainable_variables[0])]

        # Update the generator once, on fresh noise of the critic's minibatch size.
        with tf.control_dependencies(applied):
            z = self.sample_latent(ops.shape(minibatches[0])[0], "generator_step")
            generator_loss = self.apply_update(
                "generator_optimizer",
                lambda: losses.wasserstein_generator_loss(
                    self.critic(self.generator(z, training=True), training=True)
                ),
            )
        return self.finish_step(generator_loss=generator_loss, **critic_logs)

    def critic_minibatches(self, real):
        """Cuts a `fit()` batch into `critic_steps` real minibatches of m images.

        With k = critic_steps and m = n // k, minibatch i holds images i, i + k,
        i + 2k, ...: distinct images for each critic update, as in Algorithm 1.
        Strided rather than contiguous so that the cut does not depend on the number
        of replicas: each replica holds a contiguous 1/R of the global batch (a
        multiple of k images), and the union of the replicas' minibatch i is the
        single device's minibatch i.
        """
        count = ops.shape(real)[0]
        size = ops.maximum(count // self.critic_steps, 1)
        return [
            # The modulo only matters for a last batch smaller than critic_steps.
            ops.take(real, (step + self.critic_steps * ops.arange(size)) % count, axis=0)
            for step in range(self.critic_steps)
        ]

    def critic_update(self, real, step):
        """One critic update of Algorithm 1 (lines 3-7) on the real minibatch `real`."""
        z = self.sample_latent(ops.shape(real)[0], f"critic_step_{step}")
        fake = self.generator(z, training=True)
        scores = {}

        def critic_loss():
            scores["real"] = self.critic(real, training=True)
            scores["fake"] = self.critic(fake, training=True)
            return losses.wasserstein_critic_loss(scores["real"], scores["fake"])

        loss = self.apply_update("critic_optimizer", critic_loss)
        self.clip_critic_weights()
        return {"critic_loss": loss, "wasserstein_estimate": -loss}

    def clip_critic_weights(self):
        """Algorithm 1, line 7: w <- clip(w, -c, c) for every critic weight."""
        if self.clip_value is None:
            return
        limit = self.clip_value
        variables = [variable.value for variable in self.critic.trainable_variables]

        def clip_all(strategy):
            # In cross-replica context so that a mirrored variable is updated on
            # every replica alike (a replica-context assign is refused).
            for variable in variables:
                strategy.extended.update(
                    variable,
                    lambda v: v.assign(tf.clip_by_value(v, -limit, limit)),
                )

        tf.distribute.get_replica_context().merge_call(clip_all)

    # ------------------------------------------------------------------ input checks

    def check_batch(self, batch):
        super().check_batch(batch)
        images = batch[0] if isinstance(batch, (tuple, list)) else batch
        size = len(images)
        replicas = self.distribute_strategy.num_replicas_in_sync
        if size % (self.critic_steps * replicas):
            per_replica = " per replica" if replicas > 1 else ""
            raise ValueError(
                f"{type(self).__name__} cuts each fit() batch into critic_steps="
                f"{self.critic_steps} real minibatches{per_replica}, one per critic "
                f"update, so the batch size must be a multiple of "
                f"{self.critic_steps * replicas}; received a batch of {size} images. "
                f"Use batch_size = critic_steps * m{' * replicas' if replicas > 1 else ''}"
                f", e.g. {self.critic_steps * 64 * replicas} for the paper's m = 64."
            )
