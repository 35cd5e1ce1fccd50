"""The keras-gans command line, run as a user runs it: a real subprocess."""

import json
import os
import re
import resource
import signal
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

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


def test_bad_requests_fail_with_a_clear_message_and_write_nothing(tmp_path, capsys):
    # In-process (`_main`): the subprocess path is the test above's.
    code, _, error = _main(capsys, "train", "stylegan", "--out", str(tmp_path / "a"))
    assert code == 2 and "Unknown variant" in error
    code, _, error = _main(capsys, "train", "dcgan", "--dataset", "no_such_data", "--out",
                           str(tmp_path / "b"))
    assert code == 2 and "no_such_data" in error
    assert not (tmp_path / "b" / "model.keras").exists()
    corrupt = tmp_path / "corrupt.keras"
    corrupt.write_bytes(b"not a zip file")
    code, _, error = _main(capsys, "sample", str(corrupt), "--out", str(tmp_path / "g.png"))
    assert code == 2 and "Cannot load" in error
    assert not (tmp_path / "g.png").exists()


# ------------------------------------------------- start-up: help, version, TF logs

LAUNCH = [sys.executable, "-m", "keras_gans_cli"]
QUIET_ENV = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
TF_LOG_MARKS = ("I0000", "W0000", "E0000", "oneDNN", "cuda", "absl")


def test_help_and_version_answer_fast_without_importing_tensorflow():
    code = ("import sys, keras_gans_cli\n"
            "for argv in (['--help'], ['train', '--help'], ['--version']):\n"
            "    try: keras_gans_cli.main(argv)\n"
            "    except SystemExit: pass\n"
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=QUIET_ENV, timeout=60)
    assert result.stdout.strip().endswith("False False"), result.stdout
    for argv in (["--help"], ["train", "--help"]):
        result = subprocess.run([*LAUNCH, *argv], capture_output=True, text=True,
                                env=QUIET_ENV, timeout=60)
        assert result.returncode == 0 and result.stderr == "", result.stderr
    help_text = " ".join(result.stdout.split())
    for flag, default in (("--epochs", "20"), ("--seed", "0"), ("--backup-every", "100"),
                          ("--strategy", "auto"), ("--precision", "float32")):
        assert f"(default: {default})" in help_text.split(flag, 2)[-1], flag
    result = subprocess.run([*LAUNCH, "--version"], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == f"keras-gans {kg.__version__}"


def test_every_flag_of_every_command_has_help_and_the_choices_are_the_librarys():
    import argparse

    import keras_gans_cli

    parser = keras_gans_cli.parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in commands.choices.items():
        for action in command._actions:
            assert action.help, (name, action.dest)
    assert keras_gans_cli.STRATEGIES == kg.distribute.STRATEGIES
    assert keras_gans_cli.PRECISIONS == kg.distribute.PRECISIONS
    assert set(keras_gans_cli.VARIANTS.replace(" or ", ", ").split(", ")) == set(
        kg.models.VARIANTS)


def test_train_is_quiet_by_default_and_says_its_replicas_and_precision(tmp_path):
    args = ["train", "dcgan", "--epochs", "1", "--steps-per-epoch", "2", "--batch-size",
            "16", "--num-samples", "4", "--verbose", "0", "--out", str(tmp_path / "run")]
    result = subprocess.run([*LAUNCH, *args], capture_output=True, text=True,
                            env=QUIET_ENV, timeout=600)
    assert result.returncode == 0, result.stderr
    assert not [line for line in result.stderr.splitlines()
                if any(mark in line for mark in TF_LOG_MARKS)], result.stderr
    assert "on 1 replica(s)" in result.stdout and "precision float32" in result.stdout
    result = subprocess.run([*LAUNCH, "--verbose", "presets"], capture_output=True,
                            text=True, env=QUIET_ENV, timeout=300)
    assert result.returncode == 0 and "I0000" in result.stderr  # --verbose: TF's lines


# ---------------------------------------------------------------- sample --out


def _main(capsys, *argv):
    """Runs the command line in this process: (exit code, stdout, stderr)."""
    import keras_gans_cli

    code = keras_gans_cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_sample_refuses_every_unwritable_out_cleanly(tmp_path, capsys):
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "a_dir").mkdir()
    cases = {
        "a_dir": "is a directory; give an image file name",
        "a_file/g.png": "is a file, not a directory",
        "grid.gif": "Cannot tell the image format of",
        "grid": "Received the extension '(none)'",
    }
    for out, message in cases.items():
        code, _, error = _main(capsys, "sample", "dcgan_fashion_mnist", "--num", "4",
                               "--out", str(tmp_path / out))
        assert code == 2 and message in error and "Traceback" not in error, out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_dir", "a_file"]


