"""Baselines the zoo is measured against. Not variants: use them to compare, not to train.

`KerasIODCGAN` is a plain DCGAN trained with the recipe of the keras-io example
"DCGAN to generate face images" (keras-io/examples/generative/dcgan_overriding_train_step.py),
the GAN most Keras users start from. The zoo's quality bar (zoo/README.md): every
unconditional preset must reach a lower domain FID than this baseline after the same
number of epochs (`python zoo/keras_io_dcgan_baseline.py`).
"""

import keras
from keras import ops

from keras_gans.models.checks import check_image_shape, check_seed
from keras_gans.models.dcgan import build_dcgan_discriminator, build_dcgan_generator
from keras_gans.models.generative import GANModel, check_latent_dim


def binary_crossentropy(labels, logits):
    """Per-example binary cross-entropy of sigmoid(logits), as the example computes it.

    The example's discriminator ends in `Dense(1, activation="sigmoid")` and its loss
    is `keras.losses.BinaryCrossentropy()`; Keras (3, and tf.keras before it inside a
    `tf.function`) then takes the logits behind the sigmoid and computes
    `sigmoid_cross_entropy_with_logits`, without clipping. With the example's noisy
    labels (up to 1.05) that loss is unbounded below: -0.05 * logit as the logit of
    a fake image grows. This is the same quantity, in the same stable form.
    """
    labels = ops.cast(labels, "float32")
    logits = ops.cast(logits, "float32")
    values = labels * ops.softplus(-logits) + (1.0 - labels) * ops.softplus(logits)
    return ops.mean(ops.reshape(values, (ops.shape(values)[0], -1)), axis=1)


@keras.saving.register_keras_serializable(package="keras_gans")
class KerasIODCGAN(GANModel):
    """The keras-io DCGAN example's training recipe, on kg.DCGAN's networks.

    What is the example's, line for line in `train_step`:

    - z ~ N(0, I) of dimension 128 (`latent_dim = 128`, `keras.random.normal`);
    - one discriminator pass on the concatenation [G(z), x] with labels 1 for fake,
      0 for real, plus `0.05 * uniform` label noise ("add random noise to the
      labels - important trick!"), binary cross-entropy;
    - fresh z for the generator update, "misleading labels" 0 (= real);
    - `Adam(learning_rate=0.0001)` for both networks (Keras's defaults otherwise:
      beta_1 0.9), batch size 32.

    What is not: the networks. The example's are for 64x64 RGB faces (three
    transposed convolutions up to 512 channels, ~470 M multiply-adds per 28x28
    image when scaled to two) and would take hours per epoch on the project's CPU;
    these are kg.DCGAN's (section 3 of Radford et al., ~21 M multiply-adds), so the
    comparison isolates the recipe. Both networks are called with `training=True`
    (ours have batch norm; the example's have none and call them without it).

    Args:
        image_shape: tuple, defaults to `(28, 28, 1)`.
        latent_dim: int, defaults to 128 (the example's).
        filters: int, defaults to 64: the width of kg.DCGAN's networks.
        generator, discriminator: optional `keras.Model`s, as `kg.DCGAN`'s.
        seed: int or None, see `GANModel`.
    """

    LATENT_DISTRIBUTION = "normal"
    DEFAULT_BATCH_SIZE = 32  # the example's `batch_size=32`
    TRACKERS = ("d_loss", "g_loss")  # the example's names
    LABEL_NOISE = 0.05

    def __init__(self, image_shape=(28, 28, 1), latent_dim=128, filters=64, generator=None,
                 discriminator=None, seed=None, **kwargs):
        image_shape, latent_dim, seed = (
            check_image_shape(image_shape), check_latent_dim(latent_dim), check_seed(seed)
        )
        super().__init__(image_shape=image_shape, latent_dim=latent_dim, seed=seed, **kwargs)
        # === Config ===
        self.filters = filters
        # === Layers ===
        self.generator = generator or build_dcgan_generator(
            image_shape, latent_dim, filters, seed=seed)
        self.discriminator = discriminator or build_dcgan_discriminator(
            image_shape, filters, seed=seed + 1)
        self._finish_init()

    def get_config(self):
        config = super().get_config()
        config["filters"] = self.filters
        return config

    def default_optimizer(self):
        return keras.optimizers.Adam(learning_rate=0.0001)

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        batch_size = ops.shape(real)[0]

        # Train the discriminator on [fake, real], labelled [1, 0] plus noise.
        z = self.sample_latent(batch_size, "discriminator_step")
        generated = self.generator(z, training=True)
        combined = ops.concatenate([generated, ops.cast(real, generated.dtype)], axis=0)
        labels = ops.concatenate(
            [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0
        )
        labels += self.LABEL_NOISE * self.random_uniform(
            (2 * batch_size, 1), "label_noise"
        )
        d_loss = self.apply_update(
            "discriminator_optimizer",
            lambda: binary_crossentropy(labels, self.discriminator(combined, training=True)),
        )

        # Train the generator on fresh z with "misleading labels" (all real).
        z = self.sample_latent(batch_size, "generator_step")
        misleading = ops.zeros((batch_size, 1))
        g_loss = self.apply_update(
            "generator_optimizer",
            lambda: binary_crossentropy(
                misleading,
                self.discriminator(self.generator(z, training=True), training=True),
            ),
        )
        return self.finish_step(d_loss=d_loss, g_loss=g_loss)


BASELINES = {"KerasIODCGAN": KerasIODCGAN}  # what a zoo Recipe may name as its variant
