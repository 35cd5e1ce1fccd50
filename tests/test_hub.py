"""hf:// presets (`keras_gans/presets/hub.py`) and `scripts/publish_preset.py`, against
a loopback server on 127.0.0.1 standing in for the Hugging Face Hub: never the real one."""

import json
import os
import pathlib
import sys

import numpy as np
import pytest

import keras_gans as kg
from keras_gans.io_utils import sha256_of
from hub_server import LoopbackHub

huggingface_hub = pytest.importorskip("huggingface_hub")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
import publish_preset  # noqa: E402

PRESET = "dcgan_fashion_mnist"


@pytest.fixture
def hub_env(tmp_path, monkeypatch):
    """huggingface_hub pointed at a fresh cache and, per test, at a loopback endpoint.

    huggingface_hub reads HF_HUB_CACHE and HF_HUB_OFFLINE when it is imported, so its
    constants are set as well as the environment; HF_ENDPOINT is read by hub.py at
    each download."""
    from huggingface_hub import constants

    cache = tmp_path / "hf_cache"

    def point_at(endpoint, offline=False):
        for name, value in (("HF_ENDPOINT", endpoint), ("HF_HUB_CACHE", str(cache)),
                            ("HF_HUB_OFFLINE", "1" if offline else "0")):
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", offline)
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", True)
        monkeypatch.setattr(constants, "HF_HUB_ETAG_TIMEOUT", 5)
        monkeypatch.setattr(constants, "HF_HUB_DOWNLOAD_TIMEOUT", 20)

    point_at.cache = cache
    return point_at


def preset_repo(sha256=None):
    """A hub repository holding the shipped DCGAN preset as publish_preset lays it out."""
    path = kg.presets.resolve(PRESET)
    metadata = {"variant": "dcgan", "file": "model.keras",
                "sha256": sha256 or sha256_of(path)}
    return {"model.keras": pathlib.Path(path).read_bytes(),
            "metadata.json": json.dumps(metadata).encode()}


def cached_models(cache):
    return [p for p in pathlib.Path(cache).rglob("*") if p.is_file() and
            p.stat().st_size > 1_000_000]


def test_hf_preset_downloads_once_then_loads_from_the_huggingface_cache(hub_env):
    reference = kg.DCGAN.from_preset(PRESET).generate(4, seed=0)
    with LoopbackHub({"kg/dcgan": preset_repo()}) as hub:
        hub_env(hub.endpoint)
        model = kg.DCGAN.from_preset("hf://kg/dcgan")
        assert isinstance(model, kg.DCGAN)
        np.testing.assert_array_equal(model.generate(4, seed=0), reference)
        fetched = len(hub.downloads())
        assert fetched == 2  # metadata.json and model.keras
        kg.presets.load("hf://kg/dcgan")
        assert len(hub.downloads()) == fetched  # the cache answered: no file sent again


def test_hf_preset_in_offline_mode_loads_from_the_cache_alone(hub_env):
    with LoopbackHub({"kg/dcgan": preset_repo()}) as hub:
        hub_env(hub.endpoint)
        kg.DCGAN.from_preset("hf://kg/dcgan")
        count = len(hub.requests)
        hub_env(hub.endpoint, offline=True)
        assert isinstance(kg.DCGAN.from_preset("hf://kg/dcgan"), kg.DCGAN)
        assert len(hub.requests) == count  # not one request

        with pytest.raises(ValueError, match="HF_HUB_OFFLINE=1"):
            kg.DCGAN.from_preset("hf://kg/never_fetched")


def test_hf_preset_with_a_wrong_sha256_is_refused_and_nothing_stays_cached(hub_env):
    with LoopbackHub({"kg/dcgan": preset_repo(sha256="0" * 64)}) as hub:
        hub_env(hub.endpoint)
        with pytest.raises(ValueError, match="does not match the preset's sha256"):
            kg.DCGAN.from_preset("hf://kg/dcgan")
    assert cached_models(hub_env.cache) == []


