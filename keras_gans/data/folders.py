"""Directories of image files, one class per sub-folder when labels are wanted."""

import os

import numpy as np
import tensorflow as tf

from keras_gans.data.arrays import scale_images
from keras_gans.data.checks import refusal
from keras_gans.data.pipeline import batch_pipeline
from keras_gans.data.registry import IMAGE_EXTENSIONS


def _image_directory_dataset(
    directory,
    with_labels,
    image_size,
    batch_size,
    shuffle,
    seed,
    drop_remainder,
):
    """The pipeline of a directory's images, decoded file by file.

    Args:
        directory: str. The directory, already expanded.
        with_labels: bool. Yield `(images, labels)`, a class per sub-folder.
        image_size: tuple `(height, width)` or None. Resize to it; `None`
            requires every image to have the first image's size.
        batch_size, shuffle, seed, drop_remainder: as in `load()`.

    Returns:
        A prefetched `tf.data.Dataset`, with a `class_names` attribute when
        `with_labels`.
    """
    paths, labels, class_names = _list_images(directory, with_labels)
    if not paths:
        where = " or its class sub-folders" if with_labels else ""
        raise ValueError(
            f"Found no images ({', '.join(IMAGE_EXTENSIONS)}) in "
            f"{directory!r}{where}."
        )
    elements = paths if labels is None else (paths, labels)
    dataset = batch_pipeline(
        tf.data.Dataset.from_tensor_slices(elements),
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        prepare_element=_image_reader(paths[0], image_size),
    )
    if class_names is not None:
        dataset.class_names = class_names
    return dataset


def _list_images(directory, with_labels):
    """Returns sorted file paths, their int64 labels and the class names."""
    if not with_labels:
        return _images_under(directory), None, None

    class_names = sorted(
        entry
        for entry in os.listdir(directory)
        if not entry.startswith(".")
        and os.path.isdir(os.path.join(directory, entry))
    )
    paths, labels = [], []
    for label, class_name in enumerate(class_names):
        class_paths = _images_under(os.path.join(directory, class_name))
        paths += class_paths
        labels += [label] * len(class_paths)
    if not class_names:
        raise ValueError(
            "with_labels=True reads one class per sub-folder, but the "
            f"directory has no sub-folders. Received: {directory!r}. Move "
            "each class's images into a sub-folder named after it, or pass "
            "with_labels=False."
        )
    return paths, np.asarray(labels, dtype=np.int64), class_names


def _images_under(root):
    """The image files below `root`, hidden ones left out, in sorted order."""
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(s for s in subfolders if not s.startswith("."))
        found += [
            os.path.join(folder, file)
            for file in sorted(files)
            if not file.startswith(".")
            and os.path.splitext(file)[1].lower() in IMAGE_EXTENSIONS
        ]
    return found


def _image_reader(first_path, image_size):
    """A function from a file path to a float32 image in [-1, 1].

    The first image decides the color mode and, without `image_size`, the
    size every other image must have.
    """
    try:
        first = tf.io.decode_image(
            tf.io.read_file(first_path), channels=0, expand_animations=False
        )
    except tf.errors.OpError as error:
        raise ValueError(
            f"Could not decode the image {first_path!r}: {error.message}"
        ) from error
    channels = 1 if first.shape[-1] in (1, 2) else 3
    size = (
        tuple(image_size) if image_size is not None else tuple(first.shape[:2])
    )

    def read(path):
        # channels=0 because GIF decoding accepts no other request than RGB;
        # the conversion below then gives every image the same channels.
        data = tf.io.read_file(path)
        with tf.control_dependencies([_whole_file_check(data, path)]):
            image = tf.io.decode_image(data, channels=0, expand_animations=False)
        image = _convert_channels(image, channels)
        if image_size is not None:
            image = tf.image.resize(image, size, antialias=True)
            image = tf.clip_by_value(scale_images(image), -1.0, 1.0)
        else:
            with tf.control_dependencies([_same_size_check(image, size, path)]):
                image = scale_images(image)
        return tf.ensure_shape(image, size + (channels,))

    return read


# How a complete image file starts: PNG, JPEG, GIF, BMP. A PNG also ends with its
# IEND chunk (type and CRC; within the last 64 bytes, as decoders ignore what follows);
# a JPEG or GIF may carry data after its end marker, so their ends are not checked.
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"
_OTHER_SIGNATURES = (b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


def _whole_file_check(data, path):
    """Refuses, naming `path`, a file that is empty, truncated (a PNG) or of no image
    format, which the decoder would only report as "Invalid PNG data" (no file name)."""
    tail = tf.strings.substr(data, tf.maximum(tf.strings.length(data) - 64, 0), 64)
    whole_png = tf.logical_and(
        tf.equal(tf.strings.substr(data, 0, len(_PNG_SIGNATURE)), _PNG_SIGNATURE),
        tf.size(tf.strings.split(tail, sep=_PNG_END)) > 1,
    )
    other = [tf.equal(tf.strings.substr(data, 0, len(start)), start)
             for start in _OTHER_SIGNATURES]
    return tf.debugging.Assert(tf.reduce_any([whole_png, *other]), [refusal(
        tf.strings.join(["The image file ", path]),
        "It is empty, truncated or not a PNG, JPEG, GIF or BMP file. Copy it again, or "
        "delete it from the folder.",
    )])


def _same_size_check(image, size, path):
    same_size = tf.reduce_all(tf.equal(tf.shape(image)[:2], size))
    shape = tf.strings.as_string(tf.shape(image)[:2])
    return tf.debugging.Assert(same_size, [refusal(
        tf.strings.join(["The image file ", path]),
        tf.strings.join([
            f"Images differ in size: the first is {size[0]}x{size[1]}, but this one is ",
            shape[0], "x", shape[1], ". Pass image_size=(height, width) to load() "
            "(--image-size) to resize them all.",
        ]),
    )])


def _convert_channels(image, channels):
    # Alpha is dropped rather than composited: GAN training sets are rarely
    # transparent, and there is no background color to assume.
    count = tf.shape(image)[-1]
    if channels == 1:
        return tf.cond(
            count >= 3,
            lambda: tf.image.rgb_to_grayscale(image[..., :3]),
            lambda: image[..., :1],
        )
    return tf.cond(
        count >= 3,
        lambda: image[..., :3],
        lambda: tf.tile(image[..., :1], [1, 1, 3]),
    )
