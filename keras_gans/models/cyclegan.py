"""CycleGAN: Zhu, Park, Isola & Efros 2017, "Unpaired Image-to-Image Translation using
Cycle-Consistent Adversarial Networks" (arXiv:1703.10593)."""

import keras
import numpy as np
from keras import layers, ops

from keras_gans import distribute, losses
from keras_gans.models.checks import check_image_shape, check_seed
from keras_gans.models.layers import (
    ImageHistoryPool,
    LayerSeeds,
    ReflectionPadding2D,
    instance_norm,
)
from keras_gans.models.schedules import ConstantThenLinearDecay
from keras_gans.models.translator import Translator


def default_residual_blocks(image_shape):
    """Appendix 7.2: 6 blocks for 128x128 training images, 9 for 256x256 and above.

    Below 128 px (e.g. 28x28 Fashion-MNIST, a 7x7 map after two down-samplings) we use
    3: the paper gives no setting for small images, and 3 blocks of 3x3 convolutions
    on a 7x7 map already see the whole image.
    """
    side = min(image_shape[:2])
    return 9 if side >= 256 else 6 if side >= 128 else 3


def default_generator_filters(image_shape):
    """64 (the paper's c7s1-64) from 64 px up; 32 below, to train on a CPU in minutes."""
    return 64 if min(image_shape[:2]) >= 64 else 32


def default_discriminator_layers(image_shape):
    """Stride-2 layers of the PatchGAN: 3 gives the paper's 70x70 patches (used from
    128 px up), 2 gives 34x34 patches (used below). On 28x28 Fashion-MNIST a 16x16
    patch (1 layer) cannot see the silhouette that tells a sneaker from an ankle
    boot: with it 92.8% / 88.4% of the translations were classified as the target
    after 10 epochs, with 34x34 patches (each sees the whole image) 98.2% / 96.2%
    after 2 (docs/variants.md)."""
    return 3 if min(image_shape[:2]) >= 128 else 2


def patch_size(discriminator_layers):
    """The receptive field of one PatchGAN output: 16, 34, 70, 142 for 1, 2, 3, 4 layers."""
    field = 4  # the last 4x4 convolution, stride 1
    field = field + 3  # the stride-1 C layer before it
    for _ in range(discriminator_layers):
        field = (field - 1) * 2 + 4
    return field


def build_resnet_generator(image_shape, filters=64, residual_blocks=9, seed=None, name="generator"):
    """Appendix 7.2: c7s1-64, d128, d256, R256 x n, u128, u64, c7s1-3.

    c7s1-k: 7x7 convolution, stride 1, instance norm, ReLU, after a reflection
    padding of 3. dk: 3x3 convolution, stride 2, instance norm, ReLU. Rk: a residual
    block of two reflection-padded 3x3 convolutions with instance norm (ReLU between
    them, none after the sum, as in the authors' code). uk: 3x3 fractionally-strided
    convolution, stride 1/2, instance norm, ReLU. The last c7s1 layer has no norm and
    ends in tanh. Weights ~ N(0, 0.02) (section 7.1); convolutions before an
    instance norm have no bias (its offset replaces it).
    """
    height, width, channels = image_shape
    if height % 4 or width % 4:
        raise ValueError(
            "The default CycleGAN generator halves the image twice and doubles it back, "
            f"so height and width must be multiples of 4. Received: image_shape="
            f"{tuple(image_shape)}. Resize the data or pass your own generators."
        )
    seeds = LayerSeeds(seed)

    def conv(x, units, kernel, strides=1, **kwargs):
        return layers.Conv2D(
            units, kernel, strides=strides, use_bias=False,
            kernel_initializer=seeds.normal(0.02), **kwargs,
        )(x)

    images = keras.Input(image_shape, name="images")
    x = ReflectionPadding2D(3)(images)
    x = layers.ReLU()(instance_norm()(conv(x, filters, 7)))
    for step in (1, 2):  # d128, d256
        x = layers.ZeroPadding2D(1)(x)
        x = layers.ReLU()(instance_norm()(conv(x, filters * 2**step, 3, strides=2)))
    for _ in range(residual_blocks):  # R256
        y = ReflectionPadding2D(1)(x)
        y = layers.ReLU()(instance_norm()(conv(y, filters * 4, 3)))
        y = ReflectionPadding2D(1)(y)
        y = instance_norm()(conv(y, filters * 4, 3))
        x = layers.Add()([x, y])
    for step in (1, 0):  # u128, u64
        x = layers.Conv2DTranspose(
            filters * 2**step, 3, strides=2, padding="same", use_bias=False,
            kernel_initializer=seeds.normal(0.02),
        )(x)
        x = layers.ReLU()(instance_norm()(x))
    x = ReflectionPadding2D(3)(x)
    outputs = layers.Conv2D(
        channels, 7, activation="tanh", kernel_initializer=seeds.normal(0.02),
        dtype="float32",
    )(x)
    return keras.Model(images, outputs, name=name)


