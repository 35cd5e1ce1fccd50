"""Image datasets as `tf.data` pipelines of float32 images in [-1, 1].

Every GAN in keras-gans ends its generator with `tanh`, so every pipeline here
yields float32 images of shape `(batch, height, width, channels)` scaled to
[-1, 1], optionally paired with int64 class labels of shape `(batch,)`.

Sources, all reached through `load()`:

- the named datasets in `NAMED_DATASETS` ("fashion_mnist", "mnist"), read from
  their original IDX files found offline, or downloaded with TensorFlow
  Datasets as a last resort;
- a directory of images (one sub-folder per class when labels are wanted);
- a `.npy` or `.npz` file of arrays.

Arrays already in memory go through `from_arrays()`.
"""

import collections
import gzip
import math
import os
import zlib

import numpy as np
import tensorflow as tf

# Set this to a directory holding one sub-folder per dataset (for example
# `$KERAS_GANS_DATA_DIR/fashion-mnist/`) to point every named load at it.
DATA_DIR_ENV_VAR = "KERAS_GANS_DATA_DIR"

SPLITS = ("train", "test")

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")

NAMED_DATASETS = {
    "fashion_mnist": {
        "description": (
            "Zalando's Fashion-MNIST: 28x28 grayscale photos of clothing in "
            "10 classes, 60,000 for training and 10,000 for testing."
        ),
        "image_shape": (28, 28, 1),
        "num_classes": 10,
        "class_names": (
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        "num_examples": {"train": 60000, "test": 10000},
        # Sub-folders of $KERAS_GANS_DATA_DIR tried, in order.
        "data_dir_names": ("fashion-mnist", "fashion_mnist"),
        # Where the Debian package `dataset-fashion-mnist` installs the files.
        "system_dirs": ("/usr/share/datasets/fashion-mnist",),
        "apt_package": "dataset-fashion-mnist",
        "tfds_name": "fashion_mnist",
    },
    "mnist": {
        "description": (
            "LeCun's MNIST: 28x28 grayscale handwritten digits, 60,000 for "
            "training and 10,000 for testing."
        ),
        "image_shape": (28, 28, 1),
        "num_classes": 10,
        "class_names": tuple(str(digit) for digit in range(10)),
        "num_examples": {"train": 60000, "test": 10000},
        "data_dir_names": ("mnist",),
        "system_dirs": ("/usr/share/datasets/mnist",),
        "apt_package": None,
        "tfds_name": "mnist",
    },
}

# Spellings accepted for `name_or_path` besides the keys of NAMED_DATASETS.
_NAME_ALIASES = {"fashion-mnist": "fashion_mnist"}

# File names of the original distribution; each may also carry `.gz`.
_IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
_IDX_IMAGES_MAGIC = 2051  # unsigned bytes, 3 dimensions
_IDX_LABELS_MAGIC = 2049  # unsigned bytes, 1 dimension

# Decoded (images, labels) pairs, most recently used last. Four entries hold
# the train and test splits of both named datasets (about 110 MB); the key
# includes each file's size and modification time, so an edited file is
# read again.
_ARRAY_CACHE = collections.OrderedDict()
_ARRAY_CACHE_SIZE = 4


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
    _check_split(split)
    _check_batch_size(batch_size)
    image_size = _check_image_size(image_size)
    if shuffle is None:
        shuffle = split == "train"

    name = _canonical_name(name_or_path)
    if name is not None:
        images, labels = load_arrays(name, split=split, data_dir=data_dir)
        dataset = _in_memory_dataset(
            images,
            labels if with_labels else None,
            value_range=(0, 255),
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
            drop_remainder=drop_remainder,
            image_size=image_size,
        )
        dataset.class_names = list(NAMED_DATASETS[name]["class_names"])
        return dataset

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
    if os.path.isdir(path):
        return _image_directory_dataset(
            path,
            with_labels=with_labels,
            image_size=image_size,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
            drop_remainder=drop_remainder,
        )
    images, labels = _read_array_file(path, with_labels)
    images, labels, value_range = _check_arrays(images, labels, None)
    return _in_memory_dataset(
        images,
        labels,
        value_range=value_range,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        image_size=image_size,
    )


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
        images,
        labels,
        value_range=value_range,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        image_size=None,
    )


