"""Arrays of images: pipelines from memory or from `.npy`/`.npz` files, their
checks, and the scaling to [-1, 1]."""

import os

import numpy as np
import tensorflow as tf

from keras_gans.data.checks import _check_batch_size, _check_value_range
from keras_gans.data.pipeline import batch_pipeline
from keras_gans.data.registry import _known_names


def from_arrays(
    images,
    labels=None,
    batch_size=128,
    shuffle=True,
    seed=None,
    drop_remainder=False,
    value_range=None,
):
    """Make a pipeline of float32 images in [-1, 1] from in-memory arrays.

    Args:
        images: array-like of shape `(N, H, W)` or `(N, H, W, C)`; a channel
            axis is added to the first. Kept in memory in its own dtype
            (uint8 stays uint8) and scaled batch by batch.
        labels: array-like of integers of shape `(N,)`, or None. When given,
            the dataset yields `(images, labels)` with int64 labels.
            Defaults to `None`.
        batch_size: int. Images per batch. Defaults to `128`.
        shuffle: bool. Shuffle, with a fresh order each epoch. Defaults to
            `True`.
        seed: int or None. Seed of the shuffle. Defaults to `None`.
        drop_remainder: bool. Drop the last, smaller batch. Defaults to
            `False`.
        value_range: tuple `(low, high)` or None. The range of the input
            values, mapped linearly to [-1, 1]; values outside it raise.
            `None` reads integer images as `(0, 255)` and requires float
            images to be in [-1, 1] already. Defaults to `None`.

    Returns:
        A prefetched `tf.data.Dataset`.

    Examples:

    ```python
    images = np.random.randint(0, 256, size=(64, 32, 32, 3), dtype="uint8")
    dataset = keras_gans.data.from_arrays(images, batch_size=16)

    # Float images in [0, 1], with labels.
    images = np.random.uniform(size=(64, 28, 28)).astype("float32")
    labels = np.arange(64) % 10
    dataset = keras_gans.data.from_arrays(
        images, labels, value_range=(0, 1), seed=0
    )
    ```
    """
    _check_batch_size(batch_size)
    images, labels, value_range = _check_arrays(images, labels, value_range)
    return _in_memory_dataset(
        images, labels, value_range, batch_size=batch_size, shuffle=shuffle,
        seed=seed, drop_remainder=drop_remainder, image_size=None,
    )


def scale_images(images, value_range=(0, 255)):
    """Map images linearly from `value_range` to [-1, 1], as float32.

    For the default range this is `images / 127.5 - 1`. Values are not
    checked: what lies outside `value_range` lands outside [-1, 1].

    Args:
        images: a NumPy array (or nested list) or a `tf.Tensor`, any shape.
        value_range: tuple `(low, high)`. The input range. Defaults to
            `(0, 255)`.

    Returns:
        A float32 array for array input, a float32 tensor for tensor input.

    Examples:

    ```python
    keras_gans.data.scale_images(np.array([0, 255], dtype="uint8"))
    # array([-1., 1.], dtype=float32)
    keras_gans.data.scale_images(tf.constant([0.0, 0.5]), value_range=(0, 1))
    # <tf.Tensor: [-1., 0.]>
    ```
    """
    low, high = _check_value_range(value_range)
    half_width = (high - low) / 2.0
    # Written as x / h - o so that (0, 255) gives exactly x / 127.5 - 1 and
    # (-1, 1) gives x unchanged.
    offset = low / half_width + 1.0
    if tf.is_tensor(images):
        return tf.cast(images, tf.float32) / half_width - offset
    images = np.asarray(images, dtype=np.float32)
    return images / np.float32(half_width) - np.float32(offset)


def _in_memory_dataset(
    images,
    labels,
    value_range,
    batch_size,
    shuffle,
    seed,
    drop_remainder,
    image_size,
):
    """The pipeline of checked arrays: shuffled, batched, scaled, resized."""
    elements = images if labels is None else (images, labels)
    resize = image_size is not None and tuple(image_size) != images.shape[1:3]
    # Scaling whole batches keeps the stored arrays small (uint8) and the
    # per-element work of tf.data low.
    return batch_pipeline(
        tf.data.Dataset.from_tensor_slices(elements),
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        prepare_batch=_batch_preparer(value_range, image_size if resize else None),
    )


def _batch_preparer(value_range, image_size):
    """A function scaling a batch from `value_range`, resizing unless None."""

    def prepare(batch):
        batch = scale_images(batch, value_range)
        if image_size is not None:
            batch = _resize(batch, image_size)
        return batch

    return prepare


