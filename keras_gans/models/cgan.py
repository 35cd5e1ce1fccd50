"""CGAN: Mirza & Osindero 2014, "Conditional Generative Adversarial Nets" (arXiv:1411.1784)."""

import keras
import numpy as np
from keras import ops

from keras_gans.models import checks
from keras_gans.models.cgan_networks import (
    DISCRIMINATOR_CONDITIONINGS,
    default_discriminator,
    default_generator,
)
from keras_gans.models.checks import (
    check_choice,
    check_image_shape,
    check_seed,
    fresh_seed,
    is_positive_int,
)
from keras_gans.models.gan import GAN, paper_sgd
from keras_gans.models.generative import check_latent_dim

ARCHITECTURES = ("dcgan", "mlp")


@keras.saving.register_keras_serializable(package="keras_gans")
class CGAN(GAN):
    """Conditional GAN (Mirza & Osindero 2014): G(z|y) and D(x|y).

    The class label y is fed to both networks as an extra input (section 3.2,
    equation 2): min_G max_D E[log D(x|y)] + E[log(1 - D(G(z|y)|y))]. Each train
    step is the GAN's Algorithm 1 with k = 1: the discriminator is updated on the
    real batch and on fakes generated for the *same labels*, then the generator on
    fresh noise for those labels, with the non-saturating loss -log D(G(z|y)|y).

    Two default architectures (the networks are in `cgan_networks.py`):

    - `"dcgan"` (default): the conditional DCGAN of Radford et al.'s own code
      (`mnist/train_cond_dcgan.py` in `dcgan_code`), the form the conditional DCGAN
      ports use. G takes concat(z, one_hot(y)); D takes the image plus
      `num_classes` constant one-hot channels, and the same channels are joined to
      its feature map after every stride-2 block, so y reaches D at every
      resolution. What is ours: y joins only G's input (their code joins it to
      every G layer too) and D flattens its last map straight into the logit (their
      code has a fully connected hidden layer); otherwise DCGAN's section 3 (no
      batch norm on D's input layer, LeakyReLU 0.2, N(0, 0.02) weights, tanh out).
      One-hot y cannot outweigh z as the learned 50-dim N(0, 1) label embedding of
      earlier versions could (their preset ignores z: pixel spread within a class
      0.15 against 0.49 across classes).
      Adam(2e-4, beta_1=0.5), z ~ U[-1, 1]^100, batch 128. The default because it
      is what people use CGAN for today and what gives recognisable Fashion-MNIST
      classes in minutes of CPU; the paper's MLP was its authors' "preliminary"
      setup. `discriminator_conditioning="projection"` replaces D's label channels
      by the projection discriminator of Miyato & Koyama 2018 (equation 3): logit =
      psi(phi(x)) + y^T V phi(x), phi the DCGAN discriminator's features.
    - `"mlp"`: the paper's MNIST networks of section 4.1 exactly as described:
      G: z -> 200 ReLU, y -> 1000 ReLU, joined -> 1200 ReLU -> image; D: x -> maxout
      240 x 5 pieces, y -> maxout 50 x 5, joined -> maxout 240 x 4 -> logit; dropout
      0.5; z ~ U[0, 1]^100 ("drawn from a uniform distribution within the unit
      hypercube"); SGD with learning rate 0.1 decayed by a factor 1.00004 per step and
      momentum "increased up to 0.7" from 0.5, minibatch 100. The paper gives no
      schedule for the momentum: ours is the GAN paper code's (`kg.GAN`: linear over
      updates 500 to 125,000, `kg.models.schedules.RampedMomentumSGD`). The paper
      also floors the rate at 1e-6 (after ~288k steps); ours does not floor.

    Every option of `kg.GAN`'s step carries over (`loss=`, `real_label=`,
    `discriminator_normalization=`, `shared_generator_pass=`): CGAN overrides only
    how the label enters the networks (`unpack_batch`, `generate_fakes`,
    `discriminate`).

    Fit on `(images, labels)` batches with int labels in [0, num_classes), e.g.
    `kg.data.load("fashion_mnist", with_labels=True)` or `fit(images, labels)`. Bad
    labels (missing, non-integer, one-hot, out of range, a different count than the
    images) raise a `ValueError` before any step.

    Args:
        image_shape: tuple `(height, width, channels)`, defaults to `(28, 28, 1)`.
        num_classes: int, defaults to 10.
        latent_dim: int, defaults to 100.
        architecture: `"dcgan"` (default) or `"mlp"` (the paper's section 4.1).
        filters: int, defaults to 64. Width of the `"dcgan"` networks.
        generator: optional `keras.Model` from `[z (batch, latent_dim), labels
            (batch, 1) int]` to images in [-1, 1].
        discriminator: optional `keras.Model` from `[images, labels (batch, 1) int]`
            to one logit each (no sigmoid).
        loss, real_label, discriminator_normalization: as `kg.GAN`
            (`kg.models.stabilisers`; `"spectral"` also normalizes the projection
            discriminator's class embedding, as Miyato & Koyama 2018 do).
        shared_generator_pass: bool, defaults to False (Algorithm 1), as `kg.GAN`.
        seed: int or None, see `GANModel`.
        discriminator_conditioning: `"concatenation"` (default: one-hot channels at
            every resolution) or `"projection"` (Miyato & Koyama 2018, equation 3);
            `"dcgan"` only. Ignored when `discriminator` is given.

    Examples:
    ```python
    import keras_gans as kg
    train = kg.data.load("fashion_mnist", batch_size=128, with_labels=True)
    model = kg.CGAN(image_shape=(28, 28, 1), num_classes=10, seed=0)
    model.compile()  # Adam(2e-4, beta_1=0.5) for both ("mlp": the paper's SGD)
    model.fit(train.take(20), epochs=1)
    model.generate(labels=[0, 1, 2], seed=0).shape  # (3, 28, 28, 1): a T-shirt, trousers, a pullover
    model.generate(20, seed=0)  # labels 0, 1, ..., 9, 0, 1, ...

    kg.CGAN(architecture="mlp")  # the paper's networks and optimizer
    kg.CGAN(discriminator_conditioning="projection")  # Miyato & Koyama's D
    ```
    """

    VARIANT = "cgan"
    INPUTS = "images_and_labels"
    CONDITIONAL = True
    LATENT_DISTRIBUTION = "uniform"
    DEFAULT_BATCH_SIZE = 128  # DCGAN's; pass --batch-size 100 for the paper's "mlp"

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        latent_dim=100,
        architecture="dcgan",
        filters=64,
        generator=None,
        discriminator=None,
        seed=None,
        discriminator_conditioning="concatenation",
        **kwargs,
    ):
        image_shape, latent_dim, seed = (
            check_image_shape(image_shape), check_latent_dim(latent_dim), check_seed(seed)
        )
        if not is_positive_int(num_classes) or num_classes < 2:
            raise ValueError(
                f"`num_classes` must be an int >= 2. Received: num_classes={num_classes!r}"
            )
        check_choice("architecture", architecture, ARCHITECTURES)
        check_discriminator_conditioning(discriminator_conditioning, architecture)
        if generator is None:
            generator = default_generator(
                architecture, image_shape, latent_dim, num_classes, filters, seed=seed
            )
        if discriminator is None:
            discriminator = default_discriminator(
                architecture, discriminator_conditioning, image_shape, num_classes, filters,
                seed=seed + 1,
            )
        super().__init__(
            image_shape=image_shape, latent_dim=latent_dim, generator=generator,
            discriminator=discriminator, seed=seed, **kwargs,
        )
        # === Config ===
        self.num_classes = int(num_classes)
        self.architecture = architecture
        self.filters = filters
        self.discriminator_conditioning = discriminator_conditioning
        if architecture == "mlp":
            # Section 4.1: "drawn from a uniform distribution within the unit hypercube".
            self.latent_distribution = "unit_uniform"

    def default_optimizer(self):
        if self.architecture == "mlp":
            return paper_sgd(decay_per_step=1.00004)
        return keras.optimizers.Adam(2e-4, beta_1=0.5)

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes, architecture=self.architecture, filters=self.filters,
            discriminator_conditioning=self.discriminator_conditioning,
        )
        return config

    # ------------------------------------------------------------------ conditioning

    def unpack_batch(self, data):
        """`(images, labels)` batches; the labels as `(batch, 1)` int32."""
        real, labels = data
        return real, ops.reshape(ops.cast(labels, "int32"), (-1, 1))

    def generate_fakes(self, z, labels, training=True):
        """G(z|y) (equation 2): fakes generated for the given labels."""
        return self.generator([z, labels], training=training)

    def discriminate(self, images, labels, training=True):
        """D(x|y): real pairs and fake pairs are scored with the same labels."""
        return self.discriminator([images, labels], training=training)

    # ------------------------------------------------------------------ sampling

    def generate(self, num_samples=None, labels=None, seed=None, batch_size=256,
                 use_ema=True):
        """Draws images of the given classes.

        Args:
            num_samples: int or None. Without `labels`, that many images of classes
                0, 1, ..., num_classes - 1, 0, 1, ... in turn. With `labels`, it must
                be None or `len(labels)`.
            labels: int array-like of shape `(n,)` in [0, num_classes), or None. One
                image per label.
            seed: int or None. The same seed gives the same latent vectors (vector i
                depends on (seed, i) only), hence the same images for the same labels.
            batch_size: int, defaults to 256.
            use_ema: bool, defaults to True: the generator's moving average when the
                model keeps one (`ema_decay=`).

        Returns:
            float32 numpy array `(n, *image_shape)` in [-1, 1].
        """
        if labels is None:
            if num_samples is None:
                raise ValueError(
                    "CGAN.generate needs `labels` (one image per label) or `num_samples` "
                    "(classes in turn). Received neither."
                )
            if not isinstance(num_samples, (int, np.integer)) or num_samples <= 0:
                raise ValueError(
                    f"`num_samples` must be a positive int. Received: {num_samples!r}"
                )
            labels = np.arange(int(num_samples)) % self.num_classes
        else:
            labels = self.check_labels(labels, what="generate(labels=...)")
            if num_samples is not None and num_samples != len(labels):
                raise ValueError(
                    f"`num_samples`={num_samples!r} disagrees with the {len(labels)} labels "
                    "given; pass one of them."
                )
        if len(labels) == 0:
            raise ValueError("`labels` is empty: nothing to generate.")
        seed = fresh_seed() if seed is None else seed
        z = self.latent_vectors(len(labels), seed)
        labels = ops.convert_to_tensor(labels.reshape(-1, 1).astype("int32"))
        return self.run_generator(z, labels, batch_size=batch_size, use_ema=use_ema)

    def grid_samples(self, num_samples, seed):
        """One row per class, `num_classes` images per row (the grid is square).

        The grid's column count is ceil(sqrt(n)), so rows align with classes only
        for n = num_classes**2; that many images are drawn whatever `num_samples` is
        (100 for 10 classes). With more than 16 classes the grid has `num_samples`
        images of classes 0, 1, ... in turn instead.
        """
        if self.num_classes > 16:
            return self.generate(num_samples, seed=seed)
        labels = np.repeat(np.arange(self.num_classes), self.num_classes)
        return self.generate(labels=labels, seed=seed)

    # ------------------------------------------------------------------ input checks

    def check_batch(self, batch):
        name = type(self).__name__
        images, labels = checks.pair(
            batch, name,
            f"{name} is class-conditional and trains on (images, labels) batches, but "
            "received {received}: the labels are missing. Load them with "
            "kg.data.load(..., with_labels=True), or call fit(images, labels).",
        )
        self.check_images(images)
        self.check_labels(labels, count=len(images))

    def check_labels(self, labels, count=None, what="labels"):
        """Returns `labels` as an int64 vector, or raises `ValueError` saying what is wrong."""
        return checks.check_labels(
            labels, self.num_classes, type(self).__name__, count=count, what=what
        )


def check_discriminator_conditioning(discriminator_conditioning, architecture):
    """Raises `ValueError` unless the conditioning is known and suits `architecture`."""
    check_choice("discriminator_conditioning", discriminator_conditioning,
                 DISCRIMINATOR_CONDITIONINGS)
    if discriminator_conditioning == "projection" and architecture != "dcgan":
        raise ValueError(
            "discriminator_conditioning='projection' is built on the DCGAN "
            "discriminator; the 'mlp' networks are the paper's, with y through its own "
            f"hidden layer. Received: architecture={architecture!r}"
        )