def load_arrays(name, split="train", data_dir=None):
    """Load a named dataset split as uint8 images and int64 labels.

    The files are searched as described in `load()`. Decoded arrays are kept
    in a small in-process cache, so loading the same split again is free;
    they are therefore read-only: copy them before writing into them.

    Args:
        name: str. A key of `NAMED_DATASETS` (or `"fashion-mnist"`).
        split: str. `"train"` or `"test"`. Defaults to `"train"`.
        data_dir: str, path-like or None. A directory holding the split's
            IDX files, searched alone when given. Defaults to `None`.

    Returns:
        A tuple `(images, labels)`: uint8 images of shape `(N, H, W, C)` and
        int64 labels of shape `(N,)`.

    Examples:

    ```python
    images, labels = keras_gans.data.load_arrays("fashion_mnist", "test")
    images.shape  # (10000, 28, 28, 1)
    ```
    """
    canonical = _canonical_name(name)
    if canonical is None:
        raise ValueError(
            f"Unknown dataset name. Expected one of {_known_names()}. "
            f"Received: name={name!r}."
        )
    _check_split(split)

    if data_dir is not None:
        directory = os.path.expanduser(os.fspath(data_dir))
        paths, missing = _find_idx_pair(directory, split)
        if missing:
            if os.path.isdir(directory):
                entries = sorted(os.listdir(directory))
                more = (
                    f" and {len(entries) - 10} more"
                    if len(entries) > 10
                    else ""
                )
                listing = f"it holds {entries[:10]}{more}"
            else:
                listing = "the directory does not exist"
            raise ValueError(
                f"`data_dir` lacks the {canonical} {split!r} split: missing "
                f"{', '.join(base + '[.gz]' for base in missing)} ({listing}). "
                f"Download the original IDX files into it, or leave out "
                f"`data_dir` to search the default places. Received: "
                f"data_dir={data_dir!r}."
            )
        return _cached_idx_pair(*paths)

    searched = []
    for directory in _default_directories(canonical):
        searched.append(directory)
        paths, missing = _find_idx_pair(directory, split)
        if not missing:
            return _cached_idx_pair(*paths)

    key = ("tfds", canonical, split)
    if key in _ARRAY_CACHE:
        _ARRAY_CACHE.move_to_end(key)
        return _ARRAY_CACHE[key]
    try:
        images, labels = _load_from_tfds(canonical, split)
    except Exception as error:
        raise ValueError(
            _not_found_message(canonical, split, searched, error)
        ) from error
    return _cache(key, images, labels)


