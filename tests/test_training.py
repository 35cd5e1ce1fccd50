"""Exact resume after a crash, and the NaN guard (keras_gans.training). Every variant's
resume of `fit_resumable` is in the battery (tests/harness.py, run_resume_test)."""

import errno
import json
import os
import re
import signal
import subprocess
import sys

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


def _train_command(out):
    return [sys.executable, "-m", "keras_gans.cli", "train", "gan", "--epochs", "2",
            "--steps-per-epoch", "4", "--batch-size", "16", "--backup-every", "2",
            "--deterministic", "--num-samples", "4", "--verbose", "0", "--out", str(out)]


TRAIN_ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")


def _train(out, kill_at=None):
    env = dict(TRAIN_ENV, **{kg.io_utils.KILL_AT_ENV_VAR: kill_at} if kill_at else {})
    return subprocess.run(_train_command(out), env=env, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def uninterrupted_cli_run(tmp_path_factory):
    """The weights of an uninterrupted run, and its kill points in order: (point, what)."""
    out = tmp_path_factory.mktemp("uninterrupted")
    done = _train(out, kill_at="trace")
    assert done.returncode == 0, done.stderr[-2000:]
    points = re.findall(r"^fault point (\S+) (.*)$", done.stderr, re.M)
    return weights_of(keras.saving.load_model(out / "model.keras")), points


def _kill_points(points):
    """The points to kill a run at: all with KG_FAULT_POINTS=all (42, about an hour
    here), else KG_FAULT_POINTS (default 3, the reduced count CI runs): a step between
    backups, and points spread over the first epoch's end window (from its last step to
    its end backup's progress.json in place: sample grid, checkpoint, history.csv,
    backup). The window's inner points are also killed in-process by
    test_a_run_killed_in_the_epoch_end_window_resumes_to_the_same_weights."""
    names = [point for point, _ in points]
    count = os.environ.get("KG_FAULT_POINTS", "3")
    if count == "all":
        return names
    last_step, backup_done = names.index("step:4"), names.index("written:8")
    assert points[backup_done][1].endswith("progress.json"), points
    window = names[last_step:backup_done + 1]
    spread = np.linspace(0, len(window) - 1, int(count) - 1).round().astype(int)
    return ["step:3"] + [window[i] for i in spread]


def test_kill_points_cover_every_write_step_and_the_epoch_end_window(uninterrupted_cli_run):
    points = dict(uninterrupted_cli_run[1])
    assert [points[f"step:{i}"] for i in range(1, 9)] == [str(i) for i in range(1, 9)]
    written = [points[f"write:{i}"] for i in range(4, 9)]  # epoch 1's end, in order
    assert [os.path.basename(path) for path in written] == [
        "epoch_0001.png", "last.keras", "history.csv", "state-0000000004.weights.h5",
        "progress.json"]
    assert points["write:17"].endswith("model.keras") and len(points) == 42


def test_cli_run_killed_with_sigkill_at_many_points_resumes_to_the_same_weights(
        uninterrupted_cli_run, tmp_path):
    """SIGKILL (the process kills itself at a KERAS_GANS_KILL_AT point, see
    kg.io_utils.fault_point), then the same command again: the final weights are the
    uninterrupted run's, bit for bit. Run the full set: KG_FAULT_POINTS=all."""
    expected, points = uninterrupted_cli_run
    for point in _kill_points(points):
        out = tmp_path / point.replace(":", "_")
        killed = _train(out, kill_at=point)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr[-2000:])
        resumed = _train(out)
        assert resumed.returncode == 0, (point, resumed.stderr[-2000:])
        model = keras.saving.load_model(out / "model.keras")
        assert int(model.step_counter.numpy()) == 8, point
        for x, y in zip(expected, weights_of(model)):
            np.testing.assert_array_equal(x, y, err_msg=point)
        assert not list(out.rglob(".*.partial*")), point


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


class Killed(Exception):
    """Stands for a SIGKILL at one point of a run."""


def _fit_gan(model, directory, images, epochs=2, callbacks=()):
    """2 epochs of 4 steps, a backup every 2 steps: each epoch's last step is one."""
    def epoch_dataset(epoch):
        return tf.data.Dataset.from_tensor_slices(images).shuffle(64, seed=epoch).batch(16)

    return kg.training.fit_resumable(model, epoch_dataset, epochs=epochs, steps_per_epoch=4,
                                     backup_dir=directory, every_n_steps=2,
                                     callbacks=callbacks, verbose=0)


