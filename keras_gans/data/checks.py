"""Argument checks shared by the loaders; each raises a ValueError that says
what was expected and what was received."""

import math

import numpy as np
import tensorflow as tf

from keras_gans.data.registry import SPLITS

# Marks the message of data refused inside a `tf.data` pipeline (a batch, a file): tf.data
# reports the error as an op error, and `kg.models.checks.refused_batch` finds the
# message again there and raises it as a `ValueError`.
REFUSED = "keras-gans-refused-batch"


def refusal(which, message):
    """The marked text of a refusal of `which` (e.g. "Batch 5 of the epoch") for `message`;
    both may be string tensors (the text is then a string tensor)."""
    parts = [f"<{REFUSED} ", which, ">", message, f"</{REFUSED}>"]
    if any(tf.is_tensor(part) for part in parts):
        return tf.strings.join(parts)
    return "".join(parts)


def _check_split(split):
    if split not in SPLITS:
        raise ValueError(
            f"Unknown split. Expected one of {list(SPLITS)}. Received: "
            f"split={split!r}."
        )


def _check_batch_size(batch_size):
    is_integer = isinstance(batch_size, (int, np.integer))
    if isinstance(batch_size, bool) or not is_integer or batch_size < 1:
        raise ValueError(
            f"Expected a positive integer batch_size. Received: "
            f"batch_size={batch_size!r}."
        )


def _check_image_size(image_size):
    if image_size is None:
        return None
    try:
        height, width = (int(side) for side in image_size)
        valid = height > 0 and width > 0
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError(
            "Expected image_size=(height, width) with two positive integers. "
            f"Received: image_size={image_size!r}."
        )
    return (height, width)


def _check_value_range(value_range):
    try:
        low, high = (float(bound) for bound in value_range)
        valid = math.isfinite(low) and math.isfinite(high) and low < high
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError(
            "Expected value_range=(low, high) with finite low < high. "
            f"Received: value_range={value_range!r}."
        )
    return low, high


def _check_loader_args(split, batch_size, image_size, shuffle):
    """The checks `load` and `load_unpaired` share.

    Returns:
        `(image_size, shuffle)`: the size as a tuple of ints or None, and
        `shuffle` with `None` resolved (shuffle the `"train"` split only).
    """
    _check_split(split)
    _check_batch_size(batch_size)
    image_size = _check_image_size(image_size)
    if shuffle is None:
        shuffle = split == "train"
    return image_size, shuffle
