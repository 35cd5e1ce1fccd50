"""Checks of the data a model is given, run before any training step.

Each check raises a `ValueError` that says what was received and how to fix it. The
models call them from `fit` (on the first batch, then on every batch before a train
step takes it: `every_batch_checked`), `generate`, `translate` and `encode`.
"""

import os
import re

import keras
import numpy as np
import tensorflow as tf

from keras_gans.data.checks import REFUSED, refusal


def fresh_seed():
    """A random seed for `seed=None`: 31 bits from the operating system."""
    return int.from_bytes(os.urandom(4), "little") >> 1


def is_positive_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > 0


def check_image_shape(image_shape):
    """`image_shape` as a tuple of three positive ints, or `ValueError`."""
    image_shape = tuple(image_shape)
    if len(image_shape) != 3 or not all(is_positive_int(d) for d in image_shape):
        raise ValueError(
            "`image_shape` must be three positive ints (height, width, channels). "
            f"Received: image_shape={image_shape}"
        )
    return tuple(int(d) for d in image_shape)


def check_seed(seed):
    """`seed` as an int (`None` draws one), or `ValueError`."""
    if seed is None:
        return fresh_seed()
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
    return int(seed)


def check_choice(name, value, choices):
    """`value` if it is one of `choices`, else a `ValueError` naming the argument."""
    if value not in choices:
        raise ValueError(
            f"Unknown {name}. Expected one of {list(choices)}. Received: {name}={value!r}"
        )
    return value


def first_batch(x, y=None, batch_size=None):
    """The first batch `fit` would see, as numpy, or None if it cannot be peeked.

    For arrays that is the first `batch_size` rows (Keras's default: 32).
    """
    if isinstance(x, tf.data.Dataset):
        try:  # a file the pipeline refuses may be in the first batch too
            for element in x.take(1):
                return tf.nest.map_structure(lambda t: t.numpy(), element)
        except tf.errors.InvalidArgumentError as error:
            refused = refused_batch(error)
            if refused is None:
                raise
            raise refused from None
        raise ValueError(
            "The dataset is empty: it yielded no batch. Check the source directory, "
            "the split and any filter() in the pipeline."
        )
    if isinstance(x, keras.utils.PyDataset):
        if len(x) == 0:
            raise ValueError("The PyDataset is empty: len(dataset) == 0.")
        return x[0]
    if isinstance(x, (np.ndarray, tf.Tensor)):
        if len(x) == 0:
            raise ValueError("fit() received an empty array of images.")
        rows = batch_size or 32
        head = np.asarray(x[:rows])
        return head if y is None else (head, np.asarray(y[:rows]))
    return None


def images_alone(batch, name):
    """The images of an unconditional model's batch; `ValueError` if it holds more."""
    if not isinstance(batch, (tuple, list)):
        return batch
    if len(batch) == 1:
        return batch[0]
    raise ValueError(
        f"{name} is unconditional and trains on images alone, but the dataset yields "
        f"{len(batch)} tensors per batch (shapes {[np.shape(b) for b in batch]}), e.g. "
        "(images, labels). Drop the labels: kg.data.load(..., with_labels=False) or "
        "dataset.map(lambda images, labels: images); for class-conditional training "
        "use kg.CGAN."
    )


def pair(batch, name, message, single=""):
    """The two parts of a batch that must hold two; `ValueError(message)` otherwise.

    `message` may name `{received}`: what the batch held instead; `single` is added
    to it when the batch was one tensor.
    """
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        return batch
    received = (
        f"{len(batch)} tensors per batch" if isinstance(batch, (tuple, list))
        else f"images alone (shape {np.shape(batch)}){single}"
    )
    raise ValueError(message.format(received=received))


