"""Distributed checks run in a fresh process (the CPU must be split into 2 logical
devices before TensorFlow starts); used by harness.run_replica_test (every variant, in
its battery configuration) and test_distribute.py. Prints one JSON line.

    python tests/distributed_run.py variant VARIANT   # 1 vs 2 replicas; mixed precision
    python tests/distributed_run.py variant VARIANT '{"loss": "hinge"}'  # with options
    python tests/distributed_run.py ema VARIANT       # 1 vs 2 replicas with ema_decay
    python tests/distributed_run.py overflow
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gans as kg  # noqa: E402

import harness  # noqa: E402  (beside this file)

PER_REPLICA_BATCH = 8


def train(strategy, variant, steps, options=None):
    """`steps` steps of the battery's small configuration of `variant` (a
    `harness.Variant`), with a global batch of 2 replicas x PER_REPLICA_BATCH."""
    with strategy.scope():
        model = variant.build(**(options or {}))
        # SGD shows a wrong gradient scale that Adam would hide.
        model.compile(**{name: keras.optimizers.SGD(0.002) for name in variant.cls.OPTIMIZERS})
    per_step = 2 * PER_REPLICA_BATCH * variant.minibatches_per_step
    images, labels = kg.data.load_arrays("fashion_mnist", split="train")
    images = images[: per_step * steps].astype("float32") / 127.5 - 1
    labels = labels[: per_step * steps]
    dataset = variant.dataset(images, labels, steps, batch_size=per_step)
    history = model.fit(dataset, epochs=1, verbose=0)
    return model, {name: float(values[-1]) for name, values in history.history.items()}


def check_variant(variant_name, options=None):
    """The battery's configuration of `variant_name`, with constructor `options`."""
    variant = harness.VARIANTS[variant_name]
    result = {"float32": compare(variant, steps=1, options=options)}
    mirrored = kg.distribute.get_strategy("mirrored")
    for precision in ("mixed_float16", "mixed_bfloat16"):
        kg.distribute.set_precision(precision)
        model, logs = train(mirrored, variant, steps=3, options=options)
        result[precision] = {
            "logs": logs,
            "policy": model.dtype_policy.name,
            "optimizers": [type(getattr(model, name)).__name__
                           for name in variant.cls.OPTIMIZERS],
        }
    kg.distribute.set_precision("float32")
    return result


def compare(variant, steps, options=None):
    one_model, one_logs = train(tf.distribute.get_strategy(), variant, steps, options)
    mirrored = kg.distribute.get_strategy("mirrored")
    two_model, two_logs = train(mirrored, variant, steps, options)
    weight_diff = max(
        float(np.max(np.abs(keras.ops.convert_to_numpy(a).astype("float64")
                            - keras.ops.convert_to_numpy(b))))
        for a, b in zip(one_model.weights, two_model.weights)
    )
    def probe(model, rows):  # a model without latent input (CycleGAN) draws other noise
        if not isinstance(model, kg.models.GANModel):
            return model.random_normal((rows, 8), "probe")
        return model.sample_latent(rows, "probe")

    noise = mirrored.run(lambda: probe(two_model, PER_REPLICA_BATCH))
    parts = [p.numpy() for p in mirrored.experimental_local_results(noise)]
    single = probe(one_model, 2 * PER_REPLICA_BATCH).numpy()
    # The averages' weights, as part of model.weights (which weight_diff compares).
    model_weights = {id(w) for w in one_model.weights}
    averages = [w for name in (one_model.EMA_NETWORKS if one_model.ema_decay else ())
                for w in getattr(one_model, f"{name}_ema").weights if id(w) in model_weights]
    return {
        "replicas": mirrored.num_replicas_in_sync,
        "weight_diff": weight_diff,
        "average_weights": len(averages),
        "one_logs": one_logs,
        "two_logs": two_logs,
        "noise_matches_one_device": float(np.max(np.abs(np.concatenate(parts) - single))),
        "noise_between_replicas": float(np.max(np.abs(parts[0] - parts[1]))),
    }


def overflow():
    """Gradients finite on replica 0, inf on replica 1: every replica must skip."""
    strategy = kg.distribute.get_strategy("mirrored")
    with strategy.scope():
        variable = keras.Variable(np.ones(3, "float32"))
        optimizer = kg.distribute.LossScaleOptimizer(keras.optimizers.SGD(0.1))
        optimizer.build([variable])
    scale_before = float(optimizer.dynamic_scale.numpy())

    @tf.function
    def step():
        def replica_fn():
            replica = tf.distribute.get_replica_context().replica_id_in_sync_group
            gradient = tf.where(tf.equal(replica, 1), np.inf, 1.0) * tf.ones(3)
            optimizer.apply_gradients([(gradient, variable)])
        strategy.run(replica_fn)

    step()
    return {
        "replicas": strategy.num_replicas_in_sync,
        "values": [keras.ops.convert_to_numpy(v).tolist()
                   for v in strategy.experimental_local_results(variable.value)],
        "scale_before": scale_before,
        "scale_after": float(optimizer.dynamic_scale.numpy()),
        "iterations": int(optimizer.iterations.numpy()),
    }


if __name__ == "__main__":
    if sys.argv[1] == "variant":
        result = check_variant(sys.argv[2], json.loads(sys.argv[3]) if sys.argv[3:] else None)
    elif sys.argv[1] == "ema":
        result = compare(harness.VARIANTS[sys.argv[2]], steps=3,
                         options={"ema_decay": 0.5, "ema_start": 1})
    else:
        result = overflow()
    print("RESULT " + json.dumps(result))
