"""Two unpaired image domains, for image-to-image translation (CycleGAN)."""

import os

import tensorflow as tf

from keras_gans.data.arrays import _batch_preparer
from keras_gans.data.checks import _check_loader_args
from keras_gans.data.folders import _image_directory_dataset
from keras_gans.data.named import load_arrays
from keras_gans.data.pipeline import batch_pipeline
from keras_gans.data.registry import (
    CYCLE_GAN_PREFIX,
    NAMED_DATASETS,
    UNPAIRED_DATASETS,
    _is_unpaired_name,
)


def load_unpaired(
    name,
    folder_b=None,
    split="train",
    batch_size=1,
    shuffle=None,
    seed=None,
    data_dir=None,
    image_size=None,
    drop_remainder=False,
):
    """Load two unpaired image domains as `(images_a, images_b)` batches in [-1, 1].

    `load_unpaired(folder_a, folder_b, image_size=(64, 64))` reads your own two folders
    of images; `load_unpaired(name)` a built-in pair.

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

        - two folders of images, `folder_a` (given as `name`) and `folder_b`: every
          image below each (sub-folders included), read as by `load(folder)`; both
          domains must come out with one shape (pass `image_size` if they differ).

    Args:
        name: str or path-like, a key of `UNPAIRED_DATASETS`, `"cycle_gan/<task>"`,
            or domain A's folder when `folder_b` is given.
        folder_b: str, path-like or None. Domain B's folder.
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
    photos_and_paintings = keras_gans.data.load_unpaired(
        "photos/", "paintings/", image_size=(64, 64), batch_size=1)
    ```
    """
    image_size, shuffle = _check_loader_args(split, batch_size, image_size, shuffle)
    if folder_b is not None:
        return _load_folder_pair(name, folder_b, batch_size, shuffle, seed, image_size,
                                 drop_remainder)
    if not _is_unpaired_name(name):
        raise ValueError(
            "Unknown unpaired dataset. Expected one of "
            f"{sorted(UNPAIRED_DATASETS)} or 'cycle_gan/<task>' (TensorFlow Datasets, "
            f"e.g. 'cycle_gan/horse2zebra'), or two folders: load_unpaired(folder_a, "
            f"folder_b). Received: name={name!r}"
        )
    if name.startswith(CYCLE_GAN_PREFIX):
        domains, domain_names = _load_cycle_gan_domains(name, split), ("A", "B")
    else:
        domains, domain_names = _class_domains(name, split, data_dir)

    prepare = _batch_preparer((0, 255), image_size)
    prepared = [
        batch_pipeline(
            domain,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=None if seed is None else seed + offset,
            drop_remainder=drop_remainder,
            prepare_batch=prepare,
            prefetch=False,
        )
        for offset, domain in enumerate(domains)
    ]
    dataset = tf.data.Dataset.zip(tuple(prepared)).prefetch(tf.data.AUTOTUNE)
    dataset.domain_names = list(domain_names)
    return dataset


def _class_domains(name, split, data_dir):
    """Returns `(domains, domain_names)`: a dataset of uint8 images per class."""
    info = UNPAIRED_DATASETS[name]
    images, labels = load_arrays(info["source"], split=split, data_dir=data_dir)
    class_names = NAMED_DATASETS[info["source"]]["class_names"]
    domains = [
        tf.data.Dataset.from_tensor_slices(images[labels == label])
        for label in info["classes"]
    ]
    domain_names = tuple(class_names[label] for label in info["classes"])
    return domains, domain_names


def _load_cycle_gan_domains(name, split):
    # Imported here: optional, heavy, and it downloads (never used in tests).
    import tensorflow_datasets as tfds

    return [
        tfds.load(name, split=f"{split}{domain}", as_supervised=True).map(
            lambda image, label: image
        )
        for domain in ("A", "B")
    ]


def _load_folder_pair(folder_a, folder_b, batch_size, shuffle, seed, image_size,
                      drop_remainder):
    """The zipped pipelines of two folders of images, checked to share one shape."""
    domains = []
    for offset, (label, folder) in enumerate((("A", folder_a), ("B", folder_b))):
        folder = os.path.expanduser(os.fspath(folder))
        if not os.path.isdir(folder):
            raise ValueError(
                f"Domain {label}'s folder does not exist or is not a directory. "
                f"Received: {folder!r}."
            )
        domains.append(_image_directory_dataset(
            folder, with_labels=False, image_size=image_size, batch_size=batch_size,
            shuffle=shuffle, seed=None if seed is None else seed + offset,
            drop_remainder=drop_remainder,
        ))
    shapes = [tuple(domain.element_spec.shape[1:]) for domain in domains]
    if shapes[0] != shapes[1]:
        raise ValueError(
            f"The two domains' images differ: {folder_a!r} gives {shapes[0]}, "
            f"{folder_b!r} gives {shapes[1]} (height, width, channels). Pass one "
            "image_size=(height, width) (--image-size), and give both folders grey or "
            "both color images."
        )
    dataset = tf.data.Dataset.zip(tuple(domains)).prefetch(tf.data.AUTOTUNE)
    dataset.domain_names = [os.path.basename(os.path.normpath(os.fspath(folder)))
                            for folder in (folder_a, folder_b)]
    return dataset