def _check_layout(images, image_shape, name, what, uses_batch_norm):
    expected = (None,) + image_shape
    if images.ndim != 4:
        raise ValueError(
            f"{name} expects {what} of rank 4 (batch, height, width, channels) = "
            f"{expected}; received shape {images.shape} (rank {images.ndim}). "
            + (
                "That is one image: batch the dataset, e.g. dataset.batch(128)."
                if images.shape == image_shape
                else "Add a channel axis, e.g. images[..., None]."
                if images.ndim == 3
                else ""
            )
        )
    if images.shape[0] == 0:
        raise ValueError(f"{name} received an empty batch of {what}.")
    if images.shape[0] == 1 and uses_batch_norm:
        raise ValueError(
            f"{name} received a batch of one image, but its networks use batch "
            "normalization, whose batch statistics are undefined (zero variance) "
            "for a single example. Use a larger batch_size; if it is the last, "
            "smaller batch of the data, batch with drop_remainder=True or choose a "
            "batch size that leaves no single image over (--batch-size)."
        )
    if tuple(images.shape[1:]) != image_shape:
        detail = (
            f"channel count {images.shape[-1]}, but the model was built for "
            f"{image_shape[-1]}"
            if images.shape[1:3] == image_shape[:2]
            else f"image size {images.shape[1:3]}, but the model was built for "
            f"{image_shape[:2]}"
        )
        raise ValueError(
            f"{name} was built for {what} of shape {expected}; received "
            f"{images.shape[1:]} ({detail}). Build the model with "
            f"image_shape={tuple(images.shape[1:])} or resize the data."
        )


def _check_values(images, name, what):
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"{name} expects float {what} scaled to [-1, 1]; received dtype "
            f"{images.dtype} with values in [{images.min()}, {images.max()}]. "
            "Scale them, e.g. images.astype('float32') / 127.5 - 1, or load them "
            "with kg.data.load / kg.data.from_arrays."
        )
    if not np.all(np.isfinite(images)):
        raise ValueError(f"{name} received {what} containing NaN or inf values.")
    low, high = float(images.min()), float(images.max())
    if low < -1.0 - 1e-3 or high > 1.0 + 1e-3:
        hint = (
            "They look like [0, 255] data: use images / 127.5 - 1."
            if high > 1.5
            else "Scale them to [-1, 1]."
        )
        raise ValueError(
            f"{name} expects {what} scaled to [-1, 1]; received values in "
            f"[{low:g}, {high:g}]. {hint}"
        )
    if images.size >= 1000 and low >= 0.0:
        raise ValueError(
            f"{name} expects {what} scaled to [-1, 1]; this batch lies in "
            f"[{low:g}, {high:g}], which looks like [0, 1] data (the generator's "
            "tanh output covers [-1, 1]). Use images * 2 - 1."
        )


def check_images(images, image_shape, name, what="images", uses_batch_norm=False):
    """Raises `ValueError` unless `images` is a float batch of `image_shape` in [-1, 1]."""
    images = np.asarray(images)
    _check_layout(images, tuple(image_shape), name, what, uses_batch_norm)
    _check_values(images, name, what)


def check_labels(labels, num_classes, name, count=None, what="labels"):
    """Returns `labels` as an int64 vector, or raises `ValueError` saying what is wrong."""
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == num_classes and num_classes > 1:
        raise ValueError(
            f"{name} expects {what} as class indices of shape (batch,); received shape "
            f"{labels.shape}, which looks one-hot. Use labels.argmax(-1)."
        )
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(
            f"{name} expects {what} of shape (batch,); received shape {labels.shape}."
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"{name} expects integer {what} (class indices in [0, {num_classes})); "
            f"received dtype {labels.dtype}"
            + (f" with values such as {labels[:5].tolist()}" if labels.size else "")
            + ". Cast whole-number labels with labels.astype('int64')."
        )
    if count is not None and len(labels) != count:
        raise ValueError(f"{name} received {count} images but {len(labels)} {what} in a batch.")
    if labels.size and labels.min() < 0:
        raise ValueError(
            f"{name} expects {what} that are class indices in [0, {num_classes}); "
            f"received a negative value, {labels.min()}. Class indices start at 0."
        )
    if labels.size and labels.max() >= num_classes:
        raise ValueError(
            f"{name} was built with num_classes={num_classes}, so {what} must lie "
            f"in [0, {num_classes}); received values in "
            f"[{labels.min()}, {labels.max()}]. "
            + (f"It draws the classes it was trained on, 0 to {num_classes - 1}."
               if what.startswith("generate") else
               f"Build the model with num_classes={int(labels.max()) + 1} or remap the "
               "labels.")
        )
    return labels.astype("int64")


