"""Named datasets as arrays: the files searched for, TensorFlow Datasets as a
last resort, and what to do when neither has the data."""

import os

import numpy as np

from keras_gans.data import idx
from keras_gans.data.checks import _check_split
from keras_gans.data.registry import (
    DATA_DIR_ENV_VAR,
    NAMED_DATASETS,
    _canonical_name,
    _default_directories,
    _known_names,
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
        paths, missing = idx._find_idx_pair(directory, split)
        if missing:
            raise _missing_files_error(
                canonical, split, directory, missing, data_dir
            )
        return idx._cached_idx_pair(*paths)

    searched = []
    for directory in _default_directories(canonical):
        searched.append(directory)
        paths, missing = idx._find_idx_pair(directory, split)
        if not missing:
            return idx._cached_idx_pair(*paths)

    key = ("tfds", canonical, split)
    cached = idx._cached(key)
    if cached is not None:
        return cached
    try:
        images, labels = _load_from_tfds(canonical, split)
    except Exception as error:
        raise ValueError(
            _not_found_message(canonical, split, searched, error)
        ) from error
    return idx._cache(key, images, labels)


def _missing_files_error(name, split, directory, missing, data_dir):
    """The ValueError for a `data_dir` that lacks some of the split's files."""
    if os.path.isdir(directory):
        entries = sorted(os.listdir(directory))
        more = f" and {len(entries) - 10} more" if len(entries) > 10 else ""
        listing = f"it holds {entries[:10]}{more}"
    else:
        listing = "the directory does not exist"
    return ValueError(
        f"`data_dir` lacks the {name} {split!r} split: missing "
        f"{', '.join(base + '[.gz]' for base in missing)} ({listing}). "
        f"Download the original IDX files into it, or leave out "
        f"`data_dir` to search the default places. Received: "
        f"data_dir={data_dir!r}."
    )


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
    file_names = [
        base + ".gz" for pair in idx._IDX_FILES.values() for base in pair
    ]
    wanted = " and ".join(base + "[.gz]" for base in idx._IDX_FILES[split])
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