def build_patchgan_discriminator(image_shape, filters=64, discriminator_layers=3, seed=None,
                                 name="discriminator"):
    """Appendix 7.2: the 70x70 PatchGAN C64-C128-C256-C512, then a 1-channel convolution.

    Ck: 4x4 convolution, instance norm, LeakyReLU(0.2); no norm on C64. The paper
    writes stride 2 for every Ck, but a 70x70 receptive field (the size it names,
    from pix2pix) needs C512 and the last convolution at stride 1, which is what the
    authors' code does; we follow the code here because it is what makes the paper's
    "70x70" true. `discriminator_layers` = the number of stride-2 layers (3 in the
    paper); each output scores one `patch_size(discriminator_layers)`-pixel patch.
    Outputs raw scores (least-squares loss, no sigmoid), in float32.
    """
    seeds = LayerSeeds(seed)
    images = keras.Input(image_shape, name="images")
    x = images
    for index in range(discriminator_layers + 1):
        last = index == discriminator_layers
        x = layers.ZeroPadding2D(1)(x)
        x = layers.Conv2D(
            filters * min(2**index, 8), 4, strides=1 if last else 2, use_bias=index == 0,
            kernel_initializer=seeds.normal(0.02),
        )(x)
        if index > 0:
            x = instance_norm()(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.ZeroPadding2D(1)(x)
    scores = layers.Conv2D(1, 4, kernel_initializer=seeds.normal(0.02), dtype="float32")(x)
    return keras.Model(images, scores, name=name)


@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(Translator):
    """CycleGAN (Zhu et al. 2017): unpaired translation G: A -> B and F: B -> A.

    Each train step takes a batch of images a from domain A and an unrelated batch b
    from domain B and does what the authors' code does, in this order:

    1. Update G and F together (one optimizer) on the full objective of section 3.3,
       with the least-squares adversarial loss of section 4:
       (D_B(G(a)) - 1)^2 + (D_A(F(b)) - 1)^2
       + cycle_weight * (|F(G(a)) - a| + |G(F(b)) - b|)          (eq. 2, lambda = 10)
       + identity_weight * (|G(b) - b| + |F(a) - a|)            (eq. 6, 0.5 lambda)
       with |.| the mean absolute error over pixels (the scale of the code's
       `nn.L1Loss`, for which lambda = 10 was chosen; the paper writes an L1 norm).
    2. Update D_A and D_B together (one optimizer; their losses do not interact) on
       1/2 [(D(real) - 1)^2 + D(fake)^2] each (section 4: "we divide the objective by
       2 while optimizing D"), where the fakes come from a history pool of the last
       `pool_size` = 50 generated images per domain (`ImageHistoryPool`).

    Networks (appendix 7.2): the ResNet generator with reflection padding and
    instance norm (9 residual blocks at 256 px, 6 at 128 px, 3 below; see
    `default_residual_blocks`) and the PatchGAN discriminator (70x70 patches from 128
    px up, smaller below; see `default_discriminator_layers`). Optimizers (section
    7.1): Adam(2e-4, beta_1=0.5) with the learning rate constant for the first half
    of training and decaying linearly to zero over the second half
    (`ConstantThenLinearDecay`, whose length `fit` sets from epochs x steps). The
    paper's batch size is 1 (`DEFAULT_BATCH_SIZE`); instance norm makes larger
    batches behave the same per image.

    The identity term is the paper's option for photo <-> painting tasks (section
    5.2); the issue asks for it by default, at the weight the paper gives it. Pass
    `identity_weight=0` for the plain objective of eq. 3.

    Fit on `(images_a, images_b)` batches: `kg.data.load_unpaired(...)`, a zipped
    pair of datasets, or `fit(images_a, images_b)`. Images alone, `(images,
    labels)`, or domains of different shapes raise a `ValueError` before any step.

    Args:
        image_shape: tuple `(height, width, channels)` of both domains, defaults to
            `(28, 28, 1)`; sides must be multiples of 4 for the default generators.
        cycle_weight: float, defaults to 10 (the paper's lambda).
        identity_weight: float or None. Defaults to None = 0.5 * cycle_weight.
        pool_size: int, defaults to 50. Generated images kept per domain; 0 feeds the
            discriminators the latest fakes.
        generator_filters: int or None, channels of the first generator layer; None
            = `default_generator_filters(image_shape)`.
        residual_blocks: int or None; None = `default_residual_blocks(image_shape)`.
        discriminator_filters: int, defaults to 64 (C64).
        discriminator_layers: int or None; None =
            `default_discriminator_layers(image_shape)`.
        generator_a_to_b, generator_b_to_a: optional `keras.Model`s from images to
            images in [-1, 1] of the same shape.
        discriminator_a, discriminator_b: optional `keras.Model`s from images to raw
            scores (any shape `(batch, ...)`, e.g. a patch map; no sigmoid).
            `discriminator_a` judges domain A (real a against F(b)).
        seed: int or None, see `GANModel`.
        loss, real_label, discriminator_normalization: the stabilisers
            (`kg.models.stabilisers`); `loss` defaults to the paper's
            `"least_squares"`. With `"spectral"` or `"gradient"` the PatchGANs lose
            their instance norm.

    Examples:
    ```python
    import keras_gans as kg
    train = kg.data.load_unpaired("fashion_mnist_sneaker2boot", batch_size=16)
    model = kg.CycleGAN(image_shape=(28, 28, 1), seed=0)
    model.compile()  # Adam(2e-4, beta_1=0.5), constant then linear decay to zero
    model.fit(train.take(20), epochs=2)
    images_a, images_b = next(iter(train))
    boots = model.translate(images_a, direction="a_to_b")  # (16, 28, 28, 1) in [-1, 1]

    # 256x256 RGB, the paper's networks (9 blocks, 70x70 PatchGAN):
    kg.CycleGAN(image_shape=(256, 256, 3))
    ```
    """

    NETWORKS = ("generator_a_to_b", "generator_b_to_a", "discriminator_a", "discriminator_b")
    OPTIMIZERS = {
        "generator_optimizer": ("generator_a_to_b", "generator_b_to_a"),
        "discriminator_optimizer": ("discriminator_a", "discriminator_b"),
    }
    TRACKERS = ("discriminator_loss", "generator_loss", "cycle_loss", "identity_loss")
    VARIANT = "cyclegan"
    DEFAULT_BATCH_SIZE = 1  # section 7.1
    DISCRIMINATORS = ("discriminator_a", "discriminator_b")
    LOSSES = tuple(losses.ADVERSARIAL_LOSSES)
    LOSS = "least_squares"  # section 4

    def __init__(
        self,
        image_shape=(28, 28, 1),
        cycle_weight=10.0,
        identity_weight=None,
        pool_size=50,
        generator_filters=None,
        residual_blocks=None,
        discriminator_filters=64,
        discriminator_layers=None,
        generator_a_to_b=None,
        generator_b_to_a=None,
        discriminator_a=None,
        discriminator_b=None,
        seed=None,
        **kwargs,
    ):
        image_shape, seed = check_image_shape(image_shape), check_seed(seed)
        for name, value in (("cycle_weight", cycle_weight), ("identity_weight", identity_weight)):
            if value is not None and (not isinstance(value, (int, float, np.floating))
                                      or value < 0):
                raise ValueError(
                    f"`{name}` must be a float >= 0. Received: {name}={value!r}"
                )
        if not isinstance(pool_size, (int, np.integer)) or pool_size < 0:
            raise ValueError(f"`pool_size` must be an int >= 0. Received: pool_size={pool_size!r}")
        super().__init__(image_shape=image_shape, seed=seed, **kwargs)
        # === Config ===
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = (
            0.5 * self.cycle_weight if identity_weight is None else float(identity_weight)
        )
        self.pool_size = int(pool_size)
        self.generator_filters = generator_filters or default_generator_filters(image_shape)
        self.residual_blocks = (
            default_residual_blocks(image_shape) if residual_blocks is None
            else int(residual_blocks)
        )
        self.discriminator_filters = int(discriminator_filters)
        self.discriminator_layers = discriminator_layers or default_discriminator_layers(
            image_shape
        )
        # === Layers ===
        self.generator_a_to_b = generator_a_to_b or self._default_generator(
            seed, "generator_a_to_b")
        self.generator_b_to_a = generator_b_to_a or self._default_generator(
            seed + 1, "generator_b_to_a")
        self.discriminator_a = self.normalize_discriminator(
            discriminator_a or self._default_discriminator(seed + 2, "discriminator_a"))
        self.discriminator_b = self.normalize_discriminator(
            discriminator_b or self._default_discriminator(seed + 3, "discriminator_b"))
        # Fakes of domain A (from F) feed D_A, fakes of domain B (from G) feed D_B.
        self.pool_a = ImageHistoryPool(self.pool_size, image_shape, name="pool_a")
        self.pool_b = ImageHistoryPool(self.pool_size, image_shape, name="pool_b")
        self._finish_init()

    def _default_generator(self, seed, name):
        return build_resnet_generator(
            self.image_shape, self.generator_filters, self.residual_blocks, seed=seed, name=name
        )

    def _default_discriminator(self, seed, name):
        return build_patchgan_discriminator(
            self.image_shape, self.discriminator_filters, self.discriminator_layers,
            seed=seed, name=name,
        )

    def default_optimizer(self):
        return keras.optimizers.Adam(ConstantThenLinearDecay(2e-4), beta_1=0.5)

    def get_config(self):
        config = super().get_config()
        config.update(
            cycle_weight=self.cycle_weight,
            identity_weight=self.identity_weight,
            pool_size=self.pool_size,
            generator_filters=self.generator_filters,
            residual_blocks=self.residual_blocks,
            discriminator_filters=self.discriminator_filters,
            discriminator_layers=self.discriminator_layers,
        )
        return config

    # ------------------------------------------------------------------ training

    def generator_losses(self, real_a, real_b, training=False):
        """The per-example terms of the generators' objective (section 3.3, eqs. 1-3, 6).

        Returns:
            dict of `(batch,)` tensors: `adversarial` (least squares, both
            directions), `cycle` (|F(G(a)) - a| + |G(F(b)) - b|), `identity`
            (|G(b) - b| + |F(a) - a|) and `total` = adversarial + cycle_weight *
            cycle + identity_weight * identity; plus the translations `fake_a` = F(b)
            and `fake_b` = G(a).
        """
        fake_b = self.generator_a_to_b(real_a, training=training)
        fake_a = self.generator_b_to_a(real_b, training=training)
        adversarial = self.generator_loss(
            self.discriminator_b(fake_b, training=training)
        ) + self.generator_loss(self.discriminator_a(fake_a, training=training))
        cycle = losses.mean_absolute_error(
            real_a, self.generator_b_to_a(fake_b, training=training)
        ) + losses.mean_absolute_error(real_b, self.generator_a_to_b(fake_a, training=training))
        terms = {"adversarial": adversarial, "cycle": cycle, "fake_a": fake_a, "fake_b": fake_b}
        total = adversarial + self.cycle_weight * cycle
        if self.identity_weight:
            identity = losses.mean_absolute_error(
                real_b, self.generator_a_to_b(real_b, training=training)
            ) + losses.mean_absolute_error(real_a, self.generator_b_to_a(real_a, training=training))
            total = total + self.identity_weight * identity
        else:  # not computed: two generator passes saved
            identity = ops.zeros_like(cycle)
        terms.update(identity=identity, total=total)
        return terms

    def discriminator_losses(self, real_a, real_b, fake_a, fake_b, training=False):
        """Per-example 1/2 [(D(real) - 1)^2 + D(fake)^2], summed over D_A and D_B."""
        return 0.5 * (
            self.discriminator_loss(
                self.discriminator_a(real_a, training=training),
                self.discriminator_a(fake_a, training=training),
            )
            + self.discriminator_loss(
                self.discriminator_b(real_b, training=training),
                self.discriminator_b(fake_b, training=training),
            )
        )

    def train_step(self, data):
        real_a, real_b = data
        terms = {}

        def generator_loss():
            terms.update(self.generator_losses(real_a, real_b, training=True))
            return terms["total"]

        generator_loss = self.apply_update("generator_optimizer", generator_loss)

        # The discriminators see fakes from the history pools, not only the latest.
        fake_a = self.query_pool(self.pool_a, terms["fake_a"], "pool_a")
        fake_b = self.query_pool(self.pool_b, terms["fake_b"], "pool_b")
        discriminator_loss = self.apply_update(
            "discriminator_optimizer",
            lambda: self.discriminator_losses(real_a, real_b, fake_a, fake_b, training=True),
        )
        return self.finish_step(
            discriminator_loss=discriminator_loss,
            generator_loss=generator_loss,
            cycle_loss=ops.mean(terms["cycle"]),
            identity_loss=ops.mean(terms["identity"]),
        )

    def query_pool(self, pool, images, purpose):
        """`pool.query` on the global batch, so N replicas update it as one device would
        (every replica makes the same update from the same stateless draw)."""
        key = self._draw_key(purpose)
        return distribute.on_global_batch(
            lambda everyone: pool.query(everyone, key), ops.cast(images, "float32")
        )