def _check_marked(check_batch, batch, which):
    """`check_batch(batch)`, its `ValueError` marked with `which` batch it was."""
    try:
        check_batch(batch)
    except ValueError as error:
        raise ValueError(refusal(which, str(error))) from None


def every_batch_checked(x, y, batch_size, fit_kwargs, check_batch):
    """What `fit` trains on, with `check_batch` run on every batch before a train step
    takes it: returns `(x, y, batch_size)` to pass on to Keras's `fit`.

    A `tf.data` dataset gets the check inside its pipeline (`check_every_batch`);
    NumPy arrays and tensors become such a dataset first (batched as Keras batches
    them: `batch_size`, default 32, the last batch smaller; shuffled each epoch unless
    `shuffle=False`, popped from `fit_kwargs`); a `keras.utils.PyDataset` is wrapped so
    that each `__getitem__` checks its batch. Other inputs pass unchanged.
    """
    if isinstance(x, (np.ndarray, tf.Tensor)):
        shuffle = fit_kwargs.pop("shuffle", True)
        x = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
        if shuffle:
            x = x.shuffle(len(x), reshuffle_each_iteration=True)
        x, y, batch_size = x.batch(batch_size or 32), None, None
    if isinstance(x, tf.data.Dataset):
        # A dataset is shuffled by its pipeline; Keras warns if asked to again.
        fit_kwargs.setdefault("shuffle", False)
        return check_every_batch(x, check_batch), y, batch_size
    if isinstance(x, keras.utils.PyDataset):
        return CheckedPyDataset(x, check_batch), y, batch_size
    return x, y, batch_size


class CheckedPyDataset(keras.utils.PyDataset):
    """A `keras.utils.PyDataset` whose every batch is checked as `__getitem__` gives it
    (in the worker that reads it): the batches, workers and epoch hooks of `dataset`."""

    def __init__(self, dataset, check_batch):
        super().__init__(workers=dataset.workers, max_queue_size=dataset.max_queue_size,
                         use_multiprocessing=dataset.use_multiprocessing)
        self.dataset = dataset
        self.check_batch = check_batch

    @property
    def num_batches(self):
        return self.dataset.num_batches

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, index):
        batch = self.dataset[index]
        # Keras shuffles a PyDataset's batches (fit's shuffle=True): name the index.
        _check_marked(self.check_batch, batch, f"The PyDataset's batch dataset[{index}]")
        return batch

    def on_epoch_begin(self):
        self.dataset.on_epoch_begin()

    def on_epoch_end(self):
        self.dataset.on_epoch_end()


def check_every_batch(dataset, check_batch):
    """`dataset` with `check_batch` run on each of its batches inside the pipeline.

    The check sees the batch as numpy (a `tf.py_function` on the host, before the
    batch reaches a train step); batches pass unchanged. A refused batch stops the
    iteration; `refused_batch` turns what tf.data reports into a `ValueError` that
    names the batch.
    """
    spec = dataset.element_spec

    def check(index, *flat):
        batch = tf.nest.pack_sequence_as(spec, [tensor.numpy() for tensor in flat])
        _check_marked(check_batch, batch, f"Batch {int(index) + 1} of the epoch")
        return flat

    def checked(index, element):
        # The batch passes through the check, so no train step can take it before.
        flat = tf.nest.flatten(element)
        passed = tf.py_function(check, [index, *flat], Tout=[t.dtype for t in flat])
        for tensor, original in zip(passed, flat):
            tensor.set_shape(original.shape)
        return tf.nest.pack_sequence_as(element, passed)

    return dataset.enumerate().map(checked, num_parallel_calls=tf.data.AUTOTUNE,
                                   deterministic=True).prefetch(tf.data.AUTOTUNE)


def refused_batch(error):
    """The `ValueError` of a batch `check_every_batch` refused, from the error tf.data
    raised for it, or None when `error` is something else."""
    found = re.search(rf"<{REFUSED} ([^>]*)>(.*?)</{REFUSED}>", str(error), re.S)
    if found is None:
        return None
    return ValueError(
        f"{found[1]} was refused before any training step on it (the batches before it "
        f"in this epoch trained): {found[2]}"
    )