def _after(method, condition):
    """`method` followed by a kill when `condition(backup, *args)` holds."""
    def wrapped(self, *args, **kwargs):
        method(self, *args, **kwargs)
        if condition(self, *args):
            raise Killed
    return wrapped


class KillAtEpochEnd(keras.callbacks.Callback):  # while the sample grid, export... run
    def on_epoch_end(self, epoch, logs=None):
        raise Killed


def _kill_in_epoch_end_window(point, monkeypatch):
    """Patches `kg.training.Backup` so that the first epoch end is killed at `point`;
    returns the extra callbacks of the killed run."""
    backup = kg.training.Backup
    if point == "after_the_last_steps_backup":
        monkeypatch.setattr(backup, "on_train_batch_end", _after(
            backup.on_train_batch_end, lambda self, batch, *_: batch == 3))
    elif point == "during_the_end_work":
        return [KillAtEpochEnd()]
    elif point == "after_the_weights_before_progress_json":
        def write_progress(path, data, *args):
            if json.loads(data)["steps_in_epoch"] == 0:
                raise Killed
            kg.io_utils.write_bytes(path, data, *args)
        monkeypatch.setattr(kg.training, "write_bytes", write_progress)
    elif point == "after_the_epoch_end_backup":
        monkeypatch.setattr(backup, "on_epoch_end", _after(
            backup.on_epoch_end, lambda self, epoch, *_: epoch == 0))
    return []


@pytest.mark.parametrize("point", ["after_the_last_steps_backup", "during_the_end_work",
                                   "after_the_weights_before_progress_json",
                                   "after_the_epoch_end_backup"])
def test_a_run_killed_in_the_epoch_end_window_resumes_to_the_same_weights(
        point, fashion_images, tmp_path, monkeypatch):
    images = fashion_images[:64]
    reference = _model(kg.GAN)
    _fit_gan(reference, tmp_path / "a", images)

    killed = _model(kg.GAN)
    with monkeypatch.context() as patch:
        callbacks = _kill_in_epoch_end_window(point, patch)
        with pytest.raises(Killed):
            _fit_gan(killed, tmp_path / "b", images, callbacks=callbacks)
    ends = []
    resumed = _model(kg.GAN)  # as a new process would
    _fit_gan(resumed, tmp_path / "b", images, callbacks=[keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: ends.append(epoch))])
    assert ends == ([1] if point == "after_the_epoch_end_backup" else [0, 1])
    assert int(resumed.step_counter.numpy()) == 8
    for x, y in zip(weights_of(reference), weights_of(resumed)):
        np.testing.assert_array_equal(x, y)


def test_a_backup_of_an_epochs_last_step_without_its_end_work_is_finished_on_resume(
        fashion_images, tmp_path):
    """Earlier versions backed up an epoch's last step before its end work: a run killed
    then must finish that work on resume, not fail with "The dataset is empty"."""
    images = fashion_images[:64]
    reference = _model(kg.GAN)
    _fit_gan(reference, tmp_path / "a", images)

    killed = _model(kg.GAN)
    with pytest.raises(Killed):
        _fit_gan(killed, tmp_path / "b", images, callbacks=[KillAtEpochEnd()])
    backup = kg.training.Backup(tmp_path / "b")
    backup.set_model(killed)
    backup.save(0, 4)  # what earlier versions left: epoch 0, all 4 steps done
    ends = []
    resumed = _model(kg.GAN)
    _fit_gan(resumed, tmp_path / "b", images, callbacks=[keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: ends.append(epoch))])
    assert ends == [0, 1]
    for x, y in zip(weights_of(reference), weights_of(resumed)):
        np.testing.assert_array_equal(x, y)


def test_resuming_with_another_precision_is_refused_naming_the_flag(tmp_path):
    options = dict(dataset="fashion_mnist", batch_size=16, steps_per_epoch=2, backup_every=1,
                   num_samples=4, verbose=0)
    kg.training.run("gan", tmp_path, epochs=1, **options)
    progress = (tmp_path / "backup" / "progress.json").read_text()
    try:
        with pytest.raises(ValueError, match=r"precision='float32'; this run asks for "
                           r"precision='mixed_float16'.*\(--precision float32\)"):
            kg.training.run("gan", tmp_path, epochs=2, precision="mixed_float16", **options)
    finally:
        kg.distribute.set_precision("float32")
    assert (tmp_path / "backup" / "progress.json").read_text() == progress
    with pytest.raises(ValueError, match=r"batch_size=16.*--batch-size 16"):
        kg.training.run("gan", tmp_path, epochs=2, **dict(options, batch_size=32))
    kg.training.run("gan", tmp_path, epochs=2, **options)  # the same settings resume
    assert json.loads((tmp_path / "backup" / "progress.json").read_text())["step"] == 4


