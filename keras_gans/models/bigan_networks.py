"""BiGAN's default networks: the encoder E, the generator G and the discriminator D on
(x, z) pairs, as multilayer perceptrons (the paper's permutation-invariant MNIST
setting, section 4.1) or convolutional (DCGAN-style, as the paper's ImageNet networks,
section 4.2), with BiGAN's joint discriminator or BigBiGAN's unary + joint one."""

import copy
import math

import keras
from keras import layers

from keras_gans.models.dcgan import (
    build_dcgan_discriminator,
    build_dcgan_generator,
    dcgan_image_features,
)
from keras_gans.models.layers import LayerSeeds, StatelessDropout, batch_norm

ARCHITECTURES = ("mlp", "dcgan")
DISCRIMINATOR_TYPES = ("bigan", "bigbigan")
HIDDEN_UNITS = 1024


def build_mlp_encoder(image_shape, latent_dim, units=HIDDEN_UNITS, seed=None):
    """E: x -> z, an MLP of two hidden layers of `units` (leaky ReLU 0.2, batch norm on
    the second) and a linear output of `latent_dim`, in float32."""
    seeds = LayerSeeds(seed)
    images = keras.Input(image_shape, name="images")
    x = layers.Flatten()(images)
    x = layers.LeakyReLU(0.2)(layers.Dense(units, kernel_initializer=seeds.normal(0.02))(x))
    x = layers.Dense(units, use_bias=False, kernel_initializer=seeds.normal(0.02))(x)
    x = layers.LeakyReLU(0.2)(batch_norm()(x))
    z = layers.Dense(latent_dim, kernel_initializer=seeds.normal(0.02), dtype="float32")(x)
    return keras.Model(images, z, name="encoder")


def build_mlp_generator(image_shape, latent_dim, units=HIDDEN_UNITS, seed=None):
    """G: z -> x, an MLP of two hidden layers of `units` (ReLU, batch norm on the
    second) and a tanh output (images in [-1, 1]), in float32."""
    seeds = LayerSeeds(seed)
    z = keras.Input((latent_dim,), name="z")
    x = layers.ReLU()(layers.Dense(units, kernel_initializer=seeds.normal(0.02))(z))
    x = layers.Dense(units, use_bias=False, kernel_initializer=seeds.normal(0.02))(x)
    x = layers.ReLU()(batch_norm()(x))
    x = layers.Dense(
        math.prod(image_shape), activation="tanh", kernel_initializer=seeds.normal(0.02),
        dtype="float32",
    )(x)
    images = layers.Reshape(image_shape, dtype="float32")(x)
    return keras.Model(z, images, name="generator")


def _mlp(x, units, seeds, depth=2, drop=None):
    for _ in range(depth):
        x = layers.LeakyReLU(0.2)(layers.Dense(units, kernel_initializer=seeds.normal(0.02))(x))
        x = drop(x) if drop else x
    return x


def _dropout(rate, seed):
    """ALI's dropout in D (Dumoulin et al. 2017, appendix A): a function that puts a
    `StatelessDropout(rate)` (exact under tf.distribute, saved masks counter) after a
    layer, or None for `rate=0`. Its mask seeds come from their own stream, so the
    initial weights are those of the same D without dropout."""
    if not rate:
        return None
    seeds = LayerSeeds(None if seed is None else (seed, 1))
    return lambda x: StatelessDropout(rate, seed=seeds())(x)


def check_discriminator_dropout(discriminator, rate):
    """`ValueError` unless `discriminator` holds `_dropout`'s layers of `rate`."""
    rates = {layer.rate for layer in discriminator.layers
             if isinstance(layer, StatelessDropout)}
    if rates != {rate}:
        raise ValueError(
            f"discriminator_dropout={rate}, but the discriminator passed in has "
            f"{'dropout of rate ' + str(sorted(rates)) if rates else 'no dropout layers'}. "
            "The option builds ALI's dropout into the default discriminator: leave out "
            "`discriminator=` to get it, or pass discriminator_dropout=0 with your own D "
            "(options on a preset change the rate of its D's dropout, but cannot add "
            "dropout to a D without it).")


def with_dropout_rate(serialized, rate):
    """`serialized` (a D's `keras.saving.serialize_keras_object` dict) with every
    `StatelessDropout` layer's rate set to `rate`: dropout has no weights, so a file's
    or a preset's D can go on training under another rate of ALI's dropout (e.g.
    `--continue-from PRESET --option discriminator_dropout=0.4`). Returns a new dict."""
    serialized = copy.deepcopy(serialized)
    for layer in serialized.get("config", {}).get("layers", ()):
        if layer.get("class_name") == "StatelessDropout":
            layer["config"]["rate"] = rate
    return serialized


