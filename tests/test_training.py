"""Exact resume after a crash, and the NaN guard (keras_gans.training). Every variant's
resume of `fit_resumable` is in the battery (tests/harness.py, run_resume_test)."""

import json
import os
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from conftest import weights_of

def _model(variant):
    model = variant(seed=0)
    model.compile()
    return model


def test_cli_run_killed_with_sigkill_resumes_to_the_same_weights(tmp_path):
    def command(out):
        return [sys.executable, "-m", "keras_gans.cli", "train", "dcgan", "--epochs", "2",
                "--steps-per-epoch", "20", "--batch-size", "16", "--backup-every", "5",
                "--deterministic", "--num-samples", "4", "--verbose", "0", "--out", str(out)]

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run(command(tmp_path / "a"), env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]

    victim = subprocess.Popen(command(tmp_path / "b"), env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    progress_file = tmp_path / "b" / "backup" / "progress.json"
    deadline = time.time() + 600
    while time.time() < deadline and victim.poll() is None:
        if progress_file.exists() and json.loads(progress_file.read_text())["step"] >= 25:
            victim.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    victim.wait(timeout=60)
    assert victim.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert not (tmp_path / "b" / "model.keras").exists()
    assert json.loads(progress_file.read_text())["steps_in_epoch"] > 0  # killed mid-epoch

    resumed = subprocess.run(command(tmp_path / "b"), env=env, capture_output=True, text=True,
                             timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    a = keras.saving.load_model(tmp_path / "a" / "model.keras")
    b = keras.saving.load_model(tmp_path / "b" / "model.keras")
    assert int(b.step_counter.numpy()) == 40
    for x, y in zip(weights_of(a), weights_of(b)):
        np.testing.assert_array_equal(x, y)


def test_non_finite_loss_stops_training_and_keeps_the_last_good_backup(fashion_images, tmp_path):
    model = kg.GAN(seed=0)
    model.compile(generator_optimizer=keras.optimizers.SGD(0.01),
                  discriminator_optimizer=keras.optimizers.SGD(0.01))

    def sabotage(batch, logs):  # from the 6th step on, an absurd learning rate
        if batch == 4:
            model.generator_optimizer.learning_rate.assign(1e12)
            model.discriminator_optimizer.learning_rate.assign(1e12)

    images = fashion_images[:20 * 32]
    # Stopped by NonFiniteGuard (a NaN loss) or, when an update made a weight inf while
    # the loss logged for that step was still finite, by the backup refusing to save it.
    with pytest.raises(FloatingPointError,
                       match=r"GAN diverged: (non-finite .*loss=.* at step|the weight .* is "
                             r"non-finite after step) \d+"):
        kg.training.fit_resumable(
            model, lambda e: tf.data.Dataset.from_tensor_slices(images).batch(32),
            epochs=1, steps_per_epoch=20, backup_dir=tmp_path, every_n_steps=1, verbose=0,
            callbacks=[keras.callbacks.LambdaCallback(on_train_batch_end=sabotage)])
    progress = json.loads((tmp_path / "progress.json").read_text())
    assert 5 <= progress["step"] < int(model.step_counter.numpy())
    restored = kg.GAN(seed=0)
    restored.compile(generator_optimizer=keras.optimizers.SGD(1.0),
                     discriminator_optimizer=keras.optimizers.SGD(1.0))
    restored.load_weights(tmp_path / progress["weights"])
    assert all(np.all(np.isfinite(w)) for w in weights_of(restored))
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_backup_refuses_a_non_finite_weight_and_keeps_the_previous_state(tmp_path):
    model = _model(kg.GAN)
    backup = kg.training.Backup(tmp_path)
    backup.set_model(model)
    backup.save(0, 1)
    before = sorted(p.name for p in tmp_path.iterdir())
    kernel = model.discriminator.trainable_weights[0]
    kernel.assign(np.where(np.arange(kernel.shape[-1]) == 3, np.inf, kernel.numpy()))
    with pytest.raises(FloatingPointError, match=r"the weight '.*kernel' is non-finite"):
        backup.save(0, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_damaged_backup_gives_a_clear_error(tmp_path):
    (tmp_path / "progress.json").write_text('{"epoch": 1, "steps_in_epoch": 0, "weights": "x.weights.h5"}')
    (tmp_path / "x.weights.h5").write_bytes(b"garbage")
    model = _model(kg.DCGAN)
    with pytest.raises(ValueError, match="Cannot restore the backup"):
        kg.training.fit_resumable(model, lambda e: None, epochs=2, steps_per_epoch=1,
                                  backup_dir=tmp_path, verbose=0)
    (tmp_path / "progress.json").write_text("{not json")
    with pytest.raises(ValueError, match="unreadable"):
        kg.training.fit_resumable(model, lambda e: None, epochs=2, steps_per_epoch=1,
                                  backup_dir=tmp_path, verbose=0)
