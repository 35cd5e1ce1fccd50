"""Presets: the registry, verified downloads from a loopback server, the shipped DCGAN.

Every test runs with KERAS_GANS_HOME=tmp_path (nothing is written to the real home)
and never leaves the machine: downloads come from an http.server on 127.0.0.1.
"""

import hashlib
import http.server
import os
import socket
import subprocess
import sys
import threading
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.presets import loader

TEST_PRESET = "tiny_dcgan_test"


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_GANS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="module")
def tiny_preset_bytes(tmp_path_factory):
    """A DCGAN with tiny user networks, saved as a complete .keras file."""
    generator = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(28 * 28, activation="tanh"),
        keras.layers.Reshape((28, 28, 1)),
    ], name="generator")
    discriminator = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(1),
    ], name="discriminator")
    model = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=4, generator=generator,
                     discriminator=discriminator, seed=3)
    model.compile()
    path = tmp_path_factory.mktemp("tiny") / "tiny.keras"
    model.save(path)
    return path.read_bytes()


class _Server:
    """Serves `files` (URL path -> bytes) on 127.0.0.1 and counts the requests."""

    def __init__(self, files):
        self.files = files
        self.requests = []
        self.cut_short = set()
        self.slow = set()  # served one byte every 50 ms, for 5 s
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.path in server.cut_short:  # the connection drops halfway
                    body = body[: len(body) // 2]
                    self.close_connection = True
                if self.path in server.slow:
                    self._trickle(body)
                    return
                self.wfile.write(body)

            def _trickle(self, body):  # for 5 s at most, then the connection drops
                end = time.monotonic() + 5
                for index in range(len(body)):
                    if time.monotonic() > end:
                        return
                    try:
                        self.wfile.write(body[index:index + 1])
                        self.wfile.flush()
                    except OSError:  # the client gave up
                        return
                    time.sleep(0.05)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    server = _Server({})
    yield server
    server.close()


def _register(monkeypatch, url, sha256, variant="dcgan", file=None):
    entry = {
        "metadata": {"description": "a tiny test DCGAN", "variant": variant,
                     "params": 0, "metrics": {}},
        "file": file,
        "url": url,
        "sha256": sha256,
    }
    monkeypatch.setitem(kg.presets.PRESETS, TEST_PRESET, entry)


def _serve_tiny(monkeypatch, server, tiny_preset_bytes):
    """Serves the tiny preset file and registers TEST_PRESET at its URL; its sha256."""
    server.files["/tiny.keras"] = tiny_preset_bytes
    sha256 = hashlib.sha256(tiny_preset_bytes).hexdigest()
    _register(monkeypatch, server.url + "/tiny.keras", sha256)
    return sha256


def _cache_files(home):
    directory = home / "presets"
    return sorted(os.listdir(directory)) if directory.exists() else []


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed when the block ends: nothing listens


# ---------------------------------------------------------------------- the registry


def test_list_names_every_preset_with_a_one_line_description():
    listing = kg.presets.list()
    assert "dcgan_fashion_mnist" in listing
    assert set(listing) == set(kg.presets.PRESETS)
    for description in listing.values():
        assert description and "\n" not in description


def test_every_entry_is_complete():
    for name, entry in kg.presets.PRESETS.items():
        metadata = entry["metadata"]
        assert metadata["variant"] in kg.models.VARIANTS, name
        assert metadata["params"] > 0 and metadata["recipe"].startswith("python zoo/")
        measured = set(metadata["metrics"])
        assert "command" in measured, name  # how to re-measure it
        if metadata["variant"] == "cyclegan":  # a translator: nothing to sample
            assert {"a_to_b_accuracy", "b_to_a_accuracy", "cycle_l1_a"} <= measured, name
        else:
            assert {"fid", "kid", "num_samples"} <= measured, name
        assert len(entry["sha256"]) == 64 and int(entry["sha256"], 16) >= 0
        assert entry["file"] or entry["url"], name


def test_unknown_name_lists_the_presets():
    with pytest.raises(ValueError, match="Unknown preset") as error:
        kg.presets.get("dcgan_celeba")
    assert "dcgan_fashion_mnist" in str(error.value)
    with pytest.raises(ValueError, match="dcgan_fashion_mnist"):
        kg.DCGAN.from_preset("no_such_preset")


def test_get_returns_a_copy():
    kg.presets.get("dcgan_fashion_mnist")["metadata"]["params"] = -1
    assert kg.presets.get("dcgan_fashion_mnist")["metadata"]["params"] > 0


def test_wrong_variant_class_names_the_right_one_before_any_download(
        monkeypatch, server, home):
    _register(monkeypatch, server.url + "/tiny.keras", "0" * 64)
    with pytest.raises(ValueError, match=r"holds a DCGAN .*kg\.DCGAN\.from_preset"):
        kg.WGAN.from_preset(TEST_PRESET)
    with pytest.raises(ValueError, match="kg.DCGAN.from_preset"):
        kg.CGAN.from_preset("dcgan_fashion_mnist")
    assert server.requests == [] and _cache_files(home) == []


# ---------------------------------------------------------------------- downloads


def test_good_download_is_verified_cached_and_not_fetched_again(
        monkeypatch, server, home, tiny_preset_bytes):
    _serve_tiny(monkeypatch, server, tiny_preset_bytes)

    model = kg.DCGAN.from_preset(TEST_PRESET)
    assert isinstance(model, kg.DCGAN) and model.latent_dim == 4
    assert server.requests == ["/tiny.keras"]
    cached = _cache_files(home)
    assert len(cached) == 1 and cached[0].endswith(".keras")
    assert (home / "presets" / cached[0]).read_bytes() == tiny_preset_bytes

    again = kg.GAN.from_preset(TEST_PRESET)  # a DCGAN is a GAN
    assert server.requests == ["/tiny.keras"]  # served from the cache
    np.testing.assert_array_equal(model.generate(4, seed=1), again.generate(4, seed=1))


def test_corrupted_download_is_rejected_and_leaves_nothing_in_the_cache(
        monkeypatch, server, home, tiny_preset_bytes):
    corrupted = bytearray(tiny_preset_bytes)
    corrupted[len(corrupted) // 2] ^= 0xFF
    server.files["/tiny.keras"] = bytes(corrupted)
    _register(monkeypatch, server.url + "/tiny.keras",
              hashlib.sha256(tiny_preset_bytes).hexdigest())
    with pytest.raises(ValueError, match="does not match the preset's sha256"):
        kg.DCGAN.from_preset(TEST_PRESET)
    assert server.requests == ["/tiny.keras"]
    assert _cache_files(home) == []  # no file, no partial, no temporary


def test_dropped_connection_leaves_nothing_in_the_cache(
        monkeypatch, server, home, tiny_preset_bytes):
    _serve_tiny(monkeypatch, server, tiny_preset_bytes)
    server.cut_short.add("/tiny.keras")
    with pytest.raises(ValueError, match="Cannot download|cut short"):
        kg.presets.resolve(TEST_PRESET)
    assert _cache_files(home) == []


def test_damaged_cache_file_is_replaced_by_a_fresh_download(
        monkeypatch, server, home, tiny_preset_bytes):
    sha256 = _serve_tiny(monkeypatch, server, tiny_preset_bytes)
    path = kg.presets.resolve(TEST_PRESET)
    with open(path, "r+b") as file:
        file.write(b"garbage")
    assert kg.presets.resolve(TEST_PRESET) == path
    assert kg.presets.sha256_of(path) == sha256 and len(server.requests) == 2


def test_a_damaged_cache_file_removed_by_another_process_meanwhile_is_no_error(
        monkeypatch, server, home, tiny_preset_bytes):
    sha256 = _serve_tiny(monkeypatch, server, tiny_preset_bytes)
    path = kg.presets.resolve(TEST_PRESET)
    hash_of = loader.sha256_of

    def hash_then_lose_the_race(file):  # another process removes it after our look
        digest = "0" * 64 if file == path else hash_of(file)
        if file == path and os.path.exists(path):
            os.remove(path)
        return digest

    monkeypatch.setattr(loader, "sha256_of", hash_then_lose_the_race)
    assert kg.presets.resolve(TEST_PRESET) == path
    assert hash_of(path) == sha256


def test_a_slow_server_is_given_up_at_the_overall_deadline(
        monkeypatch, server, home, tiny_preset_bytes):
    _serve_tiny(monkeypatch, server, tiny_preset_bytes)
    server.slow.add("/tiny.keras")  # each byte in time for the read timeout: only the
    monkeypatch.setattr(loader, "DOWNLOAD_DEADLINE_SECONDS", 1)  # deadline can stop it
    start = time.monotonic()
    with pytest.raises(ValueError, match=rf"took longer than 1 s: \d+ of "
                       rf"{len(tiny_preset_bytes)} bytes arrived\. Nothing was written"):
        kg.presets.resolve(TEST_PRESET)
    assert time.monotonic() - start < 10
    assert _cache_files(home) == []


def test_temporaries_of_a_killed_download_are_removed_once_surely_abandoned(
        monkeypatch, server, home, tiny_preset_bytes):
    _serve_tiny(monkeypatch, server, tiny_preset_bytes)
    (home / "presets").mkdir(parents=True)
    abandoned, live = home / "presets" / ".a.keras.x1.partial.keras", \
        home / "presets" / ".b.keras.x2.partial.keras"
    abandoned.write_bytes(b"half")
    live.write_bytes(b"half")
    old = time.time() - 2 * loader.DOWNLOAD_DEADLINE_SECONDS - 60
    os.utime(abandoned, (old, old))
    path = kg.presets.resolve(TEST_PRESET)
    assert _cache_files(home) == sorted([live.name, os.path.basename(path)])


def test_server_that_is_down_gives_a_clear_error(monkeypatch, home):
    _register(monkeypatch, f"http://127.0.0.1:{_closed_port()}/tiny.keras", "0" * 64)
    with pytest.raises(ValueError, match=r"Cannot download http://127\.0\.0\.1.*server up"):
        kg.DCGAN.from_preset(TEST_PRESET)
    assert _cache_files(home) == []


def test_missing_file_on_the_server_gives_its_status(monkeypatch, server, home):
    _register(monkeypatch, server.url + "/gone.keras", "0" * 64)
    with pytest.raises(ValueError, match="answered 404"):
        kg.presets.resolve(TEST_PRESET)
    assert _cache_files(home) == []


def test_file_urls_and_unsupported_schemes(monkeypatch, tmp_path, home, tiny_preset_bytes):
    source = tmp_path / "elsewhere" / "tiny.keras"
    source.parent.mkdir()
    source.write_bytes(tiny_preset_bytes)
    _register(monkeypatch, source.as_uri(), hashlib.sha256(tiny_preset_bytes).hexdigest())
    assert isinstance(kg.presets.load(TEST_PRESET), kg.DCGAN)
    assert len(_cache_files(home)) == 1
    with pytest.raises(ValueError, match="Unsupported preset URL"):
        kg.presets.download("ftp://127.0.0.1/tiny.keras", str(tmp_path / "x.keras"), "0")


def test_large_downloads_show_a_progress_bar(monkeypatch, server, tmp_path, capsys,
                                             tiny_preset_bytes):
    server.files["/tiny.keras"] = tiny_preset_bytes
    sha256 = hashlib.sha256(tiny_preset_bytes).hexdigest()
    kg.presets.download(server.url + "/tiny.keras", str(tmp_path / "small.keras"), sha256)
    assert "byte" not in capsys.readouterr().out  # small: no bar
    monkeypatch.setattr(loader, "LARGE_FILE_BYTES", len(tiny_preset_bytes))
    kg.presets.download(server.url + "/tiny.keras", str(tmp_path / "large.keras"), sha256)
    assert f"{len(tiny_preset_bytes)}/{len(tiny_preset_bytes)}" in capsys.readouterr().out


def test_damaged_shipped_file_without_url_is_an_error(monkeypatch, tmp_path, home):
    monkeypatch.setattr(loader, "PACKAGE_FILES_DIR", str(tmp_path))
    (tmp_path / "tiny.keras").write_bytes(b"damaged")
    _register(monkeypatch, None, "0" * 64, file="tiny.keras")
    with pytest.raises(ValueError, match="damaged installation"):
        kg.presets.resolve(TEST_PRESET)


# ---------------------------------------------------------------------- the shipped preset


def test_preset_without_optimizer_state_compiles_the_defaults(
        monkeypatch, tmp_path, home, tiny_preset_bytes):
    full = tmp_path / "full.keras"
    full.write_bytes(tiny_preset_bytes)
    networks_only = tmp_path / "networks.keras"
    keras.saving.load_model(full, compile=False).save(networks_only)
    assert networks_only.stat().st_size < full.stat().st_size  # no Adam moments
    _register(monkeypatch, networks_only.as_uri(), kg.presets.sha256_of(networks_only))
    model = kg.DCGAN.from_preset(TEST_PRESET)
    assert model.compiled and isinstance(model.generator_optimizer, keras.optimizers.Adam)
    assert int(model.generator_optimizer.iterations) == 0
    assert not kg.DCGAN.from_preset(TEST_PRESET, compile=False).compiled


@pytest.mark.parametrize("name", kg.presets.names())
def test_every_shipped_preset_loads_offline_and_generates(home, name):
    entry = kg.presets.get(name)
    shipped = os.path.join(loader.PACKAGE_FILES_DIR, entry["file"])
    assert kg.presets.sha256_of(shipped) == entry["sha256"]
    assert os.path.getsize(shipped) < 25 * 1024 * 1024

    cls = kg.models.get(entry["metadata"]["variant"])
    model = cls.from_preset(name)
    assert type(model) is cls
    assert model.count_params() == entry["metadata"]["params"]
    if isinstance(model, kg.models.Translator):  # sneakers in, boots out
        images = kg.evaluation.measures.translation_grid(model, columns=16)[16:32]
    else:
        images = model.generate(16, seed=0)
    assert images.shape == (16, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert images.std() > 0.1  # a trained generator, not a constant
    assert _cache_files(home) == []  # the shipped file is used in place


@pytest.fixture(scope="module")
def evaluator():
    """One evaluator per test process: its reference features (10,000 test images
    through the classifier) are extracted once, not once per preset."""
    return kg.evaluation.Evaluator("fashion_mnist", split="test")


@pytest.mark.parametrize("name", kg.presets.names())
def test_every_preset_re_measures_as_its_table_says(name, evaluator):
    """The metrics of each entry are what the evaluator measures on the file today.

    Same samples (seed 0), same extractor, same reference: only float round-off may
    differ, so the tolerance is far tighter than the seed-to-seed noise.
    """
    metrics = kg.presets.get(name)["metadata"]["metrics"]
    model = kg.presets.load(name, compile=False)
    if "fid" in metrics:
        results = evaluator.evaluate(model, num_samples=metrics["num_samples"], seed=0)
        assert results["fid"] == pytest.approx(metrics["fid"], rel=2e-3, abs=0.05), name
        assert results["kid"] == pytest.approx(metrics["kid"], rel=2e-3, abs=0.05), name
        if "class_accuracy" in metrics:
            assert results["class_accuracy"] == pytest.approx(
                metrics["class_accuracy"], abs=2e-3), name
        if getattr(model, "ema_decay", None) is not None:  # the trained generator
            raw = evaluator.evaluate(model, num_samples=metrics["num_samples"], seed=0,
                                     use_ema=False)
            assert raw["fid"] == pytest.approx(metrics["raw_generator_fid"], rel=2e-3,
                                               abs=0.05), name
    if "a_to_b_accuracy" in metrics:
        results = kg.evaluation.measures.translation_measures(model)
        for key in ("a_to_b_accuracy", "b_to_a_accuracy", "cycle_l1_a", "cycle_l1_b"):
            assert results[key] == pytest.approx(metrics[key], abs=2e-3), (name, key)


# ---------------------------------------------------------------------- command line


def _cli(home, *args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", KERAS_GANS_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "keras_gans.cli", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def test_cli_presets_and_sample_by_preset_name(tmp_path, home):
    result = _cli(home, "presets")
    assert result.returncode == 0, result.stderr
    fid = kg.presets.get("dcgan_fashion_mnist")["metadata"]["metrics"]["fid"]
    line = next(l for l in result.stdout.splitlines() if l.startswith("dcgan_fashion_mnist"))
    assert "dcgan" in line.split()[1] and f"{fid:.2f}" in line

    result = _cli(home, "sample", "dcgan_fashion_mnist", "--num", "16",
                  "--out", str(tmp_path / "grid.png"))
    assert result.returncode == 0, result.stderr
    grid = tf.io.decode_png((tmp_path / "grid.png").read_bytes())
    assert grid.shape == (4 * 30 + 2, 4 * 30 + 2, 1)

    result = _cli(home, "evaluate", "dcgan_fashion_mnist", "--dataset", "fashion_mnist",
                  "--num", "300")
    assert result.returncode == 0, result.stderr
    assert "FID:" in result.stdout and "KID:" in result.stdout


def test_cli_sample_of_an_unknown_name_lists_the_presets(tmp_path, capsys):
    from keras_gans import cli

    assert cli.main(["sample", "dcgan_celeba", "--out", str(tmp_path / "no.png")]) == 2
    error = capsys.readouterr().err
    assert "neither a model file nor a preset" in error and "dcgan_fashion_mnist" in error
    assert not (tmp_path / "no.png").exists()


def test_a_preset_fine_tunes_with_plain_fit(fashion_images):
    # The README's Python fine-tuning: from_preset, then fit on your own images.
    model = kg.DCGAN.from_preset("dcgan_fashion_mnist")
    start = [w.numpy() for w in model.generator.trainable_weights]
    steps = int(model.step_counter.numpy())
    model.fit(fashion_images[:64], batch_size=32, epochs=1, verbose=0)
    assert int(model.step_counter.numpy()) == steps + 2
    moved = max(float(np.abs(w.numpy() - s).max())
                for w, s in zip(model.generator.trainable_weights, start))
    assert 0 < moved < 1e-3  # it continued from the preset's weights