def _image_features(images, architecture, filters, seeds, drop=None):
    """What D sees of x before the pair is joined: the pixels (`"mlp"`), or the DCGAN
    trunk without normalization (`"dcgan"`: D sees batches of real pairs and of
    generated pairs separately, and batch statistics would tell them apart)."""
    if architecture == "dcgan":
        return dcgan_image_features(images, filters, seeds, normalization=None, after=drop)
    return layers.Flatten()(images)


def build_joint_discriminator(image_shape, latent_dim, units=HIDDEN_UNITS, seed=None,
                              architecture="mlp", filters=64, dropout=0.0):
    """BiGAN's D(x, z) (section 3): x's features (`_image_features`) joined to z, then
    an MLP of two hidden layers of `units` (leaky ReLU 0.2) and one logit, in float32.
    No batch norm, for the reason `_image_features` gives. `dropout`: ALI's dropout
    after every hidden layer and on z (`_dropout`; 0 = none, the BiGAN paper's D)."""
    seeds, drop = LayerSeeds(seed), _dropout(dropout, seed)
    images = keras.Input(image_shape, name="images")
    z = keras.Input((latent_dim,), name="z")
    x = layers.Concatenate()([_image_features(images, architecture, filters, seeds, drop),
                              drop(z) if drop else z])
    logits = layers.Dense(1, kernel_initializer=seeds.normal(0.02), dtype="float32")(
        _mlp(x, units, seeds, drop=drop)
    )
    return keras.Model([images, z], logits, name="discriminator")


def build_bigbigan_discriminator(image_shape, latent_dim, units=HIDDEN_UNITS, seed=None,
                                 architecture="mlp", filters=64, dropout=0.0):
    """BigBiGAN's D (Donahue & Simonyan 2019, section 2 and Figure 1): F(x) and H(z)
    embed each input on its own; s_x = linear(F(x)) and s_z = linear(H(z)) are the
    unary scores, s_xz = J(F(x), H(z)) the joint one. Returns `(batch, 3)` scores
    [s_x, s_z, s_xz], which the loss sums. Here F is `_image_features` followed by an
    MLP of two hidden layers of `units`, H and J are such MLPs (the paper's are a
    RevNet and MLPs at ImageNet scale). `dropout` as in `build_joint_discriminator`."""
    seeds, drop = LayerSeeds(seed), _dropout(dropout, seed)
    images = keras.Input(image_shape, name="images")
    z = keras.Input((latent_dim,), name="z")
    image_features = _mlp(_image_features(images, architecture, filters, seeds, drop), units,
                          seeds, drop=drop)
    latent_features = _mlp(drop(z) if drop else z, units, seeds, drop=drop)
    joint = _mlp(layers.Concatenate()([image_features, latent_features]), units, seeds,
                 drop=drop)

    def score(x):
        return layers.Dense(1, kernel_initializer=seeds.normal(0.02), dtype="float32")(x)

    scores = layers.Concatenate(dtype="float32")(
        [score(image_features), score(latent_features), score(joint)]
    )
    return keras.Model([images, z], scores, name="discriminator")


def default_builders(image_shape, latent_dim, architecture, discriminator_type, units,
                     filters, seed, discriminator_dropout=0.0):
    """How to build each default network of a `kg.BiGAN`: `{name: builder}`, each
    builder a function of no argument (only the networks the user did not pass are
    built).

    `"mlp"`: the MLPs above (`units` wide). `"dcgan"`: G is `build_dcgan_generator`
    (`filters`), E the DCGAN discriminator's trunk with batch norm ending in a linear
    code of `latent_dim` (E sees real images only, so its batch statistics give D no
    cue), and D's x-branch the same trunk without normalization.
    """
    if architecture == "dcgan":
        def generator():
            return build_dcgan_generator(image_shape, latent_dim, filters, seed=seed)

        def encoder():
            return build_dcgan_discriminator(image_shape, filters, seed=seed + 1,
                                             name="encoder", outputs=latent_dim)
    else:
        def generator():
            return build_mlp_generator(image_shape, latent_dim, units, seed=seed)

        def encoder():
            return build_mlp_encoder(image_shape, latent_dim, units, seed=seed + 1)

    def discriminator():
        build = (build_bigbigan_discriminator if discriminator_type == "bigbigan"
                 else build_joint_discriminator)
        return build(image_shape, latent_dim, units, seed=seed + 2,
                     architecture=architecture, filters=filters,
                     dropout=discriminator_dropout)

    return {"generator": generator, "encoder": encoder, "discriminator": discriminator}