def test_a_second_run_in_the_same_directory_is_refused_naming_the_first(tmp_path):
    options = dict(dataset="fashion_mnist", batch_size=16, steps_per_epoch=2, num_samples=4,
                   verbose=0)
    with kg.io_utils.directory_lock(tmp_path):  # held as a running `keras-gans train` holds it
        with pytest.raises(ValueError, match=rf"Another keras-gans run \(PID {os.getpid()}\) "
                           r"is using .*choose another output directory \(--out\)"):
            kg.training.run("gan", tmp_path, epochs=1, **options)
    assert not (tmp_path / "backup").exists()
    kg.training.run("gan", tmp_path, epochs=1, **options)  # released: the next run trains
    assert (tmp_path / "model.keras").is_file()


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / kg.io_utils.LOCK_FILE).write_text(f"{dead.pid}\n")
    with kg.io_utils.directory_lock(tmp_path) as lock:
        assert open(lock).read() == f"{os.getpid()}\n"


def test_backup_rotation_tolerates_a_state_removed_by_another_process(tmp_path, monkeypatch):
    model = _model(kg.GAN)
    backup = kg.training.Backup(tmp_path)
    backup.set_model(model)
    backup.save(0, 1)
    gone = str(tmp_path / "state-0000000099.weights.h5")  # listed, then removed elsewhere
    listing = kg.training.glob.glob
    monkeypatch.setattr(kg.training.glob, "glob", lambda pattern: [gone, *listing(pattern)])
    backup.save(0, 2)
    assert json.loads((tmp_path / "progress.json").read_text())["steps_in_epoch"] == 2


def _backed_up_gan(directory):
    model = _model(kg.GAN)
    backup = kg.training.Backup(directory)
    backup.set_model(model)
    backup.save(0, 1)
    return model, backup


