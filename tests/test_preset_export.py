"""kg.presets.export: networks and averages without optimizer state, float16 weights."""

import os
import pathlib
import zipfile

import keras
import numpy as np
import pytest

import keras_gans as kg

FILES = pathlib.Path(kg.__file__).parent / "presets" / "files"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A small DCGAN with a generator average, after two train steps."""
    model = kg.DCGAN(image_shape=(28, 28, 1), filters=8, latent_dim=8, seed=1,
                     ema_decay=0.9, ema_start=0)
    model.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    model.fit(images, batch_size=8, epochs=1, verbose=0)
    path = tmp_path_factory.mktemp("full") / "full.keras"
    model.save(path)
    return model, path


def _float16_rounding_bound(values):
    """Half a float16 unit in the last place of each value (subnormals included)."""
    magnitude = np.maximum(np.abs(values), 2.0**-14)
    return 2.0 ** (np.floor(np.log2(magnitude)) - 11)


def test_float16_preset_loads_back_within_float16_rounding(trained, tmp_path):
    model, full = trained
    path = tmp_path / "preset.keras"
    size = kg.presets.export(model, path)

    assert size == path.stat().st_size < 0.35 * full.stat().st_size  # Adam's state too
    loaded = keras.saving.load_model(path)
    assert not loaded.compiled  # no optimizer state: from_preset compiles fresh ones
    assert [v.path for v in loaded.weights] == [v.path for v in model.weights]
    for before, after in zip(model.weights, loaded.weights):
        assert after.dtype == before.dtype, before.path
        old, new = np.asarray(before), np.asarray(after)
        if old.dtype.kind == "f":
            assert np.all(np.abs(new - old) <= _float16_rounding_bound(old)), before.path
            assert not np.array_equal(new, old) or old.size < 4, before.path  # rounded
        else:  # integer state (seed generator, step counter) as it was
            np.testing.assert_array_equal(new, old, err_msg=before.path)
    np.testing.assert_allclose(loaded.generate(8, seed=0), model.generate(8, seed=0),
                               atol=2e-2)
    np.testing.assert_allclose(loaded.generate(8, seed=0, use_ema=False),
                               model.generate(8, seed=0, use_ema=False), atol=2e-2)


def test_float32_preset_keeps_the_weights_exactly(trained, tmp_path):
    model, _ = trained
    path = tmp_path / "preset.keras"
    kg.presets.export(model, path, weights_dtype="float32")
    loaded = keras.saving.load_model(path)
    for before, after in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(np.asarray(after), np.asarray(before))


def test_a_weight_too_large_for_float16_is_stored_unchanged(trained, tmp_path):
    model, _ = trained
    clone = keras.saving.load_model(trained[1])
    kernel = clone.discriminator.trainable_weights[0]
    kernel.assign(np.full(kernel.shape, 1e5, "float32"))  # beyond float16's 65504
    path = tmp_path / "preset.keras"
    kg.presets.export(clone, path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(np.asarray(loaded.discriminator.trainable_weights[0]),
                                  np.asarray(kernel))


def _export_without_averages(model, path, averages):
    """`model` exported with `averages` ("in_place" or "dropped") and loaded back: a
    model that keeps no averages."""
    kg.presets.export(model, path, weights_dtype="float32", averages=averages)
    loaded = keras.saving.load_model(path)
    assert loaded.ema_decay is None and not hasattr(loaded, "generator_ema")
    return loaded


def test_averages_in_place_ship_the_average_as_the_network(trained, tmp_path):
    model, _ = trained
    path = tmp_path / "preset.keras"
    loaded = _export_without_averages(model, path, "in_place")
    for got, average in zip(loaded.generator.weights, model.generator_ema.weights):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(average))
    for got, trained_weight in zip(loaded.discriminator.weights,
                                   model.discriminator.weights):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(trained_weight))
    assert int(loaded.step_counter.numpy()) == int(model.step_counter.numpy()) == 2
    np.testing.assert_array_equal(loaded.generate(8, seed=0), model.generate(8, seed=0))
    # The trained generator is left out: the file is smaller than the one that keeps it.
    kept = tmp_path / "kept.keras"
    kg.presets.export(model, kept, weights_dtype="float32")
    generator_bytes = 4 * model.generator.count_params()
    assert path.stat().st_size < kept.stat().st_size - 0.5 * generator_bytes


def test_averages_dropped_ship_the_trained_networks_alone(trained, tmp_path):
    model, _ = trained
    loaded = _export_without_averages(model, tmp_path / "preset.keras", "dropped")
    for name in model.NETWORKS:  # the trained weights, not the averages
        for got, weight in zip(getattr(loaded, name).weights, getattr(model, name).weights):
            np.testing.assert_array_equal(np.asarray(got), np.asarray(weight))
    assert not all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in
                   zip(model.generator.weights, model.generator_ema.weights))
    np.testing.assert_array_equal(loaded.generate(8, seed=0),
                                  model.generate(8, seed=0, use_ema=False))


@pytest.mark.parametrize("averages", ["in_place", "dropped"])
def test_averages_in_place_or_dropped_need_a_model_with_averages(averages, tmp_path):
    plain = kg.DCGAN(filters=8, latent_dim=8, seed=1)
    with pytest.raises(ValueError, match=f"averages='{averages}' needs a model trained "
                                         "with ema_decay"):
        kg.presets.export(plain, tmp_path / "plain.keras", averages=averages)
    assert not (tmp_path / "plain.keras").exists()


@pytest.mark.parametrize("arguments, message", [
    ({"path": "preset.h5"}, "ends in '.keras'"),
    ({"path": "preset.keras", "weights_dtype": "int8"}, "Unknown weights_dtype"),
    ({"path": "preset.keras", "averages": "both"}, "Unknown averages"),
])
def test_bad_arguments_are_refused_before_anything_is_written(trained, tmp_path,
                                                              arguments, message):
    arguments = dict(arguments, path=tmp_path / arguments["path"])
    with pytest.raises(ValueError, match=message):
        kg.presets.export(trained[0], **arguments)
    assert os.listdir(tmp_path) == []


def test_the_archive_is_compressed_and_a_complete_keras_file(trained, tmp_path):
    path = tmp_path / "preset.keras"
    kg.presets.export(trained[0], path)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        infos = {info.filename: info for info in archive.infolist()}
    assert set(infos) == {"metadata.json", "config.json", "model.weights.h5"}
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in infos.values())
    assert [name for name in os.listdir(tmp_path)] == ["preset.keras"]  # no temporaries


def test_the_shipped_presets_fit_in_forty_megabytes():
    files = [FILES / entry["file"] for entry in kg.presets.PRESETS.values() if entry["file"]]
    assert sorted(path.name for path in FILES.glob("*.keras")) == sorted(
        path.name for path in files)  # nothing shipped that no entry names
    assert sum(path.stat().st_size for path in files) <= 40 * 1024**2
