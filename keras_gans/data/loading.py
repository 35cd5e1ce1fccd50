"""The entry points: `load`, which tells a name from a path, and
`load_training_data`, what a model variant trains on."""

import os

from keras_gans.data.arrays import (
    _check_arrays,
    _in_memory_dataset,
    _read_array_file,
)
from keras_gans.data.checks import _check_loader_args
from keras_gans.data.folders import _image_directory_dataset
from keras_gans.data.named import load_arrays
from keras_gans.data.registry import (
    NAMED_DATASETS,
    _canonical_name,
    _known_names,
)
from keras_gans.data.unpaired import load_unpaired

# What a variant trains on: images alone (unconditional GANs), images with
# their class labels (conditional GANs), or two unpaired domains (CycleGAN).
TRAINING_INPUTS = ("images", "images_and_labels", "unpaired_images")


def load(
    name_or_path,
    split="train",
    batch_size=128,
    with_labels=False,
    shuffle=None,
    seed=None,
    data_dir=None,
    image_size=None,
    drop_remainder=False,
):
    """Load an image dataset as batches of float32 images in [-1, 1].

    A named dataset is looked for, in this order: in `data_dir` when it is
    given (and nowhere else); in `$KERAS_GANS_DATA_DIR/<name>/`; in the
    system directory of `NAMED_DATASETS[name]["system_dirs"]` (Debian's
    `apt-get install dataset-fashion-mnist` fills
    `/usr/share/datasets/fashion-mnist/`); and last through
    `tensorflow_datasets`, which downloads when online.

    A directory of images gives one class per sub-folder, in alphabetical
    order; images are decoded as grayscale when the first image has one
    channel (or gray plus alpha), else as RGB, and alpha is dropped.

    Args:
        name_or_path: str or path-like. A key of `NAMED_DATASETS`
            (`"fashion_mnist"`, also spelled `"fashion-mnist"`, or
            `"mnist"`), a directory of `.png`/`.jpg`/`.jpeg`/`.bmp`/`.gif`
            images, or a `.npy` file of images or a `.npz` file with the key
            `"images"` (or `"x"`) and optionally `"labels"` (or `"y"`).
            uint8 arrays are read as [0, 255]; float arrays must already be
            in [-1, 1] (for other ranges use `from_arrays(...,
            value_range=...)`). A path-like object is always read as a path.
        split: str. `"train"` or `"test"`. For a path it only chooses the
            default of `shuffle`. Defaults to `"train"`.
        batch_size: int. Images per batch. Defaults to `128`.
        with_labels: bool. If `True`, yield `(images, labels)` with int64
            labels of shape `(batch,)`; if `False`, yield the images tensor
            alone. Defaults to `False`.
        shuffle: bool or None. Whether to shuffle, with a fresh order each
            epoch. `None` shuffles the `"train"` split only. Defaults to
            `None`.
        seed: int or None. Seed of the shuffle: two pipelines with the same
            seed give the same sequence of epochs. Defaults to `None`.
        data_dir: str, path-like or None. A directory holding the four IDX
            files of a named dataset (`train-images-idx3-ubyte`,
            `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
            `t10k-labels-idx1-ubyte`, each optionally gzipped). Only for
            named datasets. Defaults to `None`.
        image_size: tuple of two ints or None. `(height, width)` to resize
            every image to, bilinearly with antialiasing. `None` keeps the
            size; in a directory all images must then share the first
            image's size. Defaults to `None`.
        drop_remainder: bool. Drop the last batch when it is smaller than
            `batch_size`. Defaults to `False`.

    Returns:
        A `tf.data.Dataset`, prefetched, with a `class_names` attribute when
        the classes are known (named datasets and image directories).

    Examples:

    ```python
    train = keras_gans.data.load("fashion_mnist", batch_size=128)
    images = next(iter(train))  # (128, 28, 28, 1) float32 in [-1, 1]

    # Labels for a conditional GAN, reproducible order.
    labeled = keras_gans.data.load(
        "fashion_mnist", with_labels=True, seed=0
    )
    images, labels = next(iter(labeled))  # labels: (128,) int64

    # Files downloaded by hand.
    test = keras_gans.data.load("mnist", split="test", data_dir="~/mnist")

    # A folder of photos, one sub-folder per class, resized to 64x64.
    faces = keras_gans.data.load("faces/", image_size=(64, 64))
    ```
    """
    image_size, shuffle = _check_loader_args(split, batch_size, image_size, shuffle)
    pipeline = dict(
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        image_size=image_size,
    )
    name = _canonical_name(name_or_path)
    if name is not None:
        images, labels = load_arrays(name, split=split, data_dir=data_dir)
        dataset = _in_memory_dataset(
            images,
            labels if with_labels else None,
            value_range=(0, 255),
            **pipeline,
        )
        dataset.class_names = list(NAMED_DATASETS[name]["class_names"])
        return dataset

    path = _existing_path(name_or_path, data_dir)
    if os.path.isdir(path):
        return _image_directory_dataset(path, with_labels=with_labels, **pipeline)
    images, labels = _read_array_file(path, with_labels)
    try:
        images, labels, value_range = _check_arrays(images, labels, None)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return _in_memory_dataset(images, labels, value_range=value_range, **pipeline)


