"""The keras-gans command line, run as a user runs it: a real subprocess."""

import os
import re
import resource
import signal
import subprocess
import sys

import tensorflow as tf

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "keras_gans.cli", *args],
        capture_output=True, text=True, env=ENV, timeout=600,
    )


def test_train_then_sample_on_fashion_mnist(tmp_path):
    out = tmp_path / "run"
    result = _run("train", "dcgan", "--dataset", "fashion_mnist", "--epochs", "2",
                  "--steps-per-epoch", "3", "--batch-size", "32", "--num-samples", "16",
                  "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "discriminator_loss" in result.stdout  # Keras's progress bar
    for relative in ("model.keras", "samples/epoch_0001.png", "samples/epoch_0002.png",
                     "checkpoints/last.keras"):
        assert (out / relative).is_file(), relative
    assert list((out / "logs").rglob("events.out.tfevents.*"))
    grid = tf.io.decode_png((out / "samples/epoch_0002.png").read_bytes())
    assert grid.shape == (4 * 30 + 2, 4 * 30 + 2, 1)

    result = _run("sample", str(out / "model.keras"), "--num", "25", "--out",
                  str(tmp_path / "grid.png"))
    assert result.returncode == 0, result.stderr
    grid = tf.io.decode_png((tmp_path / "grid.png").read_bytes())
    assert grid.shape == (5 * 30 + 2, 5 * 30 + 2, 1)


def test_bad_requests_fail_with_a_clear_message_and_write_nothing(tmp_path):
    result = _run("train", "stylegan", "--out", str(tmp_path / "a"))
    assert result.returncode == 2 and "Unknown variant" in result.stderr
    result = _run("train", "dcgan", "--dataset", "no_such_data", "--out", str(tmp_path / "b"))
    assert result.returncode == 2 and "no_such_data" in result.stderr
    assert not (tmp_path / "b" / "model.keras").exists()
    corrupt = tmp_path / "corrupt.keras"
    corrupt.write_bytes(b"not a zip file")
    result = _run("sample", str(corrupt), "--out", str(tmp_path / "g.png"))
    assert result.returncode == 2 and "Cannot load" in result.stderr
    assert not (tmp_path / "g.png").exists()


def test_a_write_failing_halfway_exits_with_code_4_a_clear_message_and_no_crash(tmp_path):
    def limit_file_size():  # every file stops at 1 MB (EFBIG): a disk full mid-write
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2**20, 2**20))

    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.cli", "train", "gan", "--epochs", "1",
         "--steps-per-epoch", "2", "--batch-size", "16", "--backup-every", "1",
         "--num-samples", "4", "--verbose", "0", "--out", str(out)],
        capture_output=True, text=True, env=ENV, timeout=600, preexec_fn=limit_file_size)
    assert result.returncode == 4, result.stderr[-3000:]  # not a segfault (139)
    assert re.search(r"keras-gans: error: Cannot write the backup of step 1 to '.*"
                     r"state-0+1\.weights\.h5': File too large\. It needs about \d", result.stderr)
    assert not (out / "backup" / "progress.json").exists()
    assert not list(out.rglob(".*partial*"))


def test_a_truncated_model_file_is_reported_as_damaged(tmp_path):
    import keras_gans as kg

    model = kg.GAN(seed=0)
    model.compile()
    model.save(tmp_path / "whole.keras")
    whole = (tmp_path / "whole.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(whole[:len(whole) // 2])
    result = _run("sample", str(tmp_path / "cut.keras"), "--out", str(tmp_path / "g.png"))
    assert result.returncode == 2
    assert re.search(r"Cannot load '.*cut\.keras': the file is damaged: it is not a complete zip "
                     rf"archive \({len(whole) // 2} bytes; truncated", result.stderr)
    assert "File not found" not in result.stderr
