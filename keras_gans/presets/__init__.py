"""Pretrained presets: trained models as data, loaded by name.

```python
import keras_gans as kg

kg.presets.list()                    # {"dcgan_fashion_mnist": "DCGAN ...", ...}
kg.presets.get("dcgan_fashion_mnist")["metadata"]["metrics"]
model = kg.DCGAN.from_preset("dcgan_fashion_mnist")   # or kg.presets.load(name)
model.generate(16, seed=0)
```

Each variant's presets live in `<variant>_presets.py` as a plain dict, as KerasHub's
`*_presets.py`; `PRESETS` gathers them. An entry is:

```python
"dcgan_fashion_mnist": {
    "metadata": {
        "description": "one line",           # what kg.presets.list() shows
        "variant": "dcgan",                  # a key of kg.models.VARIANTS
        "params": 1_000_000,                 # model.count_params()
        "dataset": "fashion_mnist",
        "recipe": "python zoo/dcgan_fashion_mnist.py --epochs 12",
        "train_seconds": 1800,               # on the project's machine
        "metrics": {"fid": ..., "kid": ..., "command": "keras-gans evaluate ..."},
    },
    "file": "dcgan_fashion_mnist.keras",     # shipped in keras_gans/presets/files/, or None
    "url": "https://...",                    # http, https or file URL, or None
    "sha256": "...",                         # of the .keras file; checked before use
}
```

The weights are a complete `.keras` file (config, weights, optimizer state), so
`keras.saving.load_model(path)` is all loading needs. Resolution and downloads are in
`keras_gans/presets/loader.py`.
"""

import copy

from keras_gans.presets.bigan_presets import bigan_presets
from keras_gans.presets.cgan_presets import cgan_presets
from keras_gans.presets.cyclegan_presets import cyclegan_presets
from keras_gans.presets.dcgan_presets import dcgan_presets
from keras_gans.presets.gan_presets import gan_presets
from keras_gans.presets.wgan_gp_presets import wgan_gp_presets
from keras_gans.presets.wgan_presets import wgan_presets
from keras_gans.presets.loader import (
    LARGE_FILE_BYTES,
    cache_dir,
    download,
    load,
    resolve,
    sha256_of,
)

PRESETS = {**gan_presets, **dcgan_presets, **wgan_presets, **wgan_gp_presets,
           **cgan_presets, **cyclegan_presets, **bigan_presets}


def names():
    """The preset names, sorted."""
    return sorted(PRESETS)


def get(name):
    """A copy of preset `name`'s entry; `ValueError` listing the presets if unknown."""
    if name not in PRESETS:
        listing = "\n".join(
            f"  {key}: {PRESETS[key]['metadata']['description']}" for key in names()
        )
        raise ValueError(
            f"Unknown preset. Expected one of {names()}. Received: name={name!r}\n"
            f"The presets:\n{listing}"
        )
    return copy.deepcopy(PRESETS[name])


def list():  # noqa: A001 (kg.presets.list(), as the design names it)
    """`{name: one-line description}` of every preset, sorted by name."""
    return {name: PRESETS[name]["metadata"]["description"] for name in names()}


__all__ = [
    "LARGE_FILE_BYTES", "PRESETS", "cache_dir", "download", "get", "list", "load",
    "names", "resolve", "sha256_of",
]
