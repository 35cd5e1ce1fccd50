"""What keras-gans knows about datasets: names, where their files live, defaults.

Two registries side by side: `NAMED_DATASETS`, the single-domain datasets
`load()` reads by name, and `UNPAIRED_DATASETS`, the two-domain sets
`load_unpaired()` builds from them. `DEFAULT_DATASETS` says which dataset a
model variant trains on when none is named.
"""

import os

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

# Unpaired domains (image-to-image translation), built from a named dataset.
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

# Unpaired names outside UNPAIRED_DATASETS: TensorFlow Datasets' CycleGAN builds.
CYCLE_GAN_PREFIX = "cycle_gan/"

# Spellings accepted for `name_or_path` besides the keys of NAMED_DATASETS.
_NAME_ALIASES = {"fashion-mnist": "fashion_mnist"}

# The dataset a model variant trains on when none is named; every variant
# missing here trains on FALLBACK_DATASET.
DEFAULT_DATASETS = {"cyclegan": "fashion_mnist_sneaker2boot"}
FALLBACK_DATASET = "fashion_mnist"


def default_dataset(variant_name):
    """The dataset a model variant trains on by default.

    Args:
        variant_name: str. A variant's registered name, e.g. `"dcgan"` or
            `"cyclegan"`; spelled as `kg.models.get()` accepts it (any case,
            `-` for `_`).

    Returns:
        A str for `load_training_data()`: `DEFAULT_DATASETS[variant_name]`,
        else `"fashion_mnist"`.

    Examples:

    ```python
    keras_gans.data.default_dataset("cyclegan")  # "fashion_mnist_sneaker2boot"
    keras_gans.data.default_dataset("dcgan")  # "fashion_mnist"
    ```
    """
    key = str(variant_name).lower().replace("-", "_")
    return DEFAULT_DATASETS.get(key, FALLBACK_DATASET)


def _canonical_name(name_or_path):
    """The key of NAMED_DATASETS that `name_or_path` names, or None."""
    if not isinstance(name_or_path, str):
        return None
    name = name_or_path.strip().lower()
    name = _NAME_ALIASES.get(name, name)
    return name if name in NAMED_DATASETS else None


def _known_names():
    return sorted(NAMED_DATASETS) + sorted(_NAME_ALIASES)


def _is_unpaired_name(name):
    return isinstance(name, str) and (
        name in UNPAIRED_DATASETS or name.startswith(CYCLE_GAN_PREFIX)
    )


def _default_directories(name):
    """The directories searched for a named dataset's files, in order."""
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
