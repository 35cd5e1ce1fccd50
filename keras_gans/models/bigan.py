"""BiGAN: Donahue, Krähenbühl & Darrell 2016, "Adversarial Feature Learning"
(arXiv:1605.09782), the same model as ALI (Dumoulin et al. 2016); with the option of the
BigBiGAN discriminator of Donahue & Simonyan 2019, "Large Scale Adversarial
Representation Learning" (arXiv:1907.02544)."""

import keras
import numpy as np
from keras import ops

from keras_gans import losses
from keras_gans.models.bigan_networks import (
    ARCHITECTURES,
    DISCRIMINATOR_TYPES,
    HIDDEN_UNITS,
    check_discriminator_dropout,
    default_builders,
    with_dropout_rate,
)
from keras_gans.models.checks import check_choice, check_image_shape, check_seed
from keras_gans.models.generative import GANModel, check_latent_dim
from keras_gans.models.schedules import ConstantThenExponentialDecay


@keras.saving.register_keras_serializable(package="keras_gans")
class BiGAN(GANModel):
    """BiGAN (Donahue et al. 2016) = ALI: an encoder E learned adversarially with G.

    The discriminator sees pairs: (x, E(x)) for data and (G(z), z) for noise, and
    tells them apart (section 3, eq. 2): min_{G,E} max_D E_x[log D(x, E(x))] +
    E_z[log(1 - D(G(z), z))]. At the optimum E inverts G (section 3.2), so E(x) is a
    feature of x learned without labels. Each train step (section 3.4):

    1. Update D on the real pairs (x, E(x)) and generated pairs (G(z), z).
    2. Update E and G *together*, with one optimizer (the `generator_optimizer`, over
       both networks' variables), on fresh noise, with the paper's "inverse"
       objective: the labels flipped, -log(1 - D(x, E(x))) - log D(G(z), z).

    Defaults follow the paper's permutation-invariant MNIST setting (section 4.1):
    z ~ U[-1, 1]^50, MLPs of two hidden layers of 1024 units for E, G and D, Adam
    (2e-4, beta_1 = 0.5), batch 128. The layer details (leaky ReLU 0.2 in E and D,
    batch norm on the second hidden layer of E and G, none in D, weights N(0, 0.02))
    are ours. The learning rate follows the paper's schedule (appendix C; the authors'
    `train_gan.py`, whose MNIST script trains 200 epochs at 2e-4 and 200 more while
    the rate decays): constant for the first half of the run, then an exponential decay
    to 1/100 of it (`lr_decay_fraction`, `kg.models.schedules.
    ConstantThenExponentialDecay`, whose length `fit` sets from epochs x steps). The
    paper's L2 weight decay of 2.5e-5 is not applied.

    `architecture="dcgan"` uses convolutional networks instead, as the paper does
    for images beyond MNIST (section 4.2: a DCGAN generator, a convolutional encoder):
    G is kg.DCGAN's generator, E kg.DCGAN's discriminator trunk (batch norm) ending in
    a linear code, and D joins the same trunk's features of x (no normalization) to z
    (`kg.models.bigan_networks`). On Fashion-MNIST its encoder learns far more than the
    MLP's (docs/variants.md).

    `discriminator_type="bigbigan"` uses the discriminator of BigBiGAN (Donahue &
    Simonyan 2019, section 2): unary scores s_x and s_z and a joint score s_xz, each
    with the hinge loss, summed for D (l_D), and l_EG = y (s_x + s_z + s_xz) for E
    and G (y = +1 on encoder pairs, -1 on generator pairs). The unary terms keep G
    and E learning from x and z alone when the joint score is still uninformative.

    Args:
        image_shape: tuple `(height, width, channels)`, defaults to `(28, 28, 1)`.
        latent_dim: int, defaults to 50 (the paper's MNIST).
        architecture: `"mlp"` (default, the paper's MNIST networks) or `"dcgan"`
            (convolutional, see above).
        discriminator_type: `"bigan"` (default, one joint logit) or `"bigbigan"`.
        units: int, defaults to 1024. Width of the default MLPs (with `"dcgan"`:
            of D's layers after the pair is joined).
        discriminator_dropout: float in [0, 1), defaults to 0 (none, as the BiGAN
            paper). ALI's dropout in the default D (Dumoulin et al. 2017, appendix A,
            0.2 there): after each of D's hidden layers and on z, with masks that are
            saved and exact under tf.distribute (`kg.models.layers.StatelessDropout`).
            Beyond the BiGAN paper; on Fashion-MNIST it let the encoder learn more
            (docs/variants.md). With a `discriminator=`, that D must hold such
            dropout layers of this rate; a file's or a preset's D loaded with another
            rate (`--continue-from PRESET --option discriminator_dropout=0.4`) takes
            it (`from_config`).
        filters: int, defaults to 64. With `"dcgan"`: as kg.DCGAN's `filters`.
        generator: optional `keras.Model` from `(batch, latent_dim)` to images in [-1, 1].
        encoder: optional `keras.Model` from images to `(batch, latent_dim)`.
        discriminator: optional `keras.Model` from `[images, z]` to logits `(batch, k)`:
            k = 1 for `"bigan"`, any k (the heads are summed) for `"bigbigan"`.
        seed: int or None, see `GANModel`.
        loss: None (the papers': `"non_saturating"`, the inverse objective of section
            3.4, for `"bigan"`; `"hinge"` for `"bigbigan"`), or one of the family
            (`kg.models.stabilisers`), applied with the labels flipped for E.
        real_label, discriminator_normalization: the stabilisers, as `kg.GAN`.
        lr_decay_fraction: float in [0, 1], defaults to 0.5 (the paper's second
            half). The share of the steps of a `fit` (or of `set_total_steps`) over
            which the default optimizers' rate decays from 2e-4 to 2e-6; 0 keeps it
            at 2e-4 (this class before 2026-12-07). Only the optimizers `compile()`
            builds; yours are used as given.

    Examples:
    ```python
    import keras_gans as kg
    train = kg.data.load("fashion_mnist", batch_size=128)
    model = kg.BiGAN(image_shape=(28, 28, 1), latent_dim=50, seed=0)
    model.compile()  # Adam(2e-4, beta_1=0.5): D, and E with G; decay in the 2nd half
    model.fit(train.take(20), epochs=1)
    images = next(iter(train))
    model.encode(images).shape       # (128, 50): the learned features
    model.reconstruct(images).shape  # (128, 28, 28, 1): G(E(x))

    kg.BiGAN(discriminator_type="bigbigan")  # unary + joint scores
    kg.BiGAN(architecture="dcgan")           # convolutional E, G and D
    ```
    """

    NETWORKS = ("generator", "encoder", "discriminator")
    OPTIMIZERS = {
        # E and G are trained together against D (section 3.4): one optimizer.
        "generator_optimizer": ("generator", "encoder"),
        "discriminator_optimizer": ("discriminator",),
    }
    VARIANT = "bigan"
    LATENT_DISTRIBUTION = "uniform"
    EMA_NETWORKS = ("generator", "encoder")
    DEFAULT_BATCH_SIZE = 128

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=50,
        architecture="mlp",
        discriminator_type="bigan",
        units=HIDDEN_UNITS,
        filters=64,
        discriminator_dropout=0.0,
        generator=None,
        encoder=None,
        discriminator=None,
        seed=None,
        loss=None,
        lr_decay_fraction=0.5,
        **kwargs,
    ):
        image_shape, latent_dim, seed = (
            check_image_shape(image_shape), check_latent_dim(latent_dim), check_seed(seed)
        )
        check_choice("architecture", architecture, ARCHITECTURES)
        check_choice("discriminator_type", discriminator_type, DISCRIMINATOR_TYPES)
        units, filters = int(units), int(filters)
        discriminator_dropout = float(discriminator_dropout)
        if not 0 <= discriminator_dropout < 1:
            raise ValueError("`discriminator_dropout` must be in [0, 1) (0 = none; ALI "
                             f"uses 0.2). Received: {discriminator_dropout}")
        if not isinstance(lr_decay_fraction, (int, float)) or not 0 <= lr_decay_fraction <= 1:
            raise ValueError("`lr_decay_fraction` must be a float in [0, 1] (0.5: the "
                             f"paper's; 0: no decay). Received: {lr_decay_fraction!r}")
        if loss is None:  # BigBiGAN's paper uses the hinge loss
            loss = "hinge" if discriminator_type == "bigbigan" else "non_saturating"
        super().__init__(image_shape=image_shape, latent_dim=latent_dim, seed=seed,
                         loss=loss, **kwargs)
        # === Config ===
        self.architecture = architecture
        self.discriminator_type = discriminator_type
        self.units = units
        self.filters = filters
        self.discriminator_dropout = discriminator_dropout
        self.lr_decay_fraction = float(lr_decay_fraction)
        # === Layers ===
        builders = default_builders(image_shape, latent_dim, architecture,
                                    discriminator_type, units, filters, seed,
                                    discriminator_dropout)
        self.generator = generator or builders["generator"]()
        self.encoder = encoder or builders["encoder"]()
        if discriminator is not None and discriminator_dropout:
            check_discriminator_dropout(discriminator, discriminator_dropout)
        self.discriminator = self.normalize_discriminator(
            discriminator or builders["discriminator"]())
        self._finish_init()

    def default_optimizer(self):
        if not self.lr_decay_fraction:
            return keras.optimizers.Adam(2e-4, beta_1=0.5)
        schedule = ConstantThenExponentialDecay(2e-4, decay_fraction=self.lr_decay_fraction)
        return keras.optimizers.Adam(schedule, beta_1=0.5)

    def get_config(self):
        config = super().get_config()
        config.update(architecture=self.architecture, discriminator_type=self.discriminator_type,
                      units=self.units, filters=self.filters,
                      discriminator_dropout=self.discriminator_dropout,
                      lr_decay_fraction=self.lr_decay_fraction)
        return config

    @classmethod
    def from_config(cls, config):
        """As `GANModel.from_config`; a `discriminator_dropout` above 0 also sets the
        rate of the serialized D's dropout layers (`with_dropout_rate`), so a preset or
        a run's file continues under a changed rate instead of being refused. At 0 a D
        keeps its own dropout layers (as a D passed in with `discriminator_dropout=0`)."""
        rate, network = config.get("discriminator_dropout"), config.get("discriminator")
        if rate and isinstance(network, dict):
            config = {**config, "discriminator": with_dropout_rate(network, rate)}
        return super().from_config(config)

    # ------------------------------------------------------------------ losses

    def discriminator_losses(self, real_scores, fake_scores):
        """Per-example loss of D on scores of encoder pairs and generator pairs, the
        score heads summed (BigBiGAN's l_D)."""
        return self.discriminator_loss(real_scores, fake_scores, reduction="sum")

    def encoder_generator_losses(self, real_scores, fake_scores):
        """Per-example loss of E and G on the same scores (`kg.losses.encoder_generator_loss`)."""
        return losses.encoder_generator_loss(real_scores, fake_scores, self.loss_name)

    # ------------------------------------------------------------------ training

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        batch_size = ops.shape(real)[0]

        # Update D on (x, E(x)) against (G(z), z).
        z = self.sample_latent(batch_size, "discriminator_step")
        encoded = self.encoder(real, training=True)
        fake = self.generator(z, training=True)
        discriminator_loss = self.apply_update(
            "discriminator_optimizer",
            lambda: self.discriminator_losses(
                self.discriminator([real, encoded], training=True),
                self.discriminator([fake, z], training=True),
            ),
        )

        # Update E and G together, on fresh noise.
        z = self.sample_latent(batch_size, "generator_step")
        generator_loss = self.apply_update(
            "generator_optimizer",
            lambda: self.encoder_generator_losses(
                self.discriminator([real, self.encoder(real, training=True)], training=True),
                self.discriminator([self.generator(z, training=True), z], training=True),
            ),
        )
        return self.finish_step(
            discriminator_loss=discriminator_loss, generator_loss=generator_loss
        )

    # ------------------------------------------------------------------ features

    def encode(self, images, batch_size=256, use_ema=True):
        """E(x): float32 numpy `(n, latent_dim)` for images `(n, *image_shape)` in [-1, 1].

        `use_ema`: the encoder's moving average when the model keeps one (`ema_decay=`).
        """
        images = np.asarray(images)
        self.check_images(images)
        return self.run_in_batches(
            self.inference_network("encoder", use_ema), images.astype("float32"),
            batch_size=batch_size, clip=False,
        )

    def reconstruct(self, images, batch_size=256, use_ema=True):
        """G(E(x)): float32 numpy images of the input's shape, in [-1, 1]."""
        return self.run_generator(
            ops.convert_to_tensor(self.encode(images, batch_size, use_ema=use_ema)),
            batch_size=batch_size, use_ema=use_ema,
        )

    def score(self, images, z):
        """D's scores of the pairs (images, z), `(n, heads)` float32 numpy (inference)."""
        return ops.convert_to_numpy(ops.cast(self.discriminator(
            [ops.convert_to_tensor(np.asarray(images, "float32")),
             ops.convert_to_tensor(np.asarray(z, "float32"))], training=False), "float32"))