def test_sample_writes_jpeg_for_a_jpg_name_and_png_for_a_png_name(tmp_path, capsys):
    for name, magic in (("g.jpg", b"\xff\xd8\xff"), ("g.JPEG", b"\xff\xd8\xff"),
                        ("new/dir/g.png", b"\x89PNG")):
        code, out, error = _main(capsys, "sample", "dcgan_fashion_mnist", "--num", "4",
                                 "--out", str(tmp_path / name))
        assert code == 0, error
        assert (tmp_path / name).read_bytes().startswith(magic), name


# ---------------------------------------------------------------- train


def test_a_refused_train_leaves_no_empty_out_directory(tmp_path, capsys):
    flat = tmp_path / "flat"
    flat.mkdir()
    tf.io.write_file(str(flat / "0.png"), tf.io.encode_png(tf.zeros((28, 28, 1), "uint8")))
    requests = {
        "out_missing": (["dcgan", "--dataset", str(tmp_path / "nowhere")], "nowhere"),
        "out_flat": (["cgan", "--dataset", str(flat)], "one sub-folder of images per class"),
        "out_critic": (["wgan", "--batch-size", "32"], "multiple of"),
    }
    errors = {}
    for out, (args, message) in requests.items():
        code, _, errors[out] = _main(capsys, "train", *args, "--epochs", "1", "--out",
                                     str(tmp_path / out))
        assert code == 2 and message in errors[out], (out, errors[out])
        assert not (tmp_path / out).exists(), out
    # The messages speak the command line's language.
    assert "with_labels" not in errors["out_flat"]
    assert "keras-gans train dcgan --dataset" in errors["out_flat"]
    assert "--batch-size" in errors["out_critic"]


def test_rerunning_a_finished_train_says_there_is_nothing_to_do(tmp_path, capsys):
    args = ["train", "dcgan", "--epochs", "1", "--steps-per-epoch", "2", "--batch-size",
            "16", "--num-samples", "4", "--verbose", "0", "--out", str(tmp_path / "run")]
    assert _main(capsys, *args)[0] == 0
    model = tmp_path / "run" / "model.keras"
    written = model.stat().st_mtime_ns
    code, out, _ = _main(capsys, *args)
    assert code == 0 and "already trained to 1 epochs; nothing to do" in out
    assert model.stat().st_mtime_ns == written

    code, out, error = _main(capsys, "plot", str(tmp_path / "run"))
    assert code == 0, error
    assert (tmp_path / "run" / "curve.png").read_bytes().startswith(b"\x89PNG")
    code, _, error = _main(capsys, "plot", str(tmp_path))
    assert code == 2 and "No history.csv" in error


def test_train_fine_tunes_from_a_preset(tmp_path, capsys):
    preset = kg.DCGAN.from_preset("dcgan_fashion_mnist", compile=False)
    fresh = kg.DCGAN(image_shape=(28, 28, 1), seed=0)
    code, out, error = _main(
        capsys, "train", "dcgan", "--from-preset", "dcgan_fashion_mnist", "--dataset",
        "fashion_mnist", "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "16",
        "--num-samples", "4", "--verbose", "0", "--out", str(tmp_path / "ft"))
    assert code == 0, error
    tuned = keras.saving.load_model(tmp_path / "ft" / "model.keras")

    def distance(a, b):  # trainable weights: Adam moves each by about 2e-4 a step
        return max(float(np.abs(x - y).max()) for x, y in
                   zip(a.generator.trainable_weights, b.generator.trainable_weights))

    assert 0 < distance(tuned, preset) < 1e-3 < distance(fresh, preset)  # moved, a little
    assert int(tuned.step_counter.numpy()) == int(preset.step_counter.numpy()) + 2

    rgb = _rgb_folder(tmp_path / "rgb")
    code, _, error = _main(capsys, "train", "dcgan", "--from-preset", "dcgan_fashion_mnist",
                           "--dataset", str(rgb), "--epochs", "1", "--out",
                           str(tmp_path / "no"))
    assert code == 2 and "trained on images of shape (28, 28, 1)" in error
    assert "(32, 32, 3)" in error and "--image-size" in error
    assert not (tmp_path / "no").exists()


def _rgb_folder(folder, count=2, size=32):
    folder.mkdir(parents=True)
    for i in range(count):
        image = np.random.default_rng(i).integers(0, 255, (size, size, 3), dtype="uint8")
        tf.io.write_file(str(folder / f"{i}.png"), tf.io.encode_png(image))
    return folder


