"""GAN: Goodfellow et al. 2014, "Generative Adversarial Nets" (arXiv:1406.2661)."""

import math

import keras
import tensorflow as tf
from keras import layers

from keras_gans.models import schedules
from keras_gans.models.checks import check_image_shape, check_seed
from keras_gans.models.generative import GANModel, check_latent_dim
from keras_gans.models.layers import LayerSeeds, Maxout, StatelessDropout


def build_mlp_generator(image_shape, latent_dim, hidden_units=(1200, 1200), seed=None):
    """The generator of the paper's MNIST experiment (`mnist.yaml` of its code).

    Two ReLU layers of 1200 units, weights U(-0.05, 0.05), and the paper's sigmoid
    output over [0, 1] pixels, rescaled by 2p - 1 to the library's [-1, 1].
    """
    seeds = LayerSeeds(seed)
    z = keras.Input((latent_dim,), name="z")
    x = z
    for units in hidden_units:
        x = layers.Dense(units, activation="relu", kernel_initializer=seeds.uniform(0.05))(x)
    x = layers.Dense(
        math.prod(image_shape),
        activation="sigmoid",
        kernel_initializer=seeds.uniform(0.05),
        dtype="float32",
    )(x)
    x = layers.Rescaling(2.0, offset=-1.0, dtype="float32")(x)  # [0, 1] -> [-1, 1]
    images = layers.Reshape(image_shape, dtype="float32")(x)
    return keras.Model(z, images, name="generator")


def build_mlp_discriminator(image_shape, hidden_units=(240, 240), pieces=5, seed=None):
    """The discriminator of the paper's MNIST experiment.

    Two maxout layers of 240 units x 5 pieces, weights U(-0.005, 0.005), dropout with
    keep probability 0.8 on the input and 0.5 on each hidden layer's input (section
    5: "the discriminator net used maxout activations. Dropout was applied in
    training the discriminator net"). Outputs one logit per image.

    The images are mapped back to the paper's [0, 1] pixels first. This matters: on
    [-1, 1] the background pixels (-1 instead of 0) dominate the first layer's
    inputs, and with the paper's SGD(0.1) the discriminator's weights explode
    within 300 steps on Fashion-MNIST (measured: NaN at step 264); on [0, 1] the
    same run trains stably.
    """
    seeds = LayerSeeds(seed)
    images = keras.Input(image_shape, name="images")
    x = layers.Rescaling(0.5, offset=0.5)(layers.Flatten()(images))  # -> [0, 1]
    x = StatelessDropout(0.2, seed=seeds())(x)
    for units in hidden_units:
        x = Maxout(units, pieces, kernel_initializer=seeds.uniform(0.005))(x)
        x = StatelessDropout(0.5, seed=seeds())(x)
    logits = layers.Dense(1, kernel_initializer=seeds.uniform(0.005), dtype="float32")(x)
    return keras.Model(images, logits, name="discriminator")


def loss_from_generator_loss(generator_loss, loss=None):
    """`loss=` from the `generator_loss=` of earlier versions, which chose G's loss of
    the cross-entropy family (D's was always the cross-entropy): the same model."""
    if generator_loss not in ("non_saturating", "minimax"):
        raise ValueError(
            "Unknown generator_loss. Expected one of ['non_saturating', 'minimax']. "
            f"Received: generator_loss={generator_loss!r}. (It is now `loss=`.)"
        )
    if loss is not None and loss != generator_loss:
        raise ValueError(
            f"`generator_loss` is the former name of `loss`; pass one of them. Received: "
            f"loss={loss!r}, generator_loss={generator_loss!r}"
        )
    return generator_loss


