import glob
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.images import make_grid


def test_sample_grid_writes_one_png_per_epoch_from_fixed_latents(fashion_images, tmp_path):
    model = kg.DCGAN(seed=0)
    model.compile()
    grids = []

    class Record(kg.callbacks.SampleGrid):
        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)
            grids.append(make_grid(self.model.generate(9, seed=7)))

    data = tf.data.Dataset.from_tensor_slices(fashion_images[:128]).batch(64)
    callback = Record(tmp_path / "samples", num_samples=9, seed=7, log_dir=tmp_path / "logs")
    model.fit(data, epochs=2, verbose=0, callbacks=[callback])

    files = sorted(glob.glob(str(tmp_path / "samples" / "*.png")))
    assert [os.path.basename(f) for f in files] == ["epoch_0001.png", "epoch_0002.png"]
    for path, expected in zip(files, grids):
        decoded = tf.io.decode_png(open(path, "rb").read()).numpy()
        assert decoded.shape == (3 * 30 + 2, 3 * 30 + 2, 1)  # 3 x 3 grid of 28 px, padding 2
        # The grid shows the samples of the fixed latents, as they are at that epoch.
        np.testing.assert_array_equal(decoded, expected)
    assert not np.array_equal(grids[0], grids[1])  # training moved the generator

    events = glob.glob(str(tmp_path / "logs" / "events.out.tfevents.*"))
    assert events
    tags = [value.tag for event in tf.compat.v1.train.summary_iterator(events[0])
            for value in event.summary.value]
    assert tags.count("samples") == 2


def test_sample_grid_fails_before_training_when_directory_unwritable(fashion_images, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    model = kg.DCGAN(seed=0)
    model.compile()
    data = tf.data.Dataset.from_tensor_slices(fashion_images[:64]).batch(64)
    with pytest.raises(ValueError, match="not writable"):
        model.fit(data, epochs=1, verbose=0,
                  callbacks=[kg.callbacks.SampleGrid(blocker / "samples")])
    assert int(model.step_counter.numpy()) == 0


def test_history_csv_keeps_values_logged_every_n_epochs_and_continues_a_resumed_run(tmp_path):
    import csv

    path = tmp_path / "history.csv"
    history = kg.callbacks.HistoryCSV(path)
    history.on_train_begin()
    history.on_epoch_end(0, {"generator_loss": 1.0})           # no FID at epoch 1
    history.on_epoch_end(1, {"generator_loss": 0.5, "fid": 80.0})
    resumed = kg.callbacks.HistoryCSV(path)                      # a new process
    resumed.on_train_begin()
    resumed.on_epoch_end(1, {"generator_loss": 0.25, "fid": 70.0})  # epoch 2 trained again
    resumed.on_epoch_end(2, {"generator_loss": 0.125})
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    assert [row["fid"] for row in rows] == ["", "70.0", ""]
    assert [float(row["generator_loss"]) for row in rows] == [1.0, 0.25, 0.125]
    minutes = [float(row["train_minutes"]) for row in rows]
    assert minutes == sorted(minutes) and minutes[0] >= 0.0


def test_measure_writes_a_variants_own_measure_into_the_logs_every_n_epochs(monkeypatch):
    from keras_gans.evaluation import measures

    calls = []

    def fake_measure(model, scale=1.0):
        calls.append(model)
        return {"accuracy": 0.5 * scale, "count": 7}  # only floats go into the logs

    monkeypatch.setitem(measures.MEASURES, "fake", fake_measure)
    callback = kg.callbacks.Measure("fake", every_n_epochs=2, scale=2.0)
    model = object()
    callback.set_model(model)
    logs = [{} for _ in range(4)]
    for epoch, epoch_logs in enumerate(logs):
        callback.on_epoch_end(epoch, epoch_logs)
    assert logs == [{}, {"accuracy": 1.0}, {}, {"accuracy": 1.0}]
    assert calls == [model, model]
    with pytest.raises(ValueError, match="Unknown measure.*Received: name='probe'"):
        kg.callbacks.Measure("probe")
    with pytest.raises(ValueError, match="every_n_epochs"):
        kg.callbacks.Measure("fake", every_n_epochs=0)
