"""`Translator`: the base of the variants that translate images between two domains."""

import numpy as np
from keras import ops

from keras_gans.models import checks
from keras_gans.models.base import AdversarialModel

DIRECTIONS = ("a_to_b", "b_to_a")
# Inputs per domain kept for the sample grid: 6 columns x 6 rows (see grid_samples).
GRID_EXAMPLES = 6


class Translator(AdversarialModel):
    """A model with two translators, A -> B and B -> A, trained on unpaired batches.

    Adds to `AdversarialModel`: `translate(images, direction=)`, the check of
    `(images_a, images_b)` batches, and a sample grid of stored example inputs with
    their translations and cycles (the first `fit` batch provides them).

    Subclasses name their two translating networks in `TRANSLATORS`
    (`{"a_to_b": ..., "b_to_a": ...}`).

    Args:
        image_shape: tuple `(height, width, channels)` of both domains.
        seed: int or None, see `AdversarialModel`.
    """

    INPUTS = "unpaired_images"
    TRANSLATORS = {"a_to_b": "generator_a_to_b", "b_to_a": "generator_b_to_a"}
    EMA_NETWORKS = ("generator_a_to_b", "generator_b_to_a")

    def __init__(self, image_shape, seed=None, **kwargs):
        super().__init__(image_shape=image_shape, seed=seed, **kwargs)
        # === State === the inputs the sample grid translates, captured by the first fit.
        self.grid_inputs = self.add_weight(
            name="grid_inputs", shape=(2, GRID_EXAMPLES) + self.image_shape,
            dtype="float32", initializer="zeros", trainable=False,
            aggregation="only_first_replica",
        )
        self.has_grid_inputs = self.add_weight(
            name="has_grid_inputs", shape=(), dtype="int64", initializer="zeros",
            trainable=False, aggregation="only_first_replica",
        )

    def translator(self, direction, use_ema=False):
        """The network that translates in `direction` (`"a_to_b"` or `"b_to_a"`), or
        its moving average (`use_ema`, when the model keeps one)."""
        checks.check_choice("direction", direction, DIRECTIONS)
        return self.inference_network(self.TRANSLATORS[direction], use_ema)

    def call(self, inputs, training=False):
        """`model(images_a)` translates them to domain B."""
        return self.translator("a_to_b")(inputs, training=training)

    def translate(self, images, direction="a_to_b", batch_size=256, use_ema=True):
        """Translates images between the domains.

        Args:
            images: float array `(n, *image_shape)` in [-1, 1].
            direction: `"a_to_b"` or `"b_to_a"`.
            batch_size: int, defaults to 256.
            use_ema: bool, defaults to True: the translator's moving average when the
                model keeps one (`ema_decay=`).

        Returns:
            float32 numpy array of the same shape, in [-1, 1].
        """
        network = self.translator(direction, use_ema=use_ema)
        images = np.asarray(images)
        self.check_images(images)
        return self.run_in_batches(network, images.astype("float32"), batch_size=batch_size)

    # ------------------------------------------------------------------ sample grid

    def on_first_batch(self, batch):
        if not int(self.has_grid_inputs.numpy()):
            self.set_grid_inputs(batch[0], batch[1])

    def set_grid_inputs(self, images_a, images_b):
        """Sets the 6 inputs per domain that `grid_samples` translates (fit does it once)."""
        rows = []
        for images in (images_a, images_b):
            images = np.asarray(images, dtype="float32")
            self.check_images(images)
            rows.append(np.resize(images, (GRID_EXAMPLES,) + self.image_shape))  # repeats if few
        self.grid_inputs.assign(np.stack(rows))
        self.has_grid_inputs.assign(1)

    def grid_samples(self, num_samples=None, seed=None):
        """Six rows of six: a, G(a), F(G(a)), b, F(b), G(F(b)) for the stored inputs.

        The inputs are the first images of the first `fit` batch (or those given to
        `set_grid_inputs`); `num_samples` and `seed` are ignored (the grid is always
        36 images, 6 columns).
        """
        if not int(self.has_grid_inputs.numpy()):
            raise ValueError(
                f"{type(self).__name__}'s sample grid translates stored example inputs, "
                "and there are none yet: call fit() first or "
                "model.set_grid_inputs(images_a, images_b)."
            )
        images_a, images_b = ops.convert_to_numpy(self.grid_inputs)
        fake_b = self.translate(images_a, "a_to_b")
        fake_a = self.translate(images_b, "b_to_a")
        return np.concatenate([
            images_a, fake_b, self.translate(fake_b, "b_to_a"),
            images_b, fake_a, self.translate(fake_a, "a_to_b"),
        ])

    # ------------------------------------------------------------------ input checks

    def check_batch(self, batch):
        name = type(self).__name__
        images_a, images_b = checks.pair(
            batch, name,
            f"{name} trains on unpaired (images_a, images_b) batches, one from each "
            "domain, but received {received}. Use kg.data.load_unpaired(...), "
            "tf.data.Dataset.zip((domain_a, domain_b)), or fit(images_a, images_b).",
            single=": a single domain",
        )
        images_a, images_b = np.asarray(images_a), np.asarray(images_b)
        if images_b.ndim <= 1 and np.issubdtype(images_b.dtype, np.integer):
            raise ValueError(
                f"{name} received (images, labels) batches (second element of shape "
                f"{images_b.shape}, dtype {images_b.dtype}): that is one labelled domain, "
                "not two. Give one batch of images per domain, e.g. "
                "kg.data.load_unpaired('fashion_mnist_sneaker2boot')."
            )
        if images_a.shape[1:] != images_b.shape[1:]:
            raise ValueError(
                f"{name} translates between domains of the same image shape, but "
                f"images_a have shape {images_a.shape[1:]} and images_b "
                f"{images_b.shape[1:]}. Resize both to one shape (e.g. "
                "kg.data.load_unpaired(..., image_size=...))."
            )
        if len(images_a) != len(images_b):
            raise ValueError(
                f"{name} needs as many images of each domain per batch; received "
                f"{len(images_a)} images_a and {len(images_b)} images_b. Batch both "
                "domains alike (drop_remainder=True, or zip datasets of equal batch size)."
            )
        self.check_images(images_a, what="images_a")
        self.check_images(images_b, what="images_b")
