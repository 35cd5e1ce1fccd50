"""keras_gans/plots.py: a run's history.csv drawn as a PNG (`keras-gans plot`, the zoo)."""

import sys

import pytest

from keras_gans import plots

HISTORY = """epoch,discriminator_loss,generator_loss,fid,train_minutes
0,0.9,1.8,,1.0
1,0.8,2.0,120.5,2.5
2,0.7,2.1,,3.0
3,0.7,2.2,98.0,4.5
"""


def test_plot_history_draws_losses_and_the_measured_fids_to_a_png(tmp_path):
    (tmp_path / "history.csv").write_text(HISTORY)
    history = plots.read_history(tmp_path / "history.csv")
    assert history["fid"][1] == 120.5 and history["fid"][0] != history["fid"][0]  # NaN
    png = plots.plot_history(tmp_path / "history.csv", tmp_path / "curve.png", "run")
    assert png == tmp_path / "curve.png"
    assert (tmp_path / "curve.png").read_bytes().startswith(b"\x89PNG")


def test_the_variants_own_measures_are_told_from_losses_fid_and_kid(tmp_path):
    (tmp_path / "history.csv").write_text(
        "epoch,train_minutes,generator_loss,fid,kid,a_to_b_accuracy,cycle_l1_a,score\n"
        "0,0.5,0.4,,0.2,0.90,0.12,3.5\n"
        "1,1.0,0.3,40.0,0.1,,0.10,0.5\n")
    history = plots.read_history(tmp_path / "history.csv")
    # In [0, 1] wherever measured; a loss, FID, KID or a larger score is not one.
    assert plots.measure_columns(history) == ["a_to_b_accuracy", "cycle_l1_a"]
    assert plots.plot_history(tmp_path / "history.csv", tmp_path / "curve.png",
                              "run").read_bytes().startswith(b"\x89PNG")


def test_plot_history_says_what_is_missing(tmp_path, monkeypatch):
    (tmp_path / "empty.csv").write_text("epoch,generator_loss\n")
    with pytest.raises(ValueError, match="holds no epoch yet"):
        plots.plot_history(tmp_path / "empty.csv", tmp_path / "curve.png", "run")
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    (tmp_path / "history.csv").write_text(HISTORY)
    with pytest.raises(ValueError, match="pip install matplotlib"):
        plots.plot_history(tmp_path / "history.csv", tmp_path / "curve.png", "run")
    assert not (tmp_path / "curve.png").exists()
