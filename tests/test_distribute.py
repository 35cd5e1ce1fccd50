"""tf.distribute and mixed precision: the same answer as one device (issue: distributed
training). Each check runs in a fresh process whose CPU is split into 2 logical
devices (tests/distributed_run.py). Every variant's 1 vs 2 replicas and mixed precision
check is in the battery (tests/harness.py, run_replica_test)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import harness
import keras_gans as kg

SCRIPT = os.path.join(os.path.dirname(__file__), "distributed_run.py")


def _run(*args):
    result = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                            timeout=600, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0 and lines, result.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


def test_overflow_on_one_replica_skips_the_step_on_every_replica():
    result = _run("overflow")
    assert result["replicas"] == 2
    assert result["values"] == [[1.0] * 3, [1.0] * 3]  # no replica applied the step
    assert result["scale_after"] == result["scale_before"] / 2
    assert result["iterations"] == 0


# One configuration per stabiliser option (kg.models.stabilisers) covers all four.
STABILISERS = {
    "spectral normalization and the hinge loss": (
        "dcgan", {"discriminator_normalization": "spectral", "loss": "hinge"}),
    "gradient normalization and one-sided label smoothing": (
        "cgan", {"discriminator_normalization": "gradient", "real_label": 0.9}),
}


@pytest.mark.parametrize("case", sorted(STABILISERS))
def test_two_replicas_match_one_device_with_each_stabiliser(case):
    name, options = STABILISERS[case]
    harness.run_replica_test(harness.VARIANTS[name], options)


def test_two_replicas_match_one_device_with_bigans_discriminator_dropout():
    # The masks are drawn for the global batch: N replicas drop what one device would.
    harness.run_replica_test(harness.VARIANTS["bigan"], {"discriminator_dropout": 0.2})


def test_stateless_dropout_is_reproducible_and_unbiased():
    layer = kg.models.layers.StatelessDropout(0.5, seed=3)
    ones = np.ones((64, 256), "float32")
    first = np.asarray(layer(ones, training=True))
    assert set(np.unique(first)) == {0.0, 2.0}
    assert abs(first.mean() - 1.0) < 0.02
    assert not np.array_equal(first, np.asarray(layer(ones, training=True)))  # new mask per call
    layer.calls.assign(0)  # a restored counter replays the same masks
    np.testing.assert_array_equal(first, np.asarray(layer(ones, training=True)))
    np.testing.assert_array_equal(np.asarray(layer(ones, training=False)), ones)


def test_strategy_and_precision_names_are_checked():
    with pytest.raises(ValueError, match="Unknown strategy"):
        kg.distribute.get_strategy("horovod")
    with pytest.raises(ValueError, match="Unknown precision"):
        kg.distribute.set_precision("float8")
    os.environ.pop("TF_CONFIG", None)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        kg.distribute.get_strategy("multi_worker")


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_worker_processes_over_loopback_match_one_device(tmp_path):
    script = os.path.join(os.path.dirname(__file__), "multiworker_run.py")
    cluster = {"worker": [f"127.0.0.1:{_free_port()}" for _ in range(2)]}
    workers = []
    for index in range(2):
        config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
        env = dict(os.environ, TF_CONFIG=json.dumps(config), TF_CPP_MIN_LOG_LEVEL="2")
        workers.append(subprocess.Popen(
            [sys.executable, script, "worker", str(tmp_path / f"worker{index}.npz")],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    single = subprocess.run([sys.executable, script, "single", str(tmp_path / "single.npz")],
                            env=env, capture_output=True, text=True, timeout=600)
    assert single.returncode == 0, single.stderr[-3000:]
    for worker in workers:
        _, stderr = worker.communicate(timeout=600)
        assert worker.returncode == 0, stderr[-3000:]

    reference = np.load(tmp_path / "single.npz")
    assert int(reference["replicas"]) == 1
    for index in range(2):
        result = np.load(tmp_path / f"worker{index}.npz")
        assert int(result["replicas"]) == 2 and int(result["steps"]) == 3
        weights = [key for key in result.files if key.startswith("w")]
        assert len(weights) > 10
        for key in weights:
            np.testing.assert_allclose(result[key], reference[key], atol=1e-5, err_msg=key)
        assert np.isclose(result["loss"], reference["loss"], rtol=1e-5)