def test_a_registry_entry_may_live_on_the_hub_with_its_sha256(hub_env, monkeypatch):
    entry = kg.presets.get(PRESET)
    repo = preset_repo()
    entry.update(file=None, url="hf://kg/dcgan/model.keras")
    monkeypatch.setitem(kg.presets.PRESETS, "dcgan_on_the_hub", entry)
    with LoopbackHub({"kg/dcgan": repo}) as hub:
        hub_env(hub.endpoint)
        assert isinstance(kg.DCGAN.from_preset("dcgan_on_the_hub"), kg.DCGAN)
        entry["sha256"] = "f" * 64
        with pytest.raises(ValueError, match="does not match"):
            kg.presets.resolve("dcgan_on_the_hub")


def test_hf_addresses_that_cannot_be_served_say_why(hub_env):
    with LoopbackHub({"kg/dcgan": preset_repo()}) as hub:
        hub_env(hub.endpoint)
        with pytest.raises(ValueError, match="hf://owner/repo"):
            kg.presets.load("hf://just_a_name")
        with pytest.raises(ValueError, match="No Hugging Face repository 'kg/other'"):
            kg.presets.load("hf://kg/other")
        with pytest.raises(ValueError, match="has no file 'missing.keras'"):
            kg.presets.load("hf://kg/dcgan/missing.keras")
        with pytest.raises(ValueError, match="holds a DCGAN"):
            kg.WGAN.from_preset("hf://kg/dcgan")


def test_publish_preset_writes_a_folder_that_loads_back_from_the_hub(hub_env, tmp_path):
    folder = tmp_path / "published"
    metadata = publish_preset.write_preset_folder(PRESET, str(folder))
    assert sorted(os.listdir(folder)) == ["README.md", "grid.png", "metadata.json",
                                          "model.keras"]
    assert metadata["sha256"] == sha256_of(folder / "model.keras")
    card = (folder / "README.md").read_text()
    fid = kg.presets.get(PRESET)["metadata"]["metrics"]["fid"]
    assert f"| fid | {fid} |" in card and "![samples](grid.png)" in card
    repo = {name: (folder / name).read_bytes() for name in os.listdir(folder)}
    with LoopbackHub({"me/dcgan": repo}) as hub:
        hub_env(hub.endpoint)
        assert isinstance(kg.DCGAN.from_preset("hf://me/dcgan"), kg.DCGAN)


def test_the_command_line_samples_and_fine_tunes_from_an_hf_address(hub_env, tmp_path,
                                                                    capsys):
    import keras_gans_cli

    with LoopbackHub({"kg/dcgan": preset_repo()}) as hub:
        hub_env(hub.endpoint)
        out = tmp_path / "grid.png"
        assert keras_gans_cli.main(["sample", "hf://kg/dcgan/model.keras", "--num", "4",
                                    "--out", str(out)]) == 0, capsys.readouterr().err
        assert out.read_bytes().startswith(b"\x89PNG")
        assert keras_gans_cli.main([
            "train", "dcgan", "--from-preset", "hf://kg/dcgan", "--epochs", "1",
            "--steps-per-epoch", "1", "--batch-size", "16", "--num-samples", "4",
            "--verbose", "0", "--out", str(tmp_path / "ft")]) == 0, capsys.readouterr().err
        assert (tmp_path / "ft" / "model.keras").is_file()


def test_publish_preset_uploads_the_folder_it_wrote(tmp_path, monkeypatch, capsys):
    # The upload itself is huggingface_hub's (create_repo, upload_folder): recorded here,
    # never sent; the loopback hub does not implement the commit API.
    calls = []

    class RecordingApi:
        def create_repo(self, repo_id, **options):
            calls.append(("create_repo", repo_id, options))

        def upload_folder(self, folder_path, repo_id, **options):
            calls.append(("upload_folder", repo_id, sorted(os.listdir(folder_path))))
            return "http://127.0.0.1/commit/1"

    monkeypatch.setattr(huggingface_hub, "HfApi", RecordingApi)
    folder = tmp_path / "published"
    publish_preset.main([PRESET, "--folder", str(folder), "--repo", "me/dcgan"])
    assert calls[0][:2] == ("create_repo", "me/dcgan") and calls[0][2]["exist_ok"]
    assert calls[1] == ("upload_folder", "me/dcgan",
                        ["README.md", "grid.png", "metadata.json", "model.keras"])
    assert 'from_preset("hf://me/dcgan")' in (folder / "README.md").read_text()
    assert 'kg.DCGAN.from_preset("hf://me/dcgan")' in capsys.readouterr().out