def test_a_full_disk_during_a_backup_is_one_clear_error_and_keeps_the_previous_backup(
        tmp_path, monkeypatch):
    model, backup = _backed_up_gan(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def disk_full(path, *args, **kwargs):
        with open(path, "wb") as file:
            file.write(b"half a state")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(model, "save_weights", disk_full)
    with pytest.raises(kg.io_utils.StorageError, match=r"Cannot write the backup of step 0 "
                       r"to '.*state-0+\.weights\.h5': No space left on device\. It needs "
                       r"about \d+\.\d MB; free on that disk: \d+\.\d MB"):
        backup.save(0, 2)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_disk_without_room_for_a_backup_is_refused_before_writing(tmp_path, monkeypatch):
    model, backup = _backed_up_gan(tmp_path)
    monkeypatch.setattr(kg.io_utils, "free_bytes", lambda directory: 1000)
    monkeypatch.setattr(model, "save_weights", lambda *args: pytest.fail("written"))
    with pytest.raises(kg.io_utils.StorageError, match=r"It needs about [1-9]\d*\.\d MB; "
                       r"free on that disk: 0\.0 MB"):
        backup.save(0, 2)
    with pytest.raises(kg.io_utils.StorageError, match=r"Cannot write the trained model"):
        kg.callbacks.export(model, tmp_path / "model.keras", "the trained model")
    assert not (tmp_path / "model.keras").exists()


def test_a_backup_with_flipped_bytes_is_refused_on_restore(tmp_path):
    model, backup = _backed_up_gan(tmp_path)
    weights = tmp_path / json.loads((tmp_path / "progress.json").read_text())["weights"]
    damaged = bytearray(weights.read_bytes())
    damaged[len(damaged) // 2:len(damaged) // 2 + 8] = bytes(
        b ^ 0xFF for b in damaged[len(damaged) // 2:len(damaged) // 2 + 8])
    weights.write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match=r"The backup '.*state-0+\.weights\.h5' is damaged: "
                       r"its sha256 is [0-9a-f]{64}, but progress\.json recorded"):
        kg.training.Backup(tmp_path).restore(_model(kg.GAN))


def test_temporaries_of_a_killed_run_are_removed_by_the_next_run(tmp_path):
    left = [tmp_path / "checkpoints" / ".last.keras.k2x9.partial.keras",
            tmp_path / "backup" / ".state-0000000005.weights.h5.q1.partial.weights.h5"]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a file")
    (tmp_path / "notes.partial.txt").write_text("the user's")
    kg.training.run("gan", tmp_path, epochs=1, dataset="fashion_mnist", batch_size=16,
                    steps_per_epoch=2, num_samples=4, verbose=0)
    assert [p.name for p in tmp_path.rglob("*partial*")] == ["notes.partial.txt"]


def _max_distance(a, b):  # batch-norm statistics left out: they move faster
    return max(float(np.abs(x - y).max()) for x, y in zip(a.weights, b.weights)
               if "moving_" not in x.path)


def test_a_run_from_a_preset_takes_options_that_keep_its_networks(tmp_path):
    # dcgan_fashion_mnist ships its generator and the generator's moving average.
    preset = kg.DCGAN.from_preset("dcgan_fashion_mnist", compile=False)
    assert _max_distance(preset.generator_ema, preset.generator) > 1e-2
    options = dict(dataset="fashion_mnist", batch_size=16, steps_per_epoch=2, num_samples=4,
                   verbose=0, from_preset="dcgan_fashion_mnist")
    model = kg.training.run("dcgan", tmp_path / "kept", epochs=1, **options,
                            model_options={"ema_decay": 0.99, "ema_start": 0})
    assert (model.ema_decay, model.ema_start, int(model.step_counter.numpy())) == (0.99, 0, 2)
    # The preset's average carried on (two steps at 0.99 move it by ~2% of the way to
    # the generator), its networks kept (Adam moves a weight by ~2e-4 a step).
    assert _max_distance(model.generator_ema, preset.generator_ema) < 2e-3
    assert 0 < _max_distance(model.generator, preset.generator) < 1e-3
    assert 0 < _max_distance(model.discriminator, preset.discriminator) < 1e-3

    # A preset shipped without an average (cyclegan_sneaker2boot ships its averages as
    # the generators): the new one starts as its generators.
    bare = kg.CycleGAN.from_preset("cyclegan_sneaker2boot", compile=False)
    assert bare.ema_decay is None
    model = kg.training.run("cyclegan", tmp_path / "added", epochs=1,
                            **dict(options, from_preset="cyclegan_sneaker2boot",
                                   dataset="fashion_mnist_sneaker2boot"),
                            model_options={"ema_decay": 0.999, "ema_start": 0})
    for name in ("generator_a_to_b", "generator_b_to_a"):
        assert _max_distance(getattr(model, f"{name}_ema"), getattr(bare, name)) < 1e-3
        # Its networks kept (Adam moves a weight by ~2e-4 a step).
        assert 0 < _max_distance(getattr(model, name), getattr(bare, name)) < 1e-3
    reloaded = keras.saving.load_model(tmp_path / "added" / "model.keras")
    assert reloaded.ema_decay == 0.999

    with pytest.raises(ValueError, match=r"do not fit the networks of the preset "
                       r"'dcgan_fashion_mnist'.*only options that keep the networks' shapes"):
        kg.training.run("dcgan", tmp_path / "wider", epochs=1, **options,
                        model_options={"latent_dim": 64})


def test_a_run_starts_from_a_keras_file_of_another_run(tmp_path):
    options = dict(dataset="fashion_mnist", batch_size=16, steps_per_epoch=2, num_samples=4,
                   verbose=0)
    first = kg.training.run("gan", tmp_path / "first", epochs=1, **options)
    last = tmp_path / "first" / "checkpoints" / "last.keras"
    model = kg.training.run("gan", tmp_path / "second", epochs=1, from_preset=str(last),
                            model_options={"ema_decay": 0.99, "ema_start": 1}, **options)
    assert int(model.step_counter.numpy()) == 2  # a new run on the file's networks
    assert 0 < _max_distance(model.generator, first.generator) < 1e-2
    assert _max_distance(model.generator_ema, first.generator) < 1e-2
    with pytest.raises(ValueError, match=r"holds a GAN, not a DCGAN; train variant 'gan'"):
        kg.training.run("dcgan", tmp_path / "third", epochs=1, from_preset=str(last),
                        **options)
    (tmp_path / "broken.keras").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"Cannot load '.*broken\.keras' to start from"):
        kg.training.run("gan", tmp_path / "fourth", epochs=1,
                        from_preset=str(tmp_path / "broken.keras"), **options)