# ---------------------------------------------------------------- evaluate


def test_evaluate_checks_the_image_shape_before_building_an_extractor(tmp_path, capsys,
                                                                      monkeypatch):
    folder = _rgb_folder(tmp_path / "rgb")
    monkeypatch.setattr(kg.evaluation.extractors, "get",
                        lambda *a, **k: pytest.fail("an extractor was built"))
    code, _, error = _main(capsys, "evaluate", "dcgan_fashion_mnist", "--dataset",
                           str(folder), "--num", "10")
    assert code == 2
    assert "makes 28x28 grey images, but --dataset" in error and "32x32 RGB" in error


def test_evaluate_no_ema_measures_the_trained_generator(tmp_path, capsys):
    # dcgan_fashion_mnist ships its moving average and the trained generator.
    results = {}
    for flags in ((), ("--no-ema",)):
        out = tmp_path / f"{len(flags)}.json"
        code, printed, error = _main(capsys, "evaluate", "dcgan_fashion_mnist", "--num",
                                     "200", "--json", str(out), *flags)
        assert code == 0, error
        results[flags] = json.loads(out.read_text())
        assert ("the trained one (--no-ema)" in printed) == bool(flags)
    model = kg.DCGAN.from_preset("dcgan_fashion_mnist")
    evaluator = kg.evaluation.Evaluator("fashion_mnist", split="test")
    raw = evaluator.evaluate(model, 200, seed=0, use_ema=False)
    assert results[("--no-ema",)]["fid"] == pytest.approx(raw["fid"], rel=1e-6)
    assert results[()]["fid"] != pytest.approx(raw["fid"], rel=1e-3)


