"""`CriticGAN`: the critic loop that WGAN and WGAN-GP share (Algorithm 1 of both papers).

    while theta has not converged:
        for t = 1, ..., n_critic:
            sample a real minibatch and noise; update the critic w   (variant's own)
        sample noise; update the generator theta on -mean f(G(z))

What differs between the two papers is how the critic is kept Lipschitz (weight
clipping in `kg.WGAN`, a gradient penalty in `kg.WGANGP`): each writes its own
`critic_update`, and nothing else.
"""

from keras import ops

from keras_gans import distribute, losses
from keras_gans.models.checks import is_positive_int
from keras_gans.models.generative import GANModel


class CriticGAN(GANModel):
    """Base of the Wasserstein variants: `critic_steps` critic updates per generator update.

    **How a `fit()` batch feeds the critic.** Algorithm 1 draws a fresh real
    minibatch for every critic update. Here one `fit()` batch holds all of them: a
    batch of `critic_steps * m` images is cut into `critic_steps` disjoint
    minibatches of m (images i, i + critic_steps, ... for update i), one per critic
    update, and the generator update draws m noise vectors. So the data pipeline's
    batch size must be `critic_steps * m`: 320 for the papers' m = 64 and n_critic
    = 5 (`DEFAULT_BATCH_SIZE`, which the command line uses). `fit` raises a
    `ValueError` before any step if the first batch does not divide by
    `critic_steps` (times the number of replicas under a distribution strategy). A
    smaller last batch of n images uses m = n // critic_steps and leaves the n %
    critic_steps leftover images out (if n < critic_steps, minibatches of one image
    cycle through the batch); `drop_remainder=True` avoids both.

    Subclasses build the networks and write `critic_update(real, step)`.

    Args:
        image_shape: tuple `(height, width, channels)`.
        latent_dim: int.
        critic_steps: int, critic updates per generator update (n_critic).
        generator: `keras.Model` from `(batch, latent_dim)` to images in [-1, 1].
        critic: `keras.Model` from images to one unbounded score each (no sigmoid).
        seed: int or None, see `GANModel`.
    """

    NETWORKS = ("generator", "critic")
    OPTIMIZERS = {
        "generator_optimizer": ("generator",),
        "critic_optimizer": ("critic",),
    }
    TRACKERS = ("critic_loss", "generator_loss", "wasserstein_estimate")
    # critic_steps * m with the papers' m = 64: what the command line batches by.
    DEFAULT_BATCH_SIZE = 320
    DISCRIMINATORS = ("critic",)
    LOSSES = ()  # the Wasserstein critic loss is not of the family of `loss=`
    LOSS = "the Wasserstein critic loss"

    def __init__(self, image_shape, latent_dim, critic_steps, generator, critic, seed=None,
                 **kwargs):
        super().__init__(image_shape=image_shape, latent_dim=latent_dim, seed=seed, **kwargs)
        # === Config ===
        self.critic_steps = int(critic_steps)
        # === Layers ===
        self.generator = generator
        self.critic = self.normalize_discriminator(critic)
        self._finish_init()

    @staticmethod
    def check_critic_arguments(critic_steps, critic, discriminator):
        """Checks `critic_steps`; returns the critic given as `critic=` or `discriminator=`."""
        if not is_positive_int(critic_steps):
            raise ValueError(
                f"`critic_steps` must be a positive int. Received: critic_steps={critic_steps!r}"
            )
        if critic is not None and discriminator is not None:
            raise ValueError(
                "Pass the critic once: `critic=` or its alias `discriminator=`, not both."
            )
        return critic if critic is not None else discriminator

    @property
    def discriminator(self):
        """The critic, under the name the other variants use."""
        return self.critic

    def get_config(self):
        config = super().get_config()
        config["critic_steps"] = self.critic_steps
        return config

    # ------------------------------------------------------------------ training

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        minibatches = self.critic_minibatches(real)
        # n_critic critic updates, then one generator update, strictly in this order.
        *critic_logs, generator_loss = distribute.run_in_order(
            [
                lambda step=step, minibatch=minibatch: self.critic_update(minibatch, step)
                for step, minibatch in enumerate(minibatches)
            ] + [lambda: self.generator_update(ops.shape(minibatches[0])[0])],
            self.critic.trainable_variables,
        )
        # The logs are those of the last critic update.
        return self.finish_step(generator_loss=generator_loss, **critic_logs[-1])

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
        """One critic update on the real minibatch `real`; returns its logs (a dict
        with `critic_loss` and `wasserstein_estimate`)."""
        raise NotImplementedError

    def generator_update(self, batch_size):
        """Updates the generator on fresh noise: descends -mean f(G(z))."""
        z = self.sample_latent(batch_size, "generator_step")
        return self.apply_update(
            "generator_optimizer",
            lambda: losses.wasserstein_generator_loss(
                self.critic(self.generator(z, training=True), training=True)
            ),
        )

    # ------------------------------------------------------------------ input checks

    def on_first_batch(self, batch):
        # A wrong batch_size shows in the first batch; a later, smaller one is an epoch's
        # remainder, whose minibatches cycle through it (`critic_minibatches`).
        super().on_first_batch(batch)
        self._check_batch_size(batch)

    def check_batch(self, batch):
        super().check_batch(batch)
        if distribute.num_replicas(self.distribute_strategy) > 1:
            self._check_batch_size(batch)  # a remainder would split unevenly

    def _check_batch_size(self, batch):
        images = batch[0] if isinstance(batch, (tuple, list)) else batch
        size = len(images)
        replicas = distribute.num_replicas(self.distribute_strategy)
        if size % (self.critic_steps * replicas):
            per_replica = " per replica" if replicas > 1 else ""
            raise ValueError(
                f"{type(self).__name__} cuts each fit() batch into critic_steps="
                f"{self.critic_steps} real minibatches{per_replica}, one per critic "
                f"update, so the batch size must be a multiple of "
                f"{self.critic_steps * replicas}; received a batch of {size} images. "
                f"Use batch_size (--batch-size on the command line) = critic_steps * m"
                f"{' * replicas' if replicas > 1 else ''}"
                f", e.g. {self.critic_steps * 64 * replicas} for the paper's m = 64."
            )