def _resize(images, image_size):
    # Antialiasing matters when shrinking; bilinear weights are convex, so
    # the clip only removes float rounding.
    images = tf.image.resize(images, image_size, antialias=True)
    return tf.clip_by_value(images, -1.0, 1.0)


def _read_array_file(path, with_labels):
    """Returns `(images, labels)` of a `.npy` or `.npz` file, unchecked."""
    extension = os.path.splitext(path)[1].lower()
    if extension == ".npy":
        if with_labels:
            raise ValueError(
                f"A .npy file holds images only, but with_labels=True. Save "
                f"images and labels together with "
                f"`np.savez(path, images=..., labels=...)`. Received: {path!r}."
            )
        return np.load(path, allow_pickle=False), None
    if extension != ".npz":
        raise ValueError(
            "Expected a directory of images, a .npy or a .npz file, or one "
            f"of the names {_known_names()}. Received: {path!r}."
        )
    with np.load(path, allow_pickle=False) as archive:
        keys = list(archive.keys())
        image_key = next((k for k in ("images", "x") if k in keys), None)
        label_key = next((k for k in ("labels", "y") if k in keys), None)
        if image_key is None:
            raise ValueError(
                f"Expected the images under the key 'images' or 'x' of the "
                f".npz file. Received: {path!r} with keys {keys}."
            )
        if with_labels and label_key is None:
            raise ValueError(
                f"with_labels=True needs labels under the key 'labels' or "
                f"'y' of the .npz file. Received: {path!r} with keys {keys}."
            )
        images = archive[image_key]
        labels = archive[label_key] if with_labels else None
    return images, labels


def _check_arrays(images, labels, value_range):
    """Validates arrays; returns `(images, labels, value_range)` to scale."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4:
        raise ValueError(
            "Expected images of shape (N, H, W) or (N, H, W, C). Received: "
            f"images.shape={images.shape}."
        )
    if images.size == 0:
        raise ValueError(
            "Expected at least one non-empty image. Received: "
            f"images.shape={images.shape}."
        )
    value_range = _check_image_values(images, value_range)
    if images.dtype != np.uint8:
        # Other dtypes become float32 once here rather than in every batch.
        images = images.astype(np.float32)
    if labels is not None:
        labels = _check_labels(labels, images)
    return images, labels, value_range


def _check_image_values(images, value_range):
    """Checks the dtype and that the values lie in the range; returns it."""
    is_integer = np.issubdtype(images.dtype, np.integer)
    if not (is_integer or np.issubdtype(images.dtype, np.floating)):
        raise ValueError(
            "Expected integer or floating images. Received: "
            f"images.dtype={images.dtype}."
        )
    explicit = value_range is not None
    if explicit:
        value_range = _check_value_range(value_range)
    else:
        value_range = (0, 255) if is_integer else (-1, 1)
    low, high = value_range
    smallest, largest = images.min(), images.max()
    if np.isnan(smallest) or np.isnan(largest):
        raise ValueError("Expected finite images. Received images with NaN.")
    # A little slack for float rounding in the caller's own scaling.
    slack = 1e-4 * (high - low) if not is_integer else 0
    if smallest < low - slack or largest > high + slack:
        if explicit:
            hint = "Pass the range the values are actually in."
        elif is_integer:
            hint = (
                "Pass value_range=(low, high) for integer images outside "
                "[0, 255]."
            )
        else:
            hint = (
                "Float images must already be in [-1, 1]; if they are in "
                "[0, 255] pass value_range=(0, 255), if in [0, 1] pass "
                "value_range=(0, 1) to keras_gans.data.from_arrays() (for a "
                ".npy or .npz file: from_arrays(np.load(path), "
                "value_range=...))."
            )
        raise ValueError(
            f"Expected image values in [{low}, {high}]. Received "
            f"images.dtype={images.dtype} with values in "
            f"[{smallest}, {largest}]. {hint}"
        )
    return value_range


def _check_labels(labels, images):
    """Checks one non-negative integer label per image; returns int64 labels."""
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            "Expected integer class labels. Received: "
            f"labels.dtype={labels.dtype}."
        )
    if labels.shape != (len(images),):
        raise ValueError(
            f"Expected labels of shape ({len(images)},), one per image. "
            f"Received: labels.shape={labels.shape} for "
            f"images.shape={images.shape}."
        )
    if labels.min() < 0:
        raise ValueError(
            "Expected class labels >= 0 (class indices start at 0). Received "
            f"{labels.min()} at index {int(labels.argmin())}. Remap the labels "
            "to 0, 1, ..., num_classes - 1."
        )
    return labels.astype(np.int64)