def test_evaluate_offline_says_inception_v3_weights_are_needed_and_how(tmp_path):
    env = dict(ENV, KERAS_HOME=str(tmp_path / "keras_home"),
               https_proxy="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9")
    result = subprocess.run(
        [*LAUNCH, "evaluate", "dcgan_fashion_mnist", "--extractor", "inception_v3",
         "--num", "10"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "needs InceptionV3's ImageNet weights" in result.stderr
    assert str(tmp_path / "keras_home" / "models") in result.stderr
    assert "Traceback" not in result.stderr


def test_train_cyclegan_on_two_folders_of_your_own(tmp_path, capsys):
    photos = _rgb_folder(tmp_path / "photos", count=3, size=24)
    paintings = _rgb_folder(tmp_path / "paintings", count=3, size=40)
    small = ["--option", "generator_filters=8", "--option", "residual_blocks=1",
             "--option", "discriminator_filters=8"]  # --option: constructor arguments
    code, out, error = _main(
        capsys, "train", "cyclegan", "--dataset-a", str(photos), "--dataset-b",
        str(paintings), "--image-size", "32", "32", "--epochs", "1", "--steps-per-epoch",
        "2", "--num-samples", "4", "--verbose", "0", *small, "--out", str(tmp_path / "cyc"))
    assert code == 0, error
    model = keras.saving.load_model(tmp_path / "cyc" / "model.keras")
    assert isinstance(model, kg.CycleGAN) and model.image_shape == (32, 32, 3)
    assert (model.generator_filters, model.residual_blocks) == (8, 1)

    for flags, message in ((["--dataset-a", str(photos)], "Give both --dataset-a and"),
                           (["--dataset-a", str(photos), "--dataset-b", str(paintings),
                             "--dataset", "fashion_mnist"], "and no --dataset")):
        code, _, error = _main(capsys, "train", "cyclegan", *flags, "--out",
                               str(tmp_path / "no"))
        assert code == 2 and message in error
    code, _, error = _main(capsys, "train", "dcgan", "--dataset-a", str(photos),
                           "--dataset-b", str(paintings), "--out", str(tmp_path / "no"))
    assert code == 2 and "dcgan trains on one dataset: use --dataset" in error
    assert not (tmp_path / "no").exists()


def test_option_passes_constructor_arguments_and_refuses_what_the_variant_lacks(
        tmp_path, capsys):
    code, _, error = _main(capsys, "train", "bigan", "--option", "architecture=dcgan",
                           "--option", "units=32", "--option", "ema_decay=0.9", "--option",
                           "discriminator_normalization=null", "--epochs", "1",
                           "--steps-per-epoch", "1", "--batch-size", "8", "--num-samples",
                           "4", "--verbose", "0", "--out", str(tmp_path / "b"))
    assert code == 0, error
    model = keras.saving.load_model(tmp_path / "b" / "model.keras")
    assert (model.architecture, model.units, model.ema_decay) == ("dcgan", 32, 0.9)
    assert model.discriminator_normalization is None
    for option, message in (
            ("filter=8", r"dcgan takes no option filter\. Its options: .*\bfilters\b"),
            ("generator=x", r"takes no option generator\."),
            ("seed=3", r"--option seed=\.\.\. is set by the run: use --seed"),
            ("latent_dim=8", "Give the latent size once")):
        code, _, error = _main(capsys, "train", "dcgan", "--option", option, "--latent-dim",
                               "16", "--out", str(tmp_path / "no"))
        assert code == 2 and re.search(message, error), (option, error)
    with pytest.raises(SystemExit) as exited:  # argparse's own exit
        _main(capsys, "train", "dcgan", "--option", "filters", "--out", str(tmp_path / "no"))
    assert exited.value.code == 2
    assert "'filters' is not KEY=VALUE; write e.g. --option" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


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


def _bad_data(tmp_path, images, labels):
    """A .npz of 64 images whose label 40 is 10, one whose label 40 is -1, and a folder
    whose 41st PNG is truncated (train shuffles: they may come in any batch)."""
    pixels = np.round((images[:64] + 1) * 127.5).astype("uint8")
    cases = {}
    for bad in (10, -1):
        wrong = labels[:64].astype("int64").copy()
        wrong[40] = bad
        cases[f"label {bad}"] = tmp_path / f"label{bad}.npz"
        np.savez(cases[f"label {bad}"], images=pixels, labels=wrong)
    folder = tmp_path / "folder"
    folder.mkdir()
    for index, image in enumerate(pixels):
        tf.io.write_file(str(folder / f"{index:02d}.png"), tf.io.encode_png(image))
    whole = (folder / "40.png").read_bytes()
    (folder / "40.png").write_bytes(whole[:len(whole) // 2])
    cases["truncated png"] = folder
    return cases


def test_bad_data_is_one_line_naming_it_and_exit_2_not_a_traceback(
        tmp_path, capsys, fashion_images, fashion_labels):
    cases = _bad_data(tmp_path, fashion_images, fashion_labels)
    expected = {
        # Refused by the first batch's check or by a later batch's, by where the
        # shuffle puts the bad label: the same explanation either way.
        "label 10": ("cgan", r"num_classes=10, so labels must lie in \[0, 10\); received "
                     r"values in \[\d, 10\]\. Build the model with num_classes=11 or remap"),
        "label -1": ("cgan", re.escape(f"{cases['label -1']}: Expected class labels >= 0 "
                                       "(class indices start at 0). Received -1 at index 40. "
                                       "Remap the labels")),
        "truncated png": ("gan", re.escape(f"The image file {cases['truncated png']}/40.png "
                                           "was refused before any training step on it")
                          + r".*truncated.*Copy it again, or delete it from the folder\."),
    }
    for case, (variant, message) in expected.items():
        code, _, error = _main(capsys, "train", variant, "--dataset", str(cases[case]),
                               "--epochs", "1", "--batch-size", "16", "--num-samples", "4",
                               "--verbose", "0", "--out", str(tmp_path / "runs" / variant))
        lines = [line for line in error.splitlines() if line.startswith("keras-gans: error:")]
        assert code == 2 and len(lines) == 1, (case, error)
        assert re.search(message, lines[0]), (case, lines[0])
        assert "Traceback" not in error, case


def test_a_model_file_older_than_the_backup_is_rewritten_not_taken_as_finished(tmp_path,
                                                                                capsys):
    """A longer run cut at an epoch's end leaves a backup newer than model.keras: the
    rerun writes model.keras from the backup instead of saying "nothing to do"."""
    run = tmp_path / "run"
    args = ["train", "dcgan", "--steps-per-epoch", "2", "--batch-size", "16",
            "--num-samples", "4", "--verbose", "0", "--out", str(run)]
    assert _main(capsys, *args, "--epochs", "1")[0] == 0
    stale = (run / "model.keras").read_bytes()  # step 2
    assert _main(capsys, *args, "--epochs", "2")[0] == 0
    (run / "model.keras").write_bytes(stale)  # as if cut before writing it
    code, out, error = _main(capsys, *args, "--epochs", "2")
    assert code == 0, error
    assert "nothing to do" not in out
    model = keras.saving.load_model(run / "model.keras")
    assert int(model.step_counter.numpy()) == 4
