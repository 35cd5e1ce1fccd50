"""zoo/: a preset script end to end at toy size (train, save, evaluate, re-run)."""

import json
import os
import subprocess
import sys

import keras
import pytest

import keras_gans as kg
from keras_gans.io_utils import sha256_of

ZOO = os.path.join(os.path.dirname(__file__), os.pardir, "zoo")


def _run(script, out, *args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    result = subprocess.run(
        [sys.executable, os.path.join(ZOO, script), "--epochs", "1", "--steps-per-epoch",
         "3", "--num-eval-samples", "300", "--verbose", "0", "--out", str(out), *args],
        capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads((out / "metrics.json").read_text())


def test_a_preset_script_writes_a_verified_file_metrics_and_grid(tmp_path):
    out = tmp_path / "gan"
    metrics = _run("gan_fashion_mnist.py", out)
    path = out / "gan_fashion_mnist.keras"
    assert metrics["sha256"] == sha256_of(path)
    assert (out / "gan_fashion_mnist.keras.sha256").read_text().startswith(metrics["sha256"])
    assert metrics["batch_size"] == kg.GAN.DEFAULT_BATCH_SIZE == 100
    assert metrics["evaluation"]["num_samples"] == 300 and metrics["evaluation"]["fid"] > 0
    assert (out / "grid.png").stat().st_size > 0
    assert (out / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    header = (out / "history.csv").read_text().splitlines()[0].split(",")
    assert header[:2] == ["epoch", "train_minutes"] and "generator_loss" in header
    # This recipe ships the networks only: the file loads uncompiled, with 3 steps done.
    model = keras.saving.load_model(path)
    assert type(model) is kg.GAN and not model.compiled
    assert int(model.step_counter.numpy()) == 3
    assert metrics["params"] == model.count_params()

    # Running the finished command again trains nothing and adds no training time.
    again = _run("gan_fashion_mnist.py", out)
    assert again["train_seconds"] == metrics["train_seconds"]
    assert again["evaluation"]["fid"] == metrics["evaluation"]["fid"]


def test_option_adds_to_the_options_the_run_uses_and_rejects_what_is_not_key_value(
        capsys):
    sys.path.insert(0, ZOO)
    try:
        import _common
    finally:
        sys.path.remove(ZOO)
    recipe = _common.Recipe(name="bigan_fashion_mnist", variant="bigan", epochs=1,
                            model_options={"units": 256},
                            continue_options={"ema_decay": 0.999})
    args = _common._parse(recipe, ["--option", "discriminator_dropout=0.2",
                                   "--option", "architecture=dcgan"])
    assert args.option == [("discriminator_dropout", 0.2), ("architecture", "dcgan")]
    new = _common._with_options(recipe, args.option, continuing=None)
    assert new.model_options == {"units": 256, "discriminator_dropout": 0.2,
                                 "architecture": "dcgan"}
    assert new.continue_options == {"ema_decay": 0.999}
    assert recipe.model_options == {"units": 256}  # the recipe itself is untouched
    continued = _common._with_options(recipe, args.option[:1], continuing="preset")
    assert continued.continue_options == {"ema_decay": 0.999, "discriminator_dropout": 0.2}
    assert continued.model_options == {"units": 256}
    assert _common._with_options(recipe, [], continuing=None) is recipe
    for bad in ("discriminator_dropout0.2", "=0.2", "not a name=1"):
        with pytest.raises(SystemExit):
            _common._parse(recipe, ["--option", bad])
        assert "KEY=VALUE" in capsys.readouterr().err