def read_idx(path):
    """Read one IDX file (the format of the MNIST files), gzipped or raw.

    Only the two layouts of MNIST-style datasets are accepted: unsigned-byte
    images with 3 dimensions (magic number 2051) and unsigned-byte labels
    with 1 dimension (magic number 2049). Gzip is recognized by the file's
    content, not its name.

    Args:
        path: str or path-like. The file to read.

    Returns:
        A writable uint8 `np.ndarray` of shape `(N, H, W)` for images or
        `(N,)` for labels.

    Examples:

    ```python
    labels = keras_gans.data.read_idx(
        "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
    )
    labels.shape  # (10000,)
    ```
    """
    path = os.fspath(path)
    with open(path, "rb") as file:
        content = file.read()
    if content[:2] == b"\x1f\x8b":
        try:
            content = gzip.decompress(content)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(
                f"IDX file {path!r} is a corrupt or truncated gzip archive "
                f"({error}). Download it again."
            ) from error

    if len(content) < 4:
        raise ValueError(
            f"IDX file {path!r} is truncated: it holds {len(content)} bytes, "
            "fewer than the 4 of the magic number. Download it again."
        )
    magic = int.from_bytes(content[:4], "big")
    if magic not in (_IDX_IMAGES_MAGIC, _IDX_LABELS_MAGIC):
        raise ValueError(
            f"File {path!r} is not an IDX image or label file: its magic "
            f"number is {magic} (0x{magic:08x}), expected "
            f"{_IDX_IMAGES_MAGIC} for images or {_IDX_LABELS_MAGIC} for "
            "labels. Check that it is an original MNIST-format file."
        )
    # The magic number's last byte is the number of dimensions, each stored
    # next as a big-endian uint32.
    num_dims = content[3]
    header_size = 4 + 4 * num_dims
    if len(content) < header_size:
        raise ValueError(
            f"IDX file {path!r} is truncated: its header needs "
            f"{header_size} bytes for {num_dims} dimensions but the file "
            f"holds {len(content)}. Download it again."
        )
    shape = tuple(
        int.from_bytes(content[start : start + 4], "big")
        for start in range(4, header_size, 4)
    )
    expected = math.prod(shape)
    found = len(content) - header_size
    if found != expected:
        problem = "truncated" if found < expected else "too long"
        raise ValueError(
            f"IDX file {path!r} is {problem}: its header gives shape {shape}, "
            f"that is {expected} bytes of data, but {found} follow the "
            "header. Download it again."
        )
    data = np.frombuffer(content, dtype=np.uint8, offset=header_size)
    # frombuffer views immutable bytes; copy so callers get a normal array.
    return data.reshape(shape).copy()


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


# === Named datasets ===


def _canonical_name(name_or_path):
    if not isinstance(name_or_path, str):
        return None
    name = name_or_path.strip().lower()
    name = _NAME_ALIASES.get(name, name)
    return name if name in NAMED_DATASETS else None


def _known_names():
    return sorted(NAMED_DATASETS) + sorted(_NAME_ALIASES)


def _default_directories(name):
    info = NAMED_DATASETS[name]
    directories = []
    root = os.environ.get(DATA_DIR_ENV_VAR)
    if root:
        root = os.path.expanduser(root)
        directories += [
            os.path.join(root, sub) for sub in info["data_dir_names"]
        ]
    directories += list(info["system_dirs"])
    return directories


def _find_idx_pair(directory, split):
    """Returns `((image_path, label_path), missing_base_names)`."""
    paths, missing = [], []
    for base in _IDX_FILES[split]:
        for candidate in (base, base + ".gz"):
            path = os.path.join(directory, candidate)
            if os.path.isfile(path):
                paths.append(path)
                break
        else:
            missing.append(base)
    return tuple(paths), missing


def _cached_idx_pair(image_path, label_path):
    key = tuple(
        (
            os.path.realpath(path),
            os.stat(path).st_size,
            os.stat(path).st_mtime_ns,
        )
        for path in (image_path, label_path)
    )
    if key in _ARRAY_CACHE:
        _ARRAY_CACHE.move_to_end(key)
        return _ARRAY_CACHE[key]

    images, labels = read_idx(image_path), read_idx(label_path)
    if images.ndim != 3:
        raise ValueError(
            f"Expected an IDX image file (3 dimensions, magic number "
            f"{_IDX_IMAGES_MAGIC}). Received: {image_path!r} with shape "
            f"{images.shape}."
        )
    if labels.ndim != 1:
        raise ValueError(
            f"Expected an IDX label file (1 dimension, magic number "
            f"{_IDX_LABELS_MAGIC}). Received: {label_path!r} with shape "
            f"{labels.shape}."
        )
    if len(images) != len(labels):
        raise ValueError(
            f"The image and label files disagree: {image_path!r} holds "
            f"{len(images)} images but {label_path!r} holds {len(labels)} "
            "labels. One of them is probably from another split or "
            "dataset; download both again."
        )
    return _cache(key, images[..., np.newaxis], labels.astype(np.int64))


