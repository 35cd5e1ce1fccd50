"""Writes a preset file: the networks (and their moving averages) without optimizer
state, the weights stored in float16, the archive compressed.

```python
kg.presets.export(model, "my_preset.keras")      # 4x smaller than model.save(...)
model = keras.saving.load_model("my_preset.keras")  # float32 variables, as trained
```

A preset is for sampling and fine-tuning, so it holds what `keras.saving.load_model`
needs to rebuild the model (config, variables) and nothing to continue the run exactly
(`from_preset` compiles fresh optimizers; a backup, `kg.training`, resumes bit-exact).
Storing the float32 weights in float16 halves the file and compressing the archive
takes another ~7%: together about 0.46 of `model.save` without optimizers, and 0.2 of
it with Adam's state. Keras loads the float16 arrays back into the model's float32 (or
its policy's) variables; each weight then differs from the trained one by at most half a
float16 unit in the last place (relative 2**-11 ~ 4.9e-4). The zoo measures every preset
on the file as shipped, so its figures include that rounding
(`zoo/README.md` states the float32 and float16 FIDs of one preset side by side).

`averages="in_place"` ships each averaged network as its average alone: the file's
model keeps no moving averages (`ema_decay=None`) and its networks (the generator, ...)
hold the averages' weights, the trained ones left out. That halves the generator's
share of the file, for a preset too large to ship both (a user samples from it exactly
as from the average; fine-tuning starts from the average).

Only float32 and float64 arrays are converted, and only those whose values all fit in
float16 (finite, magnitude below 65504); integer state (seed generators, counters) and
any array that would overflow are stored unchanged.
"""

import io
import os
import tempfile
import zipfile

import numpy as np

from keras_gans.io_utils import atomic_path, writing

WEIGHTS_MEMBER = "model.weights.h5"
FLOAT16_MAX = float(np.finfo(np.float16).max)


def export(model, path, weights_dtype="float16", averages="kept"):
    """Saves `model` as a preset file at `path` (a `.keras` file), atomically.

    Args:
        model: a compiled or uncompiled `kg.models` model.
        path: str, the file to write; it ends in `.keras`.
        weights_dtype: `"float16"` (default) or `"float32"` (the weights as trained).
        averages: `"kept"` (default): the trained networks and their moving averages,
            as trained; `"in_place"`: each averaged network replaced by its average
            (`averaged_in_place`), for a model trained with `ema_decay`;
            `"dropped"`: the trained networks alone (`without_averages`), for a
            model whose averages measured worse than the networks they follow.

    Returns:
        The number of bytes written.
    """
    import keras

    if weights_dtype not in ("float16", "float32"):
        raise ValueError(f"Unknown weights_dtype. Expected 'float16' or 'float32'. "
                         f"Received: weights_dtype={weights_dtype!r}")
    if not os.fspath(path).endswith(".keras"):
        raise ValueError(f"A preset file ends in '.keras'. Received: path={path!r}")
    if averages not in ("kept", "in_place", "dropped"):
        raise ValueError(f"Unknown averages. Expected 'kept', 'in_place' or 'dropped'. "
                         f"Received: averages={averages!r}")
    if averages == "in_place":
        model = averaged_in_place(model)
    elif averages == "dropped":
        model = without_averages(model)
    with tempfile.TemporaryDirectory() as folder:
        full = os.path.join(folder, "model.keras")
        model.save(full)
        networks = os.path.join(folder, "networks.keras")
        keras.saving.load_model(full, compile=False).save(networks)
        members = _read_members(networks)
    if weights_dtype == "float16":
        members[WEIGHTS_MEMBER] = _weights_as_float16(members[WEIGHTS_MEMBER])
    needed = sum(len(data) for data in members.values())
    with writing(path, "the preset file", needed), atomic_path(path) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                archive.writestr(name, data)
    return os.path.getsize(path)


def averaged_in_place(model):
    """A copy of `model` without moving averages whose networks hold the averages.

    Every network in `model.EMA_NETWORKS` gets its `<name>_ema` weights (batch-norm
    statistics included), the other networks and the step counter their own; the
    copy has `ema_decay=None`. Raises ValueError for a model without averages.
    """
    return _copy_without_averages(model, model.inference_network, "in_place")


def without_averages(model):
    """A copy of `model` with its trained networks and no moving averages
    (`ema_decay=None`): the averages are dropped. Raises ValueError for a model
    without averages."""
    return _copy_without_averages(model, lambda name: getattr(model, name), "dropped")


def _copy_without_averages(model, network_of, averages):
    """A copy with `ema_decay=None` whose network `name` gets `network_of(name)`'s
    weights; `averages` names the export option in the error for a model without."""
    if getattr(model, "ema_decay", None) is None:
        raise ValueError(
            f"averages={averages!r} needs a model trained with ema_decay=; "
            f"{type(model).__name__} keeps no moving averages. Export it with the default "
            "averages='kept'."
        )
    copy = type(model).from_config(dict(model.get_config(), ema_decay=None, ema_start=0))
    for name in model.NETWORKS:
        getattr(copy, name).set_weights(network_of(name).get_weights())
    copy.step_counter.assign(model.step_counter)
    return copy


def _read_members(path):
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _weights_as_float16(data):
    """The HDF5 weights file `data` (bytes) with its float arrays stored as float16."""
    import h5py

    source = h5py.File(io.BytesIO(data), "r")
    buffer = io.BytesIO()
    with source, h5py.File(buffer, "w") as target:
        target.attrs.update(source.attrs)
        source.visititems(lambda name, item: _copy_item(name, item, target))
    return buffer.getvalue()


def _copy_item(name, item, target):
    import h5py

    if isinstance(item, h5py.Group):
        target.require_group(name).attrs.update(item.attrs)
        return
    value = item[()]
    if (isinstance(value, np.ndarray) and value.dtype in (np.float32, np.float64)
            and np.all(np.abs(value) < FLOAT16_MAX)):  # False for NaN and inf too
        value = value.astype(np.float16)
    target.create_dataset(name, data=value).attrs.update(item.attrs)