def paper_sgd(decay_per_step):
    """The SGD of the GAN papers' MNIST configurations (GAN: `mnist.yaml` of its code;
    CGAN: section 4.1): learning rate 0.1 divided by `decay_per_step` at every update,
    momentum 0.5 rising linearly to 0.7 over updates 500 to 125,000 (pylearn2's
    `MomentumAdjustor(start=1, saturate=250)` in epochs of 500 updates)."""
    learning_rate = keras.optimizers.schedules.ExponentialDecay(
        0.1, decay_steps=1, decay_rate=1 / decay_per_step
    )
    return schedules.RampedMomentumSGD(learning_rate, momentum=0.5, final_momentum=0.7,
                                       ramp_start=500, ramp_end=125_000)


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(GANModel):
    """The original GAN (Goodfellow et al. 2014), trained with Algorithm 1.

    Each train step draws a minibatch of noise and updates the discriminator on it
    and on the real minibatch, then draws fresh noise and updates the generator with
    the non-saturating loss -log D(G(z)) that section 3 recommends (`"minimax"`
    selects the log(1 - D(G(z))) of equation 1 instead). The paper's k is 1 ("we used
    k = 1, the least expensive option").

    Defaults follow the paper's published MNIST configuration: z ~ N(0, I) of
    dimension 100, an MLP generator (ReLU 1200-1200) and a maxout discriminator with
    dropout, SGD with learning rate 0.1 decayed by 1.000004 per step and momentum
    rising from 0.5 to 0.7 (pylearn2's `MomentumAdjustor(start=1, saturate=250)`:
    epochs 1 to 250 of its 50,000 MNIST training images at batch 100, here updates
    500 to 125,000; `kg.models.schedules.RampedMomentumSGD`). Its floor of the rate at
    1e-6 would act after 2.9 million updates and is left out.

    **One generator pass or two.** Algorithm 1 (the paper, and the default here)
    samples a new minibatch of noise for the generator update, so a step runs the
    generator twice. `shared_generator_pass=True` does what the popular code does
    (the PyTorch examples' DCGAN, `pytorch/examples` `dcgan/main.py`): one generator
    pass G(z) per step; D is updated on the real batch and on G(z) (the PyTorch
    `fake.detach()`), then G's loss is the *updated* D on that same G(z),
    backpropagated through the same forward pass. The losses, the order of the
    updates and the networks are the same; what differs is only that the generator
    update reuses the discriminator update's noise instead of drawing new noise.
    It saves one generator forward pass per step (and its batch norm statistics are
    then updated once per step instead of twice). See `docs/performance.md`.

    Args:
        image_shape: tuple `(height, width, channels)`, defaults to `(28, 28, 1)`.
        latent_dim: int, defaults to 100.
        generator: optional `keras.Model` mapping `(batch, latent_dim)` to images in
            [-1, 1]. Defaults to the paper's MLP.
        discriminator: optional `keras.Model` mapping images to one logit each (no
            sigmoid). Defaults to the paper's maxout MLP.
        loss: `"non_saturating"` (default, section 3), `"minimax"` (equation 1),
            `"hinge"` or `"least_squares"`; see `kg.models.stabilisers`, which also
            documents `real_label=` (one-sided label smoothing) and
            `discriminator_normalization=` (`"spectral"`, `"gradient"`).
        generator_loss: the name of `loss=` in earlier versions (their `.keras` files
            and presets load with it); `"non_saturating"` or `"minimax"`.
        shared_generator_pass: bool, defaults to False (Algorithm 1: fresh noise
            for the generator update). True: one generator pass shared by both
            updates, as in the PyTorch DCGAN example (see above).
        seed: int or None, see `GANModel`.

    Examples:
    ```python
    import keras_gans as kg
    train = kg.data.load("fashion_mnist", batch_size=100)
    model = kg.GAN(image_shape=(28, 28, 1), seed=0)
    model.compile()  # SGD(0.1, momentum 0.5 -> 0.7) for both networks, as in the paper
    model.fit(train.take(10), epochs=1)
    images = model.generate(16, seed=0)  # (16, 28, 28, 1) in [-1, 1]
    ```
    """

    VARIANT = "gan"
    DEFAULT_BATCH_SIZE = 100  # batch_size of the paper's mnist.yaml

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        generator=None,
        discriminator=None,
        generator_loss=None,
        shared_generator_pass=False,
        seed=None,
        **kwargs,
    ):
        image_shape, latent_dim, seed = (
            check_image_shape(image_shape), check_latent_dim(latent_dim), check_seed(seed)
        )
        if generator_loss is not None:  # the name of earlier versions (and presets)
            kwargs["loss"] = loss_from_generator_loss(generator_loss, kwargs.get("loss"))
        if not isinstance(shared_generator_pass, bool):
            raise ValueError(
                "`shared_generator_pass` must be True or False. Received: "
                f"shared_generator_pass={shared_generator_pass!r}"
            )
        generator = generator or build_mlp_generator(image_shape, latent_dim, seed=seed)
        discriminator = discriminator or build_mlp_discriminator(image_shape, seed=seed + 1)
        super().__init__(image_shape=image_shape, latent_dim=latent_dim, seed=seed, **kwargs)
        # === Config ===
        self.shared_generator_pass = shared_generator_pass
        # === Layers ===
        self.generator = generator
        self.discriminator = self.normalize_discriminator(discriminator)
        self._finish_init()

    def default_optimizer(self):
        return paper_sgd(decay_per_step=1.000004)

    def get_config(self):
        config = super().get_config()
        config["shared_generator_pass"] = self.shared_generator_pass
        return config

    # ------------------------------------------------------------------ training

    def train_step(self, data):
        real, condition = self.unpack_batch(data)
        batch_size = keras.ops.shape(real)[0]
        z = self.sample_latent(batch_size, "discriminator_step")
        if self.shared_generator_pass:
            # One pass G(z), recorded for the generator update; D's update ignores it.
            tape = tf.GradientTape()
            with tape:
                fake = self.generate_fakes(z, condition)
            discriminator_loss = self.discriminator_step(real, fake, condition)
            # The generator learns through the updated D on the same G(z).
            generator_loss = self.generator_step(lambda: fake, condition, tape=tape)
        else:
            discriminator_loss = self.discriminator_step(
                real, self.generate_fakes(z, condition), condition
            )
            # Algorithm 1: the generator update draws a fresh minibatch of noise.
            z = self.sample_latent(batch_size, "generator_step")
            generator_loss = self.generator_step(
                lambda: self.generate_fakes(z, condition), condition
            )
        return self.finish_step(
            discriminator_loss=discriminator_loss, generator_loss=generator_loss
        )

    def discriminator_step(self, real, fake, condition=None):
        """Updates D by ascending log D(x) + log(1 - D(G(z))) (Algorithm 1), or by
        descending the D loss of `loss=`."""
        return self.apply_update(
            "discriminator_optimizer",
            lambda: self.discriminator_loss(
                self.discriminate(real, condition), self.discriminate(fake, condition)
            ),
        )

    def generator_step(self, make_fakes, condition=None, tape=None):
        """Updates G on D's verdict on `make_fakes()` (the generator loss of section 3).

        `tape`: a tape that already recorded the generator pass (shared pass).
        """
        return self.apply_update(
            "generator_optimizer",
            lambda: self.generator_loss(self.discriminate(make_fakes(), condition)),
            tape=tape,
        )

    # ------------------------------------------------------------------ conditioning
    # The hooks a conditional variant overrides (kg.CGAN): what a batch holds beside
    # the images, and how it enters the two networks. Unconditional: nothing.

    def unpack_batch(self, data):
        """`(real images, condition)` of a `fit()` batch; the condition is None here."""
        return (data[0] if isinstance(data, (tuple, list)) else data), None

    def generate_fakes(self, z, condition=None, training=True):
        """G(z) (or G(z|y))."""
        return self.generator(z, training=training)

    def discriminate(self, images, condition=None, training=True):
        """D(x) (or D(x|y)): one logit per image."""
        return self.discriminator(images, training=training)
