"""IDX files (the format of the MNIST files) and the cache of decoded arrays."""

import collections
import gzip
import math
import os
import zlib

import numpy as np

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
    content = _read_content(path)
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
    shape, header_size = _read_shape(path, content)
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


def _read_content(path):
    """The file's bytes, gunzipped when they are a gzip archive."""
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
    return content


def _read_shape(path, content):
    """Returns `(shape, header_size)` from the header after the magic number."""
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
    return shape, header_size


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
    """The `(images, labels)` of two IDX files, read once while unchanged."""
    key = tuple(
        (
            os.path.realpath(path),
            os.stat(path).st_size,
            os.stat(path).st_mtime_ns,
        )
        for path in (image_path, label_path)
    )
    cached = _cached(key)
    if cached is not None:
        return cached

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


def _cached(key):
    """The cached `(images, labels)` under `key` (now most recent), or None."""
    if key not in _ARRAY_CACHE:
        return None
    _ARRAY_CACHE.move_to_end(key)
    return _ARRAY_CACHE[key]


def _cache(key, images, labels):
    """Caches read-only `images` and `labels` under `key`; returns them."""
    images.flags.writeable = False
    labels.flags.writeable = False
    _ARRAY_CACHE[key] = (images, labels)
    while len(_ARRAY_CACHE) > _ARRAY_CACHE_SIZE:
        _ARRAY_CACHE.popitem(last=False)
    return images, labels
