"""`GANModel`: the base of the variants that generate images from a latent prior."""

import zlib

import tensorflow as tf

from keras_gans.losses import ADVERSARIAL_LOSSES
from keras_gans.models.base import AdversarialModel
from keras_gans.models.checks import fresh_seed, is_positive_int

# The priors p(z) of the papers: N(0, I), U[-1, 1] and U[0, 1] (CGAN's MLP, section 4.1).
LATENT_DISTRIBUTIONS = ("normal", "uniform", "unit_uniform")


class GANModel(AdversarialModel):
    """A model with a generator G: z -> image, z drawn from the paper's prior.

    Adds to `AdversarialModel` the latent space: `sample_latent` (for train steps,
    keyed on the step counter like every draw), `latent_vectors` and `generate` (a
    pure function of `seed`), and the sample grid.

    Class attributes:
        LATENT_DISTRIBUTION: the paper's prior p(z), one of `LATENT_DISTRIBUTIONS`:
            `"normal"` N(0, I), `"uniform"` U[-1, 1] or `"unit_uniform"` U[0, 1].
            An instance may set `self.latent_distribution` to another one.

    Args:
        image_shape: tuple `(height, width, channels)` of the images.
        latent_dim: int, dimension of the generator's input z.
        seed: int or None, see `AdversarialModel`.
    """

    NETWORKS = ("generator", "discriminator")
    OPTIMIZERS = {
        "generator_optimizer": ("generator",),
        "discriminator_optimizer": ("discriminator",),
    }
    TRACKERS = ("discriminator_loss", "generator_loss")
    LATENT_DISTRIBUTION = "normal"
    EMA_NETWORKS = ("generator",)
    DISCRIMINATORS = ("discriminator",)
    LOSSES = tuple(ADVERSARIAL_LOSSES)
    LOSS = "non_saturating"

    def __init__(self, image_shape, latent_dim, seed=None, **kwargs):
        super().__init__(image_shape=image_shape, seed=seed, **kwargs)
        check_latent_dim(latent_dim)
        # === Config ===
        self.latent_dim = int(latent_dim)
        self.latent_distribution = self.LATENT_DISTRIBUTION

    def _finish_init(self):
        super()._finish_init()
        inputs = getattr(self.generator, "inputs", None) or ()
        width = inputs[0].shape[-1] if inputs else None  # z is the first input
        if width is not None and width != self.latent_dim:
            raise ValueError(
                f"The generator takes z of dimension {width}, but latent_dim="
                f"{self.latent_dim}. Pass latent_dim={width}, or a generator whose "
                f"input z has dimension {self.latent_dim}."
            )

    def get_config(self):
        config = super().get_config()
        config["latent_dim"] = self.latent_dim
        return config

    def call(self, inputs, training=False):
        """Runs the generator: `model(z)` is `model.generator(z)`."""
        return self.generator(inputs, training=training)

    # ------------------------------------------------------------------ the prior

    def _from_uniform(self, z):
        # U[0, 1] is drawn as U[-1, 1] mapped by (z + 1) / 2, the form the presets
        # were trained with, so the same seeds keep giving the same vectors.
        return (z + 1.0) / 2.0 if self.latent_distribution == "unit_uniform" else z

    def sample_latent(self, batch_size, purpose):
        """A batch of z from the prior for this train step and replica (see
        `random_normal`: `purpose` names the draw)."""
        shape = (batch_size, self.latent_dim)
        if self.latent_distribution == "normal":
            return self.random_normal(shape, purpose)
        return self._from_uniform(self.random_uniform(shape, purpose, minval=-1.0, maxval=1.0))

    def latent_vectors(self, num_samples, seed):
        """`num_samples` latent vectors, a pure function of `seed`."""
        key = tf.constant([seed, zlib.crc32(b"generate")], dtype=tf.int64)
        shape = (num_samples, self.latent_dim)
        if self.latent_distribution == "normal":
            return tf.random.stateless_normal(shape, key)
        return self._from_uniform(
            tf.random.stateless_uniform(shape, key, minval=-1.0, maxval=1.0)
        )

    # ------------------------------------------------------------------ sampling

    def generate(self, num_samples, seed=None, batch_size=256, use_ema=True):
        """Draws `num_samples` images from the generator.

        Args:
            num_samples: int, how many images.
            seed: int or None. The same seed gives the same latent vectors, hence the
                same images from the same weights. `None` draws fresh vectors.
            batch_size: int, defaults to 256. How many images per generator call.
            use_ema: bool, defaults to True: the generator's moving average when the
                model keeps one (`ema_decay=`); False: the trained generator.

        Returns:
            float32 numpy array `(num_samples, *image_shape)` in [-1, 1].
        """
        if not is_positive_int(num_samples):
            raise ValueError(
                f"`num_samples` must be a positive int. Received: {num_samples!r}"
            )
        seed = fresh_seed() if seed is None else seed
        return self.run_generator(
            self.latent_vectors(int(num_samples), seed), batch_size=batch_size,
            use_ema=use_ema,
        )

    def run_generator(self, *inputs, batch_size=256, use_ema=True):
        """Runs the generator (or its average) in inference mode over `inputs`."""
        return self.run_in_batches(
            self.inference_network("generator", use_ema), list(inputs), batch_size=batch_size
        )

    def grid_samples(self, num_samples, seed):
        """The images a sample grid shows; conditional variants arrange them by class."""
        return self.generate(num_samples, seed=seed)



def check_latent_dim(latent_dim):
    if not is_positive_int(latent_dim):
        raise ValueError(f"`latent_dim` must be a positive int. Received: latent_dim={latent_dim}")
    return int(latent_dim)
