"""The default networks of `kg.CGAN`: how the label y enters G(z|y) and D(x|y).

- the paper's MLPs (Mirza & Osindero 2014, section 4.1): one-hot y through its own
  hidden layer in both networks, joined to the hidden layer of z (or x);
- the conditional DCGAN (Radford et al.'s `mnist/train_cond_dcgan.py` in their
  `dcgan_code`, the pattern of the popular conditional DCGAN ports): one-hot y
  joined to z, and as constant channels to D's input and to its feature map at every
  resolution;
- the projection discriminator (Miyato & Koyama 2018, "cGANs with Projection
  Discriminator", arXiv:1802.05637, equation 3) on the DCGAN discriminator's features.

Only Keras's own layers: a saved network loads without this module.
"""

import math

import keras
from keras import layers

from keras_gans.models.dcgan import KERNEL_SIZE, build_dcgan_generator, num_resolution_steps
from keras_gans.models.layers import LayerSeeds, Maxout, StatelessDropout, batch_norm

DISCRIMINATOR_CONDITIONINGS = ("concatenation", "projection")


def labels_input():
    """`(batch, 1)` int labels; the model reshapes whatever it receives to this."""
    return keras.Input((1,), dtype="int32", name="labels")


def one_hot(labels, num_classes):
    """`(batch, 1)` int labels -> `(batch, num_classes)` one-hot vectors."""
    return layers.Flatten()(layers.CategoryEncoding(num_classes, output_mode="one_hot")(labels))


def label_channels(one_hot_labels, height, width):
    """One constant `(height, width)` channel per class: 1 for y's class, 0 elsewhere
    (the `conv_cond_concat` of Radford et al.'s code)."""
    num_classes = one_hot_labels.shape[-1]
    planes = layers.Reshape((1, 1, num_classes))(one_hot_labels)
    return layers.UpSampling2D((height, width))(planes)


def join_label_channels(features, one_hot_labels):
    """`features` with `num_classes` label channels concatenated (channels last)."""
    height, width = features.shape[1], features.shape[2]
    return layers.Concatenate()([features, label_channels(one_hot_labels, height, width)])


# ---------------------------------------------------------------------- the paper's MLPs


def build_mlp_conditional_generator(image_shape, latent_dim, num_classes, seed=None):
    """Section 4.1: z -> 200 ReLU and y -> 1000 ReLU, joined -> 1200 ReLU -> image.

    y enters one-hot, so its dense layer is a learned embedding of each class. The
    paper applies dropout 0.5 to both networks without saying where; here it follows
    every hidden layer. The paper's output is a sigmoid over [0, 1] pixels; ours is a
    tanh over the library's [-1, 1] (the same map, rescaled).

    Args:
        image_shape: tuple `(height, width, channels)`.
        latent_dim: int, the dimension of z.
        num_classes: int.
        seed: int or None, seeds the initial weights and the dropout masks.
    """
    seeds = LayerSeeds(seed)
    z = keras.Input((latent_dim,), name="z")
    labels = labels_input()
    hidden_z = layers.Dense(200, activation="relu", kernel_initializer=seeds.glorot())(z)
    hidden_z = StatelessDropout(0.5, seed=seeds())(hidden_z)
    hidden_y = layers.Dense(1000, activation="relu", kernel_initializer=seeds.glorot())(
        one_hot(labels, num_classes)
    )
    hidden_y = StatelessDropout(0.5, seed=seeds())(hidden_y)
    x = layers.Concatenate()([hidden_z, hidden_y])
    x = layers.Dense(1200, activation="relu", kernel_initializer=seeds.glorot())(x)
    x = StatelessDropout(0.5, seed=seeds())(x)
    x = layers.Dense(
        math.prod(image_shape), activation="tanh", kernel_initializer=seeds.glorot(),
        dtype="float32",
    )(x)
    images = layers.Reshape(image_shape, dtype="float32")(x)
    return keras.Model([z, labels], images, name="generator")


def build_mlp_conditional_discriminator(image_shape, num_classes, seed=None):
    """Section 4.1: x -> maxout 240x5 and y -> maxout 50x5, joined -> maxout 240x4 -> logit.

    Dropout 0.5 after every hidden layer; the sigmoid is in the loss.

    Args:
        image_shape: tuple `(height, width, channels)`.
        num_classes: int.
        seed: int or None, seeds the initial weights and the dropout masks.
    """
    seeds = LayerSeeds(seed)
    images = keras.Input(image_shape, name="images")
    labels = labels_input()
    hidden_x = Maxout(240, 5, kernel_initializer=seeds.glorot())(layers.Flatten()(images))
    hidden_x = StatelessDropout(0.5, seed=seeds())(hidden_x)
    hidden_y = Maxout(50, 5, kernel_initializer=seeds.glorot())(one_hot(labels, num_classes))
    hidden_y = StatelessDropout(0.5, seed=seeds())(hidden_y)
    x = layers.Concatenate()([hidden_x, hidden_y])
    x = Maxout(240, 4, kernel_initializer=seeds.glorot())(x)
    x = StatelessDropout(0.5, seed=seeds())(x)
    logits = layers.Dense(1, kernel_initializer=seeds.glorot(), dtype="float32")(x)
    return keras.Model([images, labels], logits, name="discriminator")


# ---------------------------------------------------------------------- conditional DCGAN