def _cache(key, images, labels):
    images.flags.writeable = False
    labels.flags.writeable = False
    _ARRAY_CACHE[key] = (images, labels)
    while len(_ARRAY_CACHE) > _ARRAY_CACHE_SIZE:
        _ARRAY_CACHE.popitem(last=False)
    return images, labels


def _load_from_tfds(name, split):
    # Imported here: tensorflow_datasets is heavy, optional, and only needed
    # when no local copy of the files exists.
    import tensorflow_datasets as tfds

    images, labels = tfds.as_numpy(
        tfds.load(
            NAMED_DATASETS[name]["tfds_name"],
            split=split,
            as_supervised=True,
            batch_size=-1,
        )
    )
    return images.astype(np.uint8), labels.astype(np.int64)


def _not_found_message(name, split, searched, error):
    info = NAMED_DATASETS[name]
    file_names = [base + ".gz" for pair in _IDX_FILES.values() for base in pair]
    wanted = " and ".join(base + "[.gz]" for base in _IDX_FILES[split])
    places = "\n".join(f"  - {directory}" for directory in searched)
    if not os.environ.get(DATA_DIR_ENV_VAR):
        places += f"\n  ({DATA_DIR_ENV_VAR} is not set)"
    reason = f"{type(error).__name__}: {error}"
    if len(reason) > 300:
        reason = reason[:300] + "..."
    fixes = []
    if info["apt_package"]:
        fixes.append(
            f"  - install the Debian package: "
            f"`apt-get install {info['apt_package']}`"
        )
    fixes.append(
        f"  - download the four IDX files ({', '.join(file_names)}) into a "
        f"directory and pass `data_dir=` to load(), or put them in "
        f"${DATA_DIR_ENV_VAR}/{info['data_dir_names'][0]}/"
    )
    fixes.append("  - or go online once so tensorflow_datasets can download it")
    return (
        f"Could not find the {name} {split!r} split. Looked for {wanted} "
        f"in:\n{places}\nand loading it with tensorflow_datasets failed "
        f"({reason}).\nTo fix this, either:\n" + "\n".join(fixes)
    )


# === Arrays and files of arrays ===


