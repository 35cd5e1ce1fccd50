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

The weights are a `.keras` file written by `kg.presets.export` (config and networks,
no optimizer state, weights stored in float16: `export.py`), so
`keras.saving.load_model(path)` is all loading needs; `load` compiles fresh optimizers. A preset can also live on the
Hugging Face Hub: `kg.DCGAN.from_preset("hf://owner/repo")` (`hub.py`; published by
`scripts/publish_preset.py`), or a registry entry's `url` can be an `hf://` address. The registry is `registry.py`; resolution, downloads and
loading are in `loader.py`.
"""

from keras_gans.presets.export import export
from keras_gans.presets.loader import (
    LARGE_FILE_BYTES,
    cache_dir,
    download,
    load,
    resolve,
    sha256_of,
)
from keras_gans.presets.hub import HUB_PREFIX
from keras_gans.presets.registry import PRESETS, get, list, names  # noqa: A004

__all__ = [
    "HUB_PREFIX", "LARGE_FILE_BYTES", "PRESETS", "cache_dir", "download", "export", "get", "list", "load",
    "names", "resolve", "sha256_of",
]