def _existing_path(name_or_path, data_dir):
    """The expanded path `load` reads, checked to exist and to need no `data_dir`."""
    path = os.path.expanduser(os.fspath(name_or_path))
    if not os.path.exists(path):
        raise ValueError(
            f"Unknown dataset. Expected one of {_known_names()} or the path "
            "of an image directory, a .npy or a .npz file. Received: "
            f"name_or_path={name_or_path!r}, which is neither a known name "
            "nor an existing path."
        )
    if data_dir is not None:
        raise ValueError(
            "`data_dir` only applies to named datasets "
            f"({_known_names()}); to read files, pass their path as "
            f"`name_or_path`. Received: name_or_path={name_or_path!r}, "
            f"data_dir={data_dir!r}."
        )
    return path


def load_training_data(
    dataset,
    inputs,
    batch_size,
    seed=None,
    data_dir=None,
    split="train",
    drop_remainder=False,
    image_size=None,
):
    """The pipeline a model variant trains on, for the inputs it takes.

    One entry point for `keras-gans train`, the zoo and the benchmarks, so
    that the models themselves carry no dataset knowledge (see
    `default_dataset()` for the dataset a variant trains on by default).

    Args:
        dataset: str or path-like. A dataset for `load()` (a named dataset,
            an image directory or a `.npy`/`.npz` file), or for
            `"unpaired_images"` a name for `load_unpaired()` or a pair
            `(folder_a, folder_b)`.
        inputs: str, one of `TRAINING_INPUTS`: `"images"` (unconditional
            variants), `"images_and_labels"` (conditional ones) or
            `"unpaired_images"` (CycleGAN).
        batch_size: int. Images per batch (per domain for unpaired images).
        seed: int or None. Seed of the shuffle. Defaults to `None`.
        data_dir: str, path-like or None. A directory of the named dataset's
            IDX files, as in `load()`. Defaults to `None`.
        split: str. `"train"` or `"test"`. Defaults to `"train"`.
        drop_remainder: bool. Drop the last, smaller batch. Defaults to
            `False`.
        image_size: `(height, width)` or None. Resize to it (folders).

    Returns:
        A prefetched `tf.data.Dataset` of images, of `(images, labels)` or
        of `(images_a, images_b)`: exactly what `load(dataset, split,
        batch_size, with_labels=..., seed=..., data_dir=...)` or
        `load_unpaired(dataset, split=..., batch_size=..., seed=...,
        data_dir=...)` gives.

    Examples:

    ```python
    train = keras_gans.data.load_training_data(
        keras_gans.data.default_dataset("cyclegan"), "unpaired_images",
        batch_size=1, seed=0,
    )
    sneakers, boots = next(iter(train))
    ```
    """
    if inputs not in TRAINING_INPUTS:
        raise ValueError(
            f"Unknown training inputs. Expected one of {list(TRAINING_INPUTS)}. "
            f"Received: inputs={inputs!r}."
        )
    common = dict(seed=seed, data_dir=data_dir, drop_remainder=drop_remainder,
                  image_size=image_size)
    if inputs == "unpaired_images":
        # Two folders come as a pair (folder_a, folder_b).
        pair = tuple(dataset) if isinstance(dataset, (tuple, list)) else (dataset, None)
        return load_unpaired(*pair, split=split, batch_size=batch_size, **common)
    with_labels = inputs == "images_and_labels"
    return load(dataset, split, batch_size, with_labels=with_labels, **common)