def _read_array_file(path, with_labels):
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

    is_integer = np.issubdtype(images.dtype, np.integer)
    if not (is_integer or np.issubdtype(images.dtype, np.floating)):
        raise ValueError(
            "Expected integer or floating images. Received: "
            f"images.dtype={images.dtype}."
        )
    if value_range is None:
        value_range = (0, 255) if is_integer else (-1, 1)
        explicit = False
    else:
        value_range = _check_value_range(value_range)
        explicit = True
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
    if images.dtype != np.uint8:
        # Other dtypes become float32 once here rather than in every batch.
        images = images.astype(np.float32)

    if labels is not None:
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
                "Expected class labels >= 0. Received a label of "
                f"{labels.min()}."
            )
        labels = labels.astype(np.int64)
    return images, labels, value_range


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
    elements = images if labels is None else (images, labels)
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        # The buffer spans the whole array, so the shuffle is uniform.
        dataset = dataset.shuffle(
            len(images), seed=seed, reshuffle_each_iteration=True
        )
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    resize = image_size is not None and tuple(image_size) != images.shape[1:3]

    def prepare(batch):
        # Scaling whole batches keeps the stored arrays small (uint8) and
        # the per-element work of tf.data low.
        batch = scale_images(batch, value_range)
        if resize:
            batch = _resize(batch, image_size)
        return batch

    if labels is None:
        dataset = dataset.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    else:
        dataset = dataset.map(
            lambda batch, batch_labels: (prepare(batch), batch_labels),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    return dataset.prefetch(tf.data.AUTOTUNE)


def _resize(images, image_size):
    # Antialiasing matters when shrinking; bilinear weights are convex, so
    # the clip only removes float rounding.
    images = tf.image.resize(images, image_size, antialias=True)
    return tf.clip_by_value(images, -1.0, 1.0)


# === Directories of images ===


def _list_images(directory, with_labels):
    """Returns sorted file paths, their int64 labels and the class names."""

    def images_under(root):
        found = []
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(
                s for s in subfolders if not s.startswith(".")
            )
            found += [
                os.path.join(folder, file)
                for file in sorted(files)
                if not file.startswith(".")
                and os.path.splitext(file)[1].lower() in IMAGE_EXTENSIONS
            ]
        return found

    if not with_labels:
        return images_under(directory), None, None

    class_names = sorted(
        entry
        for entry in os.listdir(directory)
        if not entry.startswith(".")
        and os.path.isdir(os.path.join(directory, entry))
    )
    paths, labels = [], []
    for label, class_name in enumerate(class_names):
        class_paths = images_under(os.path.join(directory, class_name))
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


def _image_directory_dataset(
    directory,
    with_labels,
    image_size,
    batch_size,
    shuffle,
    seed,
    drop_remainder,
):
    paths, labels, class_names = _list_images(directory, with_labels)
    if not paths:
        where = " or its class sub-folders" if with_labels else ""
        raise ValueError(
            f"Found no images ({', '.join(IMAGE_EXTENSIONS)}) in "
            f"{directory!r}{where}."
        )

    # The first image decides the color mode and, without image_size, the
    # size every other image must have.
    try:
        first = tf.io.decode_image(
            tf.io.read_file(paths[0]), channels=0, expand_animations=False
        )
    except tf.errors.OpError as error:
        raise ValueError(
            f"Could not decode the image {paths[0]!r}: {error.message}"
        ) from error
    channels = 1 if first.shape[-1] in (1, 2) else 3
    size = (
        tuple(image_size) if image_size is not None else tuple(first.shape[:2])
    )

    def read(path):
        # channels=0 because GIF decoding accepts no other request than RGB;
        # the conversion below then gives every image the same channels.
        image = tf.io.decode_image(
            tf.io.read_file(path), channels=0, expand_animations=False
        )
        image = _convert_channels(image, channels)
        if image_size is not None:
            image = tf.image.resize(image, size, antialias=True)
            image = tf.clip_by_value(scale_images(image), -1.0, 1.0)
        else:
            same_size = tf.reduce_all(tf.equal(tf.shape(image)[:2], size))
            check = tf.debugging.Assert(
                same_size,
                [
                    f"Images differ in size: the first is {size[0]}x"
                    f"{size[1]}, but this one is (height, width)",
                    tf.shape(image)[:2],
                    ":",
                    path,
                    "Pass image_size=(height, width) to load() to resize "
                    "them all.",
                ],
            )
            with tf.control_dependencies([check]):
                image = scale_images(image)
        return tf.ensure_shape(image, size + (channels,))

    elements = paths if labels is None else (paths, labels)
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        dataset = dataset.shuffle(
            len(paths), seed=seed, reshuffle_each_iteration=True
        )
    if labels is None:
        dataset = dataset.map(read, num_parallel_calls=tf.data.AUTOTUNE)
    else:
        dataset = dataset.map(
            lambda path, label: (read(path), label),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    if class_names is not None:
        dataset.class_names = class_names
    return dataset


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


# === Argument checks ===


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


# === Unpaired domains (image-to-image translation) ===

UNPAIRED_DATASETS = {
    "fashion_mnist_sneaker2boot": {
        "description": (
            "Fashion-MNIST sneakers (class 7, domain A) and ankle boots (class 9, "
            "domain B): 6,000 of each for training, 1,000 of each for testing."
        ),
        "source": "fashion_mnist",
        "classes": (7, 9),
    },
}


def load_unpaired(
    name,
    split="train",
    batch_size=1,
    shuffle=None,
    seed=None,
    data_dir=None,
    image_size=None,
    drop_remainder=False,
):
    """Load two unpaired image domains as `(images_a, images_b)` batches in [-1, 1].

    For CycleGAN-style translation. The two domains are shuffled independently (with
    seeds `seed` and `seed + 1`), so a batch pairs images at random, and zipped: an
    epoch ends with the smaller domain (the larger one's leftover images are seen in
    later epochs, in a fresh order).

    Sources:
        - `"fashion_mnist_sneaker2boot"`: Fashion-MNIST sneakers (domain A) and ankle
          boots (domain B), read offline like `load("fashion_mnist")`. The domains are
          two classes, so they are disjoint sets of images with no pairing between
          them.
        - `"cycle_gan/<task>"`, e.g. `"cycle_gan/horse2zebra"`: the TensorFlow
          Datasets builds of the CycleGAN paper's data (splits trainA/trainB/testA/
          testB), downloaded on first use (online only).

    Args:
        name: str, a key of `UNPAIRED_DATASETS` or `"cycle_gan/<task>"`.
        split: `"train"` or `"test"`. Defaults to `"train"`.
        batch_size: int, images per domain per batch. Defaults to 1 (CycleGAN's).
        shuffle: bool or None. `None` shuffles the train split only.
        seed: int or None. Seed of the shuffles.
        data_dir: directory of the Fashion-MNIST IDX files, as in `load()`.
        image_size: `(height, width)` to resize to, or None.
        drop_remainder: bool, drop each domain's last smaller batch.

    Returns:
        A prefetched `tf.data.Dataset` of `(images_a, images_b)`, float32 in [-1, 1],
        with a `domain_names` attribute.

    Examples:

    ```python
    train = keras_gans.data.load_unpaired("fashion_mnist_sneaker2boot", batch_size=16)
    sneakers, boots = next(iter(train))  # two (16, 28, 28, 1) batches
    ```
    """
    _check_split(split)
    _check_batch_size(batch_size)
    image_size = _check_image_size(image_size)
    if shuffle is None:
        shuffle = split == "train"
    if not isinstance(name, str) or not (
        name in UNPAIRED_DATASETS or name.startswith("cycle_gan/")
    ):
        raise ValueError(
            "Unknown unpaired dataset. Expected one of "
            f"{sorted(UNPAIRED_DATASETS)} or 'cycle_gan/<task>' (TensorFlow Datasets, "
            f"e.g. 'cycle_gan/horse2zebra'). Received: name={name!r}"
        )
    if name.startswith("cycle_gan/"):
        domains, domain_names = _load_cycle_gan_domains(name, split), ("A", "B")
    else:
        info = UNPAIRED_DATASETS[name]
        images, labels = load_arrays(info["source"], split=split, data_dir=data_dir)
        class_names = NAMED_DATASETS[info["source"]]["class_names"]
        domains = [
            tf.data.Dataset.from_tensor_slices(images[labels == label])
            for label in info["classes"]
        ]
        domain_names = tuple(class_names[label] for label in info["classes"])

    prepared = []
    for offset, domain in enumerate(domains):
        if shuffle:
            domain_seed = None if seed is None else seed + offset
            # A full-size buffer: a uniform shuffle of each domain.
            domain = domain.shuffle(
                int(domain.cardinality()) if domain.cardinality() > 0 else 10_000,
                seed=domain_seed, reshuffle_each_iteration=True,
            )
        domain = domain.batch(batch_size, drop_remainder=drop_remainder)

        def prepare(batch):
            batch = scale_images(batch, (0, 255))
            return _resize(batch, image_size) if image_size is not None else batch

        prepared.append(domain.map(prepare, num_parallel_calls=tf.data.AUTOTUNE))
    dataset = tf.data.Dataset.zip(tuple(prepared)).prefetch(tf.data.AUTOTUNE)
    dataset.domain_names = list(domain_names)
    return dataset


def _load_cycle_gan_domains(name, split):
    # Imported here: optional, heavy, and it downloads (never used in tests).
    import tensorflow_datasets as tfds

    return [
        tfds.load(name, split=f"{split}{domain}", as_supervised=True).map(
            lambda image, label: image
        )
        for domain in ("A", "B")
    ]