def build_dcgan_conditional_generator(image_shape, latent_dim, num_classes, filters=64, seed=None):
    """The DCGAN generator (Radford et al. 2015, section 3) on concat(z, one_hot(y)).

    As in Radford et al.'s conditional MNIST code, y enters one-hot, not through a
    learned embedding: an embedding can be scaled up until it drowns z (our previous
    50-dim N(0, 1) embedding did; G then ignored z). Their code also joins y to
    every hidden layer of G; ours only to its input, the common form of the ports.

    Args:
        image_shape: tuple `(height, width, channels)`.
        latent_dim: int, the dimension of z.
        num_classes: int.
        filters: int, defaults to 64, as `build_dcgan_generator`.
        seed: int or None, seeds the initial weights.
    """
    z = keras.Input((latent_dim,), name="z")
    labels = labels_input()
    joined = layers.Concatenate()([z, one_hot(labels, num_classes)])
    body = build_dcgan_generator(image_shape, latent_dim + num_classes, filters, seed=seed)
    return keras.Model([z, labels], body(joined), name="generator")


def dcgan_features(images, filters, seeds, one_hot_labels=None):
    """The DCGAN discriminator's convolutions (section 3), flattened: phi(x).

    Stride-2 5x5 convolutions doubling the channels from `filters`, batch norm on all
    but the first ("not applying batchnorm to the discriminator input layer"),
    LeakyReLU(0.2), weights ~ N(0, 0.02). With `one_hot_labels`, the label channels
    join the input and the feature map after every stride-2 block.
    """
    steps = num_resolution_steps(*images.shape[1:3])
    x = images if one_hot_labels is None else join_label_channels(images, one_hot_labels)
    for step in range(steps):
        x = layers.Conv2D(
            filters * 2**step, KERNEL_SIZE, strides=2, padding="same",
            use_bias=step == 0,  # batch norm's offset makes a bias redundant
            kernel_initializer=seeds.normal(0.02),
        )(x)
        if step > 0:
            x = batch_norm()(x)
        x = layers.LeakyReLU(0.2)(x)
        if one_hot_labels is not None:
            x = join_label_channels(x, one_hot_labels)
    return layers.Flatten(name="phi")(x)


def build_dcgan_conditional_discriminator(image_shape, num_classes, filters=64, seed=None):
    """The conditional DCGAN discriminator: y as constant channels at every resolution.

    The image gets `num_classes` one-hot channels (1 for y's class, 0 elsewhere), and
    so does the feature map after every stride-2 block, the last one included, so the
    output layer also sees y (Radford et al.'s `conv_cond_concat`). Their code ends
    with a fully connected hidden layer; ours, like the unconditional DCGAN, flattens
    the last map straight into the logit (no sigmoid: it is in the loss).

    Args:
        image_shape: tuple `(height, width, channels)`.
        num_classes: int.
        filters: int, defaults to 64: the first convolution's channels.
        seed: int or None, seeds the initial weights.
    """
    seeds = LayerSeeds(seed)
    images = keras.Input(image_shape, name="images")
    labels = labels_input()
    phi = dcgan_features(images, filters, seeds, one_hot(labels, num_classes))
    logits = layers.Dense(1, kernel_initializer=seeds.normal(0.02), dtype="float32")(phi)
    return keras.Model([images, labels], logits, name="discriminator")


def build_dcgan_projection_discriminator(image_shape, num_classes, filters=64, seed=None):
    """Miyato & Koyama 2018, equation 3: logit = psi(phi(x)) + y^T V phi(x).

    phi is the unconditional DCGAN discriminator's flattened last feature map
    (`dcgan_features`, layer "phi"), psi a linear layer ("psi"), V one learned row
    per class ("class_embedding", ~ N(0, 0.02) like every weight here): y enters only
    through the inner product of its row with phi(x) ("projection"). The paper's
    networks are ResNets with spectral normalization and global sum pooling; ours
    keep the DCGAN discriminator and its batch norm, as an option beside the default.

    Args:
        image_shape: tuple `(height, width, channels)`.
        num_classes: int.
        filters: int, defaults to 64: the first convolution's channels.
        seed: int or None, seeds the initial weights.
    """
    seeds = LayerSeeds(seed)
    images = keras.Input(image_shape, name="images")
    labels = labels_input()
    phi = dcgan_features(images, filters, seeds)
    psi = layers.Dense(1, kernel_initializer=seeds.normal(0.02), name="psi")(phi)
    class_embedding = layers.Embedding(
        num_classes, phi.shape[-1], embeddings_initializer=seeds.normal(0.02),
        name="class_embedding",
    )(labels)
    projection = layers.Dot(axes=1, name="projection")(
        [layers.Flatten()(class_embedding), phi]
    )
    logits = layers.Add(dtype="float32", name="logits")([psi, projection])
    return keras.Model([images, labels], logits, name="discriminator")


# ---------------------------------------------------------------------- CGAN's defaults


def default_generator(architecture, image_shape, latent_dim, num_classes, filters, seed):
    """G(z|y) of `kg.CGAN(architecture=...)`: `"mlp"` (section 4.1) or `"dcgan"`."""
    if architecture == "mlp":
        return build_mlp_conditional_generator(image_shape, latent_dim, num_classes, seed=seed)
    return build_dcgan_conditional_generator(
        image_shape, latent_dim, num_classes, filters, seed=seed
    )


def default_discriminator(architecture, conditioning, image_shape, num_classes, filters, seed):
    """D(x|y) of `kg.CGAN(architecture=..., discriminator_conditioning=...)`."""
    if architecture == "mlp":
        return build_mlp_conditional_discriminator(image_shape, num_classes, seed=seed)
    if conditioning == "projection":
        return build_dcgan_projection_discriminator(image_shape, num_classes, filters, seed=seed)
    return build_dcgan_conditional_discriminator(image_shape, num_classes, filters, seed=seed)
