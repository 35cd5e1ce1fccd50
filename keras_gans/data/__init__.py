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

Arrays already in memory go through `from_arrays()`; two unpaired domains
(CycleGAN) through `load_unpaired()`. `load_training_data()` gives what a model
variant trains on, and `default_dataset()` the dataset it trains on by default.

Modules: `registry` (the dataset tables), `named` and `idx` (named datasets
and their files), `arrays`, `folders`, `unpaired`, `pipeline` (the one
shuffle-batch-map-prefetch chain), `loading` (`load`, `load_training_data`).
"""

from keras_gans.data.arrays import from_arrays, scale_images
from keras_gans.data.idx import read_idx
from keras_gans.data.loading import TRAINING_INPUTS, load, load_training_data
from keras_gans.data.named import load_arrays
from keras_gans.data.registry import (
    DATA_DIR_ENV_VAR,
    DEFAULT_DATASETS,
    IMAGE_EXTENSIONS,
    NAMED_DATASETS,
    SPLITS,
    UNPAIRED_DATASETS,
    default_dataset,
)
from keras_gans.data.unpaired import load_unpaired

__all__ = [
    "DATA_DIR_ENV_VAR",
    "DEFAULT_DATASETS",
    "IMAGE_EXTENSIONS",
    "NAMED_DATASETS",
    "SPLITS",
    "TRAINING_INPUTS",
    "UNPAIRED_DATASETS",
    "default_dataset",
    "from_arrays",
    "load",
    "load_arrays",
    "load_training_data",
    "load_unpaired",
    "read_idx",
    "scale_images",
]
