"""Arranging images into grids and writing them as PNG or JPEG."""

import math
import os

import numpy as np

from keras_gans.io_utils import write_bytes


def to_uint8(images):
    """Maps images in [-1, 1] to uint8 in [0, 255] (values outside are clipped)."""
    images = np.clip(np.asarray(images, dtype=np.float32), -1.0, 1.0)
    return np.round((images + 1.0) * 127.5).astype(np.uint8)


def make_grid(images, columns=None, padding=2):
    """Tiles a batch of images in [-1, 1] into one uint8 image.

    Args:
        images: array `(n, height, width, channels)` in [-1, 1].
        columns: int or None. Defaults to ceil(sqrt(n)); rows = ceil(n / columns).
        padding: int, defaults to 2. Black pixels around and between the images.

    Returns:
        uint8 array of shape `(rows * (height + padding) + padding,
        columns * (width + padding) + padding, channels)`.
    """
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(
            f"make_grid expects images of shape (n, height, width, channels); "
            f"received shape {images.shape}."
        )
    count, height, width, channels = images.shape
    columns = columns or max(1, math.ceil(math.sqrt(count)))
    rows = math.ceil(count / columns)
    grid = np.zeros(
        (rows * (height + padding) + padding, columns * (width + padding) + padding, channels),
        dtype=np.uint8,
    )
    for index, image in enumerate(to_uint8(images)):
        row, column = divmod(index, columns)
        top = padding + row * (height + padding)
        left = padding + column * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def encode_png(image):
    """PNG bytes of a uint8 `(height, width, channels)` image (1, 3 or 4 channels)."""
    import tensorflow as tf

    return tf.io.encode_png(image).numpy()


# The image formats a grid can be written in, by file extension (lower case).
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def image_format(path):
    """`"PNG"` or `"JPEG"`, from the extension of `path`; `ValueError` for any other."""
    extension = os.path.splitext(os.fspath(path))[1].lower()
    if extension not in IMAGE_FORMATS:
        raise ValueError(
            f"Cannot tell the image format of {os.fspath(path)!r}. Expected a file name "
            f"ending in {', '.join(IMAGE_FORMATS)}. Received the extension "
            f"{extension or '(none)'!r}."
        )
    return IMAGE_FORMATS[extension]


def encode_jpeg(image, quality=95):
    """JPEG bytes of a uint8 `(height, width, channels)` image (1 or 3 channels)."""
    import tensorflow as tf

    return tf.io.encode_jpeg(image, quality=quality).numpy()


def save_grid(path, images, columns=None, padding=2):
    """Writes `make_grid(images)` to `path` atomically, as PNG or JPEG by its extension
    (`image_format`). Returns the grid."""
    encode = {"PNG": encode_png, "JPEG": encode_jpeg}[image_format(path)]
    grid = make_grid(images, columns=columns, padding=padding)
    write_bytes(path, encode(grid))
    return grid
