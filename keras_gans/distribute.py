"""Distribution strategies and mixed precision, chosen in one place.

    strategy = kg.distribute.get_strategy("mirrored")
    kg.distribute.set_precision("mixed_bfloat16")
    with strategy.scope():
        model = kg.DCGAN(...)
        model.compile()
    model.fit(...)

Every variant's train step is written for N replicas (see `GANModel`): losses reduced
over the global batch, distinct noise per replica (rows of one global draw), batch
norm synchronized across replicas, every optimizer loss-scaled under float16 with the
skip-on-overflow decision agreed by all replicas.
"""

import json
import os

import keras
import tensorflow as tf
from keras import ops

STRATEGIES = ("auto", "one_device", "mirrored", "multi_worker", "tpu")
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")


def get_strategy(name="auto"):
    """Returns a `tf.distribute.Strategy`.

    Args:
        name: one of:
            - `"auto"` (default): a TPU if `TPU_NAME` is set, multi-worker if
              `TF_CONFIG` names a cluster, mirrored over all GPUs if there are
              several, else the default (one device) strategy;
            - `"one_device"`: the first GPU, or the CPU;
            - `"mirrored"`: all local GPUs (or all logical CPUs when there is no GPU);
            - `"multi_worker"`: `MultiWorkerMirroredStrategy`, cluster from `TF_CONFIG`;
            - `"tpu"`: `TPUStrategy` with a `TPUClusterResolver` (`TPU_NAME` or local).
    """
    if name not in STRATEGIES:
        raise ValueError(f"Unknown strategy. Expected one of {STRATEGIES}. Received: {name!r}")
    if name == "auto":
        if os.environ.get("TPU_NAME"):
            name = "tpu"
        elif json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster"):
            name = "multi_worker"
    # Multi-worker collectives must be configured before anything initializes the
    # runtime, which listing devices does: create that strategy first.
    if name == "multi_worker":
        if not os.environ.get("TF_CONFIG"):
            raise ValueError(
                "strategy='multi_worker' needs the cluster in the TF_CONFIG environment "
                "variable, e.g. {\"cluster\": {\"worker\": [\"host1:port\", "
                "\"host2:port\"]}, \"task\": {\"type\": \"worker\", \"index\": 0}}."
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    gpus = tf.config.list_logical_devices("GPU")
    if name == "auto":
        if len(gpus) <= 1:
            return tf.distribute.get_strategy()
        name = "mirrored"
    if name == "one_device":
        return tf.distribute.OneDeviceStrategy(gpus[0].name if gpus else "/cpu:0")
    if name == "mirrored":
        devices = [d.name for d in gpus] or [d.name for d in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(devices)
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(os.environ.get("TPU_NAME", ""))
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def set_precision(name="float32"):
    """Sets Keras's global dtype policy; create models after calling it."""
    if name not in PRECISIONS:
        raise ValueError(f"Unknown precision. Expected one of {PRECISIONS}. Received: {name!r}")
    keras.mixed_precision.set_global_policy(name)


def num_replicas(strategy=None):
    """Replicas of `strategy`, by default of the one in scope (1 outside any strategy)."""
    return (strategy or tf.distribute.get_strategy()).num_replicas_in_sync


def synchronize_batch_norm():
    """Whether a batch norm built now must synchronize its statistics across replicas.

    Plain batch norm normalizes each replica's slice on its own, so 1 and N replicas
    would differ; with one replica the synchronized version only adds an all-reduce.
    """
    return num_replicas() > 1


def in_multi_worker_mode():
    extended = tf.distribute.get_strategy().extended
    return bool(getattr(extended, "_in_multi_worker_mode", lambda: False)())


def loggable(results):
    """`{name: value}` logs in the shape Keras can reduce under the strategy in scope.

    Keras 3.15 reduces multi-worker logs with reduce(MEAN, axis=0), which fails on
    scalars ("Invalid reduction dimension 0", keras#20585): give them rank 1 there.
    """
    if in_multi_worker_mode():
        return {name: ops.reshape(value, (1,)) for name, value in results.items()}
    return results


def assign_on_every_replica(variables, function, values=None):
    """`variable.assign(function(variable))` for each variable, alike on every replica.

    With `values` (a list as long as `variables`, e.g. another network's weights) the
    update is `function(variable, value)`, each replica with its own copy of `value`.
    Called from a train step (replica context): a mirrored variable refuses a
    replica-context assign, so the update runs in cross-replica context, where
    `strategy.extended.update` applies it to every copy.
    """
    targets = [_tensor_variable(variable) for variable in variables]
    if values is None:
        def update_all(strategy):
            for target in targets:
                strategy.extended.update(target, lambda v: v.assign(function(v)))

        tf.distribute.get_replica_context().merge_call(update_all)
        return
    if len(values) != len(targets):
        raise ValueError(f"{len(targets)} variables but {len(values)} values.")
    values = [ops.convert_to_tensor(_tensor_variable(value)) for value in values]

    def update_pairs(strategy, *values):
        for target, value in zip(targets, values):
            strategy.extended.update(
                target, lambda v, x: v.assign(function(v, x)), args=(value,)
            )

    tf.distribute.get_replica_context().merge_call(update_pairs, args=tuple(values))


def _tensor_variable(variable):
    """The TensorFlow variable behind a Keras variable."""
    return variable.value if hasattr(variable, "value") else variable


def run_in_order(updates, variables):
    """Runs the callables `updates` one after the other; returns their results.

    Each starts only once the previous one has written `variables` (e.g. the critic's
    weights). Under a strategy the updates' collectives (synchronized batch norm, the
    gradient all-reduce) must be issued by every replica in the same order; left
    unordered in the graph, two replicas of WGAN-GP mismatched them and aborted.
    """
    results, applied = [], []
    for update in updates:
        with tf.control_dependencies(applied):
            results.append(update())
            applied = [ops.convert_to_tensor(variables[0])]
    return results


def waiting_for_its_batch(train_step):
    """`train_step` with every op it creates made to wait for its batch.

    In a `tf.function` an op waits only for its inputs and for earlier ops on the same
    variable: the step counter's and the optimizers' `iterations` increments read no
    batch, so when reading the batch fails (a batch refused in the input pipeline,
    `kg.models.checks`) they would still run, and the refused batch would shift every
    later random draw and Adam's bias correction.
    """
    def step(data):
        with tf.control_dependencies([t for t in tf.nest.flatten(data) if tf.is_tensor(t)]):
            return train_step(data)

    return step


def on_global_batch(function, tensor):
    """`function(global batch)`, of which this replica keeps its own rows.

    Every replica gathers all replicas' `tensor` (batch axis first), applies the same
    `function` to it (which must then make the same state updates everywhere, e.g. from
    one stateless draw), and returns its own slice: N replicas behave as one device.
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return function(tensor)
    sizes = context.all_gather(tf.shape(tensor)[:1], axis=0)
    output = function(context.all_gather(tensor, axis=0))
    start = tf.reduce_sum(sizes[: context.replica_id_in_sync_group])
    return output[start : start + tf.shape(tensor)[0]]


def replica_rows(draw, shape, key):
    """This replica's rows of one draw made for the whole global batch.

    `draw(shape, key)` is a stateless sampler; `shape[0]` is the per-replica batch.
    Every replica draws the global batch `num_replicas * shape[0]` from the same key
    and keeps its own slice, so replicas get distinct noise and N replicas see
    exactly the noise that one device would see for the same global batch.
    """
    context = tf.distribute.get_replica_context()
    replicas = 1 if context is None else context.num_replicas_in_sync
    if replicas == 1:
        return draw(shape, key)
    rows = shape[0]
    replica = context.replica_id_in_sync_group
    full = draw([rows * replicas] + list(shape[1:]), key)
    return full[replica * rows : (replica + 1) * rows]


@keras.saving.register_keras_serializable(package="keras_gans")
class LossScaleOptimizer(keras.optimizers.LossScaleOptimizer):
    """`keras.optimizers.LossScaleOptimizer` whose skip decision is agreed by all replicas.

    Keras decides whether gradients are finite on each replica's own, un-reduced
    gradients: an overflow on one replica alone makes that replica skip while the
    others apply the step, and the weights diverge (or the all-reduce inside the step
    deadlocks). Here the replicas all-reduce their verdicts first, so all skip (and
    lower the loss scale) or all apply.
    """

    def _tf_apply(self, grads, trainable_variables=None):
        if tf.__internal__.distribute.strategy_supports_no_merge_call():
            return super()._tf_apply(grads, trainable_variables)

        def apply_in_cross_replica_context(distribution, grads, trainable_variables):
            # The stock version takes replica 0's verdict on its own gradients.
            failures = distribution.extended.call_for_each_replica(
                lambda g: tf.cast(tf.logical_not(self.check_finite(g)), tf.float32),
                args=(grads,),
            )
            finite = tf.equal(
                distribution.reduce(tf.distribute.ReduceOp.SUM, failures, axis=None), 0.0
            )

            def apply_fn():
                distribution.extended.call_for_each_replica(
                    self._stateful_handle_finite_grads, args=(grads, trainable_variables)
                )

            ops.cond(finite, apply_fn, self._stateful_handle_non_finite_grads)

        tf.distribute.get_replica_context().merge_call(
            apply_in_cross_replica_context, args=(grads, trainable_variables)
        )
