"""Evaluation on real Fashion-MNIST: the domain extractor, the statistics cache, the
FID callback in a real fit, and the `evaluate` command."""

import json
import os
import shutil
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans.evaluation import extractors
from keras_gans.evaluation.domain_classifier import build_domain_classifier


@pytest.fixture(scope="module")
def keras_gans_home(tmp_path_factory):
    """A private KERAS_GANS_HOME, so the tests never touch the user's cache."""
    home = tmp_path_factory.mktemp("keras_gans_home")
    previous = os.environ.get("KERAS_GANS_HOME")
    os.environ["KERAS_GANS_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("KERAS_GANS_HOME")
    else:
        os.environ["KERAS_GANS_HOME"] = previous


@pytest.fixture(scope="module")
def domain():
    return extractors.DomainClassifierExtractor("fashion_mnist")


@pytest.fixture(scope="module")
def evaluator(keras_gans_home, domain):
    return kg.evaluation.Evaluator("fashion_mnist", split="test", extractor=domain,
                                   kid_subsets=20)


@pytest.fixture(scope="module")
def test_split():
    return kg.data.load_arrays("fashion_mnist", "test")


def test_domain_classifier_reaches_its_recorded_accuracy_on_the_test_split(domain, test_split):
    images, labels = test_split
    _, probabilities = domain.extract(images.astype("float32") / 127.5 - 1.0)
    accuracy = float(np.mean(probabilities.argmax(axis=1) == labels))
    assert accuracy >= 0.92
    recorded = extractors.DOMAIN_CLASSIFIERS["fashion_mnist"]["test_accuracy"]
    assert accuracy == pytest.approx(recorded, abs=0.002)


def test_shipped_weights_are_checked_against_their_sha256(tmp_path, domain):
    assert domain.fingerprint() == extractors.DOMAIN_CLASSIFIERS["fashion_mnist"]["sha256"]
    corrupt = tmp_path / "corrupt.npz"
    shutil.copy(domain.weights_path, corrupt)
    content = bytearray(corrupt.read_bytes())
    content[len(content) // 2] ^= 0xFF
    corrupt.write_bytes(bytes(content))
    with pytest.raises(ValueError, match="sha256"):
        extractors.DomainClassifierExtractor(weights_path=str(corrupt),
                                             sha256=domain.fingerprint())


def test_fid_ranks_real_data_below_one_class_and_far_below_noise(evaluator):
    train_images, train_labels = kg.data.load_arrays("fashion_mnist", "train")
    real = evaluator.evaluate_images(train_images[:2000])
    one_class = evaluator.evaluate_images(train_images[train_labels == 7][:2000])  # sneakers
    rng = np.random.default_rng(0)
    noise = evaluator.evaluate_images(rng.uniform(-1, 1, (2000, 28, 28, 1)).astype("float32"))
    # Measured with 2000 images: real ~5, one class ~2600, noise ~1900. (The domain
    # features weigh class structure heavily: one class scores worse than noise.)
    assert real["fid"] < 0.01 * one_class["fid"]
    assert real["fid"] < 0.01 * noise["fid"]
    assert real["kid"] < 0.05 * min(one_class["kid"], noise["kid"])
    # Real images span the classes; a single class does not.
    assert real["inception_score"] > 2 * one_class["inception_score"]


class _CountingExtractor:
    """Wraps an extractor, counting calls; optionally claims other preprocessing."""

    def __init__(self, inner, preprocessing=None):
        self.inner, self.calls = inner, 0
        self.name, self.feature_dim = inner.name, inner.feature_dim
        self.num_classes = inner.num_classes
        self.preprocessing = preprocessing or inner.preprocessing

    def fingerprint(self):
        return self.inner.fingerprint()

    def extract(self, images):
        self.calls += 1
        return self.inner.extract(images)


def test_reference_statistics_are_cached_and_invalidated_when_the_extractor_changes(
    tmp_path, domain
):
    def reference(extractor):
        return kg.evaluation.reference_statistics(
            "fashion_mnist", "test", extractor, num_images=500, cache_dir=str(tmp_path)
        )

    first = _CountingExtractor(domain)
    computed = reference(first)
    assert not computed.loaded_from_cache and first.calls > 0
    assert os.path.isfile(computed.path)

    again = _CountingExtractor(domain)
    cached = reference(again)
    assert cached.loaded_from_cache and again.calls == 0
    assert cached.path == computed.path
    np.testing.assert_array_equal(cached.mean, computed.mean)
    np.testing.assert_allclose(cached.covariance, computed.covariance, rtol=1e-12)

    # Other weights: a new fingerprint, a new file, new statistics.
    random_weights = tmp_path / "random.npz"
    np.savez(random_weights, **{
        f"w{i:03d}": w for i, w in enumerate(build_domain_classifier().get_weights())
    })
    other = _CountingExtractor(
        extractors.DomainClassifierExtractor(weights_path=str(random_weights))
    )
    changed = reference(other)
    assert not changed.loaded_from_cache and other.calls > 0
    assert changed.path != computed.path
    assert not np.allclose(changed.mean, computed.mean)

    # Same weights, other preprocessing: not reused either.
    preprocessed = _CountingExtractor(domain, preprocessing="something else")
    assert not reference(preprocessed).loaded_from_cache and preprocessed.calls > 0

    # A cache file whose stored key disagrees with its name is not trusted.
    data = dict(np.load(computed.path))
    data["key"] = np.array(json.dumps({"tampered": True}))
    np.savez(computed.path, **data)
    recount = _CountingExtractor(domain)
    assert not reference(recount).loaded_from_cache and recount.calls > 0


def test_fid_callback_writes_fid_into_logs_during_a_real_fit(tmp_path, keras_gans_home,
                                                            evaluator, fashion_images):
    model = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=16, seed=0)
    model.compile()
    seen = []

    class Recorder(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(dict(logs))

    fid = kg.callbacks.FID(num_samples=300, every_n_epochs=2, batch_size=150,
                           kid_subsets=5)
    best = tmp_path / "best.keras"
    history = model.fit(
        fashion_images[:256], batch_size=64, epochs=2, verbose=0,
        callbacks=[fid, Recorder(),
                   keras.callbacks.ModelCheckpoint(str(best), monitor="fid", mode="min",
                                                   save_best_only=True)],
    )
    assert "fid" not in seen[0] and "fid" in seen[1]  # every_n_epochs=2
    assert history.history["fid"] == [seen[1]["fid"]]
    assert np.isfinite(seen[1]["fid"]) and seen[1]["fid"] > 0
    assert seen[1]["kid"] == fid.last_results["kid"]
    assert best.is_file()
    # The reference statistics came from the cache the module's evaluator wrote.
    assert fid.evaluator.reference.loaded_from_cache
    # Same weights, same seed: the same figure.
    again = evaluator.evaluate(model, 300, seed=0, batch_size=150)
    assert again["fid"] == pytest.approx(seen[1]["fid"], rel=1e-6)


def test_the_readme_checkpoint_on_fid_runs_without_keras_warnings(tmp_path, keras_gans_home,
                                                                   evaluator, fashion_images):
    # The README's example, with fewer samples: FID measured every epoch, so
    # ModelCheckpoint(monitor="fid") finds it in every epoch's logs.
    import warnings

    model = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=16, seed=0)
    model.compile()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(fashion_images[:128], batch_size=64, epochs=2, verbose=0, callbacks=[
            kg.callbacks.FID(reference="fashion_mnist", num_samples=200, every_n_epochs=1,
                             kid_subsets=5),
            keras.callbacks.ModelCheckpoint(str(tmp_path / "best.keras"), monitor="fid",
                                            mode="min", save_best_only=True),
        ])
    assert not [w for w in caught if "fid" in str(w.message)], [str(w.message) for w in caught]
    assert (tmp_path / "best.keras").is_file()


class _ClassConditionalReplay(kg.DCGAN):
    """Stands in for a conditional GAN: `generate` returns real test images of the
    requested classes (shifted by `offset`, to play a generator that gets them wrong)."""

    CONDITIONAL = True
    num_classes = 10
    offset = 0
    requested = []

    def generate(self, num_samples, seed=None, batch_size=256, labels=None):
        images, labels_all = kg.data.load_arrays("fashion_mnist", "test")
        labels = (np.asarray(labels) + self.offset) % 10
        type(self).requested.extend(np.asarray(labels).tolist())
        rng = np.random.default_rng(seed)
        picks = [rng.choice(np.flatnonzero(labels_all == label)) for label in labels]
        return images[picks].astype("float32") / 127.5 - 1.0


def test_conditional_models_get_balanced_labels_and_a_per_class_accuracy(evaluator):
    model = _ClassConditionalReplay(image_shape=(28, 28, 1), seed=0)
    results = evaluator.evaluate(model, 1000, batch_size=250)
    assert np.bincount(_ClassConditionalReplay.requested, minlength=10).tolist() == [100] * 10
    assert results["class_accuracy"] > 0.9
    assert all(f"class_accuracy_{k}" in results for k in range(10))
    assert results["worst_class_accuracy"] == min(results[f"class_accuracy_{k}"]
                                                  for k in range(10)) < 1.0
    model.offset = 1  # every image shows the next class
    assert evaluator.evaluate(model, 1000, batch_size=250)["class_accuracy"] < 0.1


def test_inception_v3_extractor_preprocessing_and_real_network():
    # An injected model records what reaches the network.
    inputs = keras.Input((299, 299, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(inputs)
    probabilities = keras.layers.Dense(5, activation="softmax")(pooled)
    probe = extractors.InceptionV3Extractor(model=keras.Model(inputs, [pooled, probabilities]))
    images = np.linspace(-1, 1, 2 * 28 * 28, dtype="float32").reshape(2, 28, 28, 1)
    seen = np.asarray(probe.preprocess(images))
    assert seen.shape == (2, 299, 299, 3)
    np.testing.assert_array_equal(seen[..., 0], seen[..., 2])  # grey tiled
    assert seen.min() >= -1.0 and seen.max() <= 1.0  # the [-1, 1] of preprocess_input
    features, probs = probe.extract(images)
    np.testing.assert_allclose(features, seen.mean(axis=(1, 2)), rtol=1e-5, atol=1e-6)

    # The real architecture, random weights (weights="imagenet" would download).
    network = extractors.InceptionV3Extractor(weights=None, batch_size=2)
    features, probs = network.extract(images)
    assert features.shape == (2, 2048) and probs.shape == (2, 1000)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert len(network.fingerprint()) == 64 and network.fingerprint() != probe.fingerprint()


def test_evaluate_command_on_a_tiny_saved_model(tmp_path, keras_gans_home, evaluator):
    model = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, seed=0)
    model.compile()
    path = tmp_path / "tiny.keras"
    model.save(path)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", KERAS_GANS_HOME=str(keras_gans_home))
    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.cli", "evaluate", str(path), "--dataset",
         "fashion_mnist", "--num", "100", "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "FID:" in result.stdout and "KID:" in result.stdout
    reported = json.loads((tmp_path / "r.json").read_text())
    expected = evaluator.evaluate(keras.saving.load_model(path), 100, seed=0)
    assert reported["fid"] == pytest.approx(expected["fid"], rel=1e-5)

    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.cli", "evaluate", str(tmp_path / "none.keras")],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 2 and "No such model file" in result.stderr


def test_inception_2015_graph_extractor_feeds_any_batch_to_a_batch_of_one_graph(tmp_path):
    # A stand-in with the real file's tensor names and its (1, H, W, 3) input:
    # ExpandDims -> ResizeBilinear(299) -> (x - 128) / 128 -> pool_3 (mean).
    import tensorflow as tf

    graph = tf.Graph()
    with graph.as_default():
        pixels = tf.compat.v1.placeholder(tf.float32, [1, None, None, 3], name="ExpandDims")
        resized = tf.compat.v1.image.resize_bilinear(pixels, [299, 299])
        scaled = (resized - 128.0) / 128.0
        tf.reduce_mean(scaled, axis=[1, 2], keepdims=True, name="pool_3")
    path = tmp_path / "graph.pb"
    path.write_bytes(graph.as_graph_def().SerializeToString())

    extractor = extractors.get(f"inception_2015:{path}")
    images = np.stack([np.full((28, 28, 1), value, "float32") for value in (-1.0, 0.0, 1.0)])
    features, probabilities = extractor.extract(images)
    assert probabilities is None and features.shape == (3, 3)
    # [-1, 1] -> [0, 255] -> (x - 128) / 128.
    np.testing.assert_allclose(features[:, 0], [-1.0, -0.5 / 128, 127 / 128], atol=1e-6)


def test_cgan_is_evaluated_per_class_with_balanced_labels(tmp_path, keras_gans_home,
                                                         evaluator, capsys):
    import functools

    from keras_gans import cli

    model = kg.CGAN(image_shape=(28, 28, 1), num_classes=10, seed=0)
    model.compile()
    path = tmp_path / "cgan.keras"
    model.save(path)

    requested = []
    generate = model.generate

    @functools.wraps(generate)  # keeps the signature the evaluator inspects
    def spy(*args, **kwargs):
        requested.extend(np.asarray(kwargs["labels"]).tolist())
        return generate(*args, **kwargs)

    model.generate = spy
    results = evaluator.evaluate(model, 300, batch_size=100)
    assert np.bincount(requested, minlength=10).tolist() == [30] * 10
    assert {f"class_accuracy_{k}" for k in range(10)} <= set(results)

    assert cli.main(["evaluate", str(path), "--num", "100"]) == 0
    printed = capsys.readouterr().out
    assert "class accuracy" in printed and "Ankle boot" in printed
