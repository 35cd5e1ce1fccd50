"""The battery every registered variant runs, in the manner of KerasHub's
`run_backbone_test` / `run_model_saving_test`.

`VARIANTS` holds one entry per name of `kg.models.VARIANTS`: small constructor
arguments (so the battery stays fast) and how to make the variant's training data
from the Fashion-MNIST fixtures. The `run_*_test` functions are the battery;
`tests/test_variants.py` runs each of them on every variant. A variant's own test
file holds only what is particular to it (its paper's defaults, its losses, a
hand-written reference step).

Only the public API and `step_counter`, `NETWORKS`, `OPTIMIZERS`, `TRACKERS` are used
here, so the battery holds whatever the models' internals become.
"""

import dataclasses
import json
import os
import re
import subprocess
import sys
from typing import Callable

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg


def images_alone(images, labels):
    return images


def images_and_labels(images, labels):
    return images, labels


def mirrored_domains(images, labels):
    """An unpaired stand-in for two domains: domain B is domain A mirrored left-right."""
    images = np.asarray(images)
    return images, images[:, :, ::-1]


def no_preparation(model, total_steps):
    pass


def set_total_steps(model, total_steps):
    # CycleGAN's and BiGAN's learning rates decay over the second half of the run:
    # give the schedule the run's length, or a continued fit would train at the end
    # rate.
    model.set_total_steps(total_steps)


@dataclasses.dataclass(frozen=True)
class Variant:
    """How the battery builds, feeds and checks one registered variant.

    Attributes:
        name: the key in `kg.models.VARIANTS`.
        init_kwargs: constructor arguments (besides `seed`) that keep the tests fast.
        training_data: `(images, labels) -> x` for `fit` (a structure of arrays).
        minibatches_per_step: how many minibatches a `fit` batch is cut into (WGAN's
            `critic_steps`); batch sizes are multiples of it.
        updates_per_step: `{optimizer name: updates per train step}` where not 1.
        wrong_labels: `(images, labels) -> x` that gets the labels wrong: labels
            given to a model that takes none, or missing where needed.
        wrong_labels_message: regex of the `ValueError` that `wrong_labels` raises.
        prepare: `(model, total_steps)`, called after `compile` when a test knows
            the run's length in advance.
    """

    name: str
    init_kwargs: dict
    training_data: Callable = images_alone
    minibatches_per_step: int = 1
    updates_per_step: dict = dataclasses.field(default_factory=dict)
    wrong_labels: Callable = images_and_labels
    wrong_labels_message: str = "unconditional.*labels"
    prepare: Callable = no_preparation

    @property
    def cls(self):
        return kg.models.get(self.name)

    @property
    def batch_size(self):
        """The battery's `fit` batch: 16 images per minibatch."""
        return 16 * self.minibatches_per_step

    def build(self, **overrides):
        return self.cls(seed=0, **{**self.init_kwargs, **overrides})

    def compiled(self, total_steps=None, **optimizers):
        model = self.build()
        model.compile(**optimizers)
        if total_steps is not None:
            self.prepare(model, total_steps)
        return model

    def dataset(self, images, labels, steps, batch_size=None):
        """`steps` batches of the variant's training data from `images` and `labels`."""
        batch_size = batch_size or self.batch_size
        count = batch_size * steps
        assert len(images) >= count, (len(images), count)
        data = self.training_data(images[:count], labels[:count])
        return tf.data.Dataset.from_tensor_slices(data).batch(batch_size)

    def updates(self, optimizer_name):
        return self.updates_per_step.get(optimizer_name, 1)


VARIANTS = {
    variant.name: variant
    for variant in [
        Variant("gan", {}),
        Variant("dcgan", dict(filters=16)),
        Variant("wgan", dict(filters=16, critic_steps=2), minibatches_per_step=2,
                updates_per_step={"critic_optimizer": 2}),
        Variant("wgan_gp", dict(filters=16, critic_steps=2), minibatches_per_step=2,
                updates_per_step={"critic_optimizer": 2}),
        Variant("cgan", dict(filters=16), training_data=images_and_labels,
                wrong_labels=images_alone, wrong_labels_message="labels are missing"),
        Variant("cyclegan", dict(generator_filters=8, residual_blocks=1,
                                 discriminator_filters=8, discriminator_layers=1),
                training_data=mirrored_domains, wrong_labels_message="labels",
                prepare=set_total_steps),
        Variant("bigan", dict(units=64), prepare=set_total_steps),
    ]
}
assert sorted(VARIANTS) == sorted(kg.models.VARIANTS), "a registered variant has no entry"


# ---------------------------------------------------------------------- helpers

def numpy_values(variables):
    return [keras.ops.convert_to_numpy(v) for v in variables]


def network_weights(model):
    return {name: numpy_values(getattr(model, name).weights) for name in model.NETWORKS}


def optimizer_state(model):
    return {name: numpy_values(getattr(model, name).variables) for name in model.OPTIMIZERS}


def moved(before, after):
    """Whether any array of `after` differs from the one at its place in `before`."""
    return any(not np.array_equal(a, b) for a, b in zip(before, after))


def assert_state_unchanged(model, weights, optimizers):
    assert int(model.step_counter.numpy()) == 0
    for name in model.OPTIMIZERS:
        assert int(getattr(model, name).iterations.numpy()) == 0, name
    for name, arrays in network_weights(model).items():
        assert not moved(weights[name], arrays), name
    for name, arrays in optimizer_state(model).items():
        assert not moved(optimizers[name], arrays), name


def same_json(a, b):
    """Equal up to tuples having become lists in a `.keras` file."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


# ---------------------------------------------------------------------- the battery

def run_fit_test(variant, images, labels, steps_per_epoch=3, epochs=2):
    """`fit` on real data: finite losses, every network and every kernel in it
    moves, the progress bar shows the variant's trackers (epoch means), and each
    optimizer made its number of updates per step. Returns the trained model (for
    `run_saving_test`)."""
    model = variant.compiled(total_steps=100)
    before = {name: numpy_values(getattr(model, name).trainable_variables)
              for name in model.NETWORKS}
    history = model.fit(variant.dataset(images, labels, steps_per_epoch),
                        epochs=epochs, verbose=0).history

    assert [metric.name for metric in model.metrics] == list(model.TRACKERS)
    assert sorted(history) == sorted(model.TRACKERS), history
    for name, values in history.items():
        assert len(values) == epochs and np.all(np.isfinite(values)), (name, values)
    steps = steps_per_epoch * epochs
    assert int(model.step_counter.numpy()) == steps
    for name in model.OPTIMIZERS:
        assert int(getattr(model, name).iterations.numpy()) == steps * variant.updates(name)
    for name, arrays in before.items():
        variables = getattr(model, name).trainable_variables
        assert variables, name
        after = numpy_values(variables)
        assert moved(arrays, after), f"{name} did not move"
        for variable, start, end in zip(variables, arrays, after):
            assert np.all(np.isfinite(end)), (name, variable.path)
            # Every kernel: no layer is left out of its optimizer. (Some biases get
            # no gradient by design, e.g. the critic's output bias in the Wasserstein
            # loss E[f(real)] - E[f(fake)].)
            if len(variable.shape) >= 2:
                assert not np.array_equal(start, end), f"{name}: {variable.path} did not move"
    return model


def run_saving_test(variant, model, images, labels, directory):
    """A `.keras` round trip of a trained `model` (`run_fit_test`'s) keeps the config,
    the compile config (the optimizers and their schedules), every weight, every
    optimizer variable (iteration counts included) and the step counter; one further
    train step from the original and from the loaded copy then gives the same
    weights."""
    steps = int(model.step_counter.numpy())
    assert steps > 0
    path = os.path.join(directory, f"{variant.name}.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)

    assert type(loaded) is variant.cls
    assert same_json(loaded.get_config(), model.get_config())
    assert same_json(loaded.get_compile_config(), model.get_compile_config())
    # (Layer names differ: a loaded copy's are made unique anew.)
    assert [w.shape for w in loaded.weights] == [w.shape for w in model.weights]
    for a, b, weight in zip(numpy_values(model.weights), numpy_values(loaded.weights),
                            model.weights):
        np.testing.assert_array_equal(a, b, err_msg=weight.path)
    assert int(loaded.step_counter.numpy()) == steps
    for name in model.OPTIMIZERS:
        original, restored = getattr(model, name), getattr(loaded, name)
        assert type(restored) is type(original), name
        assert int(restored.iterations.numpy()) == steps * variant.updates(name)
        assert len(restored.variables) == len(original.variables), name
        for a, b in zip(numpy_values(original.variables), numpy_values(restored.variables)):
            np.testing.assert_array_equal(a, b, err_msg=name)
    np.testing.assert_array_equal(loaded.grid_samples(16, seed=0),
                                  model.grid_samples(16, seed=0))

    # The same next step on both: same optimizer moments, same step counter (hence
    # the same noise and pool draws), same data.
    saved = network_weights(model)
    more = variant.dataset(images[-variant.batch_size:], labels[-variant.batch_size:], 1)
    model.fit(more, epochs=1, verbose=0)
    loaded.fit(more, epochs=1, verbose=0)
    for name, arrays in network_weights(model).items():
        assert moved(saved[name], arrays), f"{name} did not train after the round trip"
    for a, b, weight in zip(numpy_values(model.weights), numpy_values(loaded.weights),
                            model.weights):
        np.testing.assert_allclose(a, b, atol=1e-6, err_msg=weight.path)
    for name, arrays in optimizer_state(model).items():
        for a, b in zip(arrays, optimizer_state(loaded)[name]):
            np.testing.assert_allclose(a, b, atol=1e-6, err_msg=name)


class Crash(Exception):
    pass


class CrashAtStep(keras.callbacks.Callback):
    def __init__(self, step):
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.step_counter.numpy()) == self.step:
            raise Crash


def run_resume_test(variant, images, labels, directory, steps_per_epoch=6):
    """`kg.training.fit_resumable` killed mid-epoch and resumed in a fresh model ends
    with the weights and optimizer state of the uninterrupted run, bit for bit."""
    epochs, count = 2, variant.batch_size * steps_per_epoch
    data = variant.training_data(images[:count], labels[:count])

    def epoch_dataset(epoch):  # the order of epoch e depends on e alone
        return (tf.data.Dataset.from_tensor_slices(data)
                .shuffle(count, seed=epoch).batch(variant.batch_size))

    def fit(model, subdirectory, callbacks=()):
        kg.training.fit_resumable(model, epoch_dataset, epochs=epochs,
                                  steps_per_epoch=steps_per_epoch,
                                  backup_dir=os.path.join(directory, subdirectory),
                                  every_n_steps=2, callbacks=callbacks, verbose=0)

    total_steps = epochs * steps_per_epoch
    reference = variant.compiled(total_steps=total_steps)
    fit(reference, "a")
    assert int(reference.step_counter.numpy()) == total_steps

    crashed = variant.compiled(total_steps=total_steps)
    crash_step = steps_per_epoch + 3  # mid epoch 2; the last backup is 2 steps before
    with pytest.raises(Crash):
        fit(crashed, "b", callbacks=[CrashAtStep(crash_step)])
    with open(os.path.join(directory, "b", "progress.json")) as file:
        progress = json.load(file)
    assert (progress["epoch"], progress["steps_in_epoch"], progress["step"]) == (
        1, 2, crash_step - 1)

    resumed = variant.compiled(total_steps=total_steps)  # as a new process would
    fit(resumed, "b")
    assert int(resumed.step_counter.numpy()) == total_steps
    for a, b, weight in zip(numpy_values(reference.weights), numpy_values(resumed.weights),
                            reference.weights):
        np.testing.assert_array_equal(a, b, err_msg=weight.path)
    for name, arrays in optimizer_state(reference).items():
        for a, b in zip(arrays, optimizer_state(resumed)[name]):
            np.testing.assert_array_equal(a, b, err_msg=name)


DISTRIBUTED_RUN = os.path.join(os.path.dirname(__file__), "distributed_run.py")


def run_replica_test(variant, options=None):
    """One step on 2 replicas (a CPU split into 2 logical devices, in a fresh
    process: `tests/distributed_run.py`) equals the same global batch on one device,
    each replica draws its own rows of the one-device noise, and 2 replicas train
    with finite losses under both mixed precision policies. `options`: constructor
    arguments added to the battery's configuration (e.g. a stabiliser)."""
    extra = [json.dumps(options)] if options else []
    completed = subprocess.run(
        [sys.executable, DISTRIBUTED_RUN, "variant", variant.name, *extra], capture_output=True,
        text=True, timeout=600, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    assert completed.returncode == 0 and lines, completed.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])

    exact = result["float32"]
    assert exact["replicas"] == 2
    # One step with global batch 2B on 2 replicas == the same 2B examples on 1 device.
    assert exact["weight_diff"] < 1e-5, exact
    assert sorted(exact["one_logs"]) == sorted(variant.cls.TRACKERS), exact
    for name, value in exact["one_logs"].items():
        assert np.isclose(exact["two_logs"][name], value, rtol=1e-5, atol=1e-6), exact
    # Replica r draws rows r*B..(r+1)*B of the one-device draw: distinct, and identical.
    assert exact["noise_matches_one_device"] == 0.0
    assert exact["noise_between_replicas"] > 0.1

    for precision in ("mixed_float16", "mixed_bfloat16"):
        run = result[precision]
        assert run["policy"] == precision
        assert all(np.isfinite(v) for v in run["logs"].values()), run
    assert set(result["mixed_float16"]["optimizers"]) == {"LossScaleOptimizer"}
    assert "LossScaleOptimizer" not in result["mixed_bfloat16"]["optimizers"]


def bad_inputs(variant, images, labels):
    """`{case: (x for fit, regex of the ValueError)}`: one batch of each mistake."""
    uint8 = np.round((images + 1) * 127.5).astype("uint8")
    cases = {
        "wrong shape (3 channels)": (np.repeat(images, 3, axis=-1), "channel count 3"),
        "uint8 in [0, 255]": (uint8, "dtype uint8.*127.5"),
        "float in [0, 1]": ((images + 1) / 2, r"\[0, 1\]"),
    }
    batch = {case: (variant.training_data(x, labels), message)
             for case, (x, message) in cases.items()}
    batch["labels wrong"] = (variant.wrong_labels(images, labels), variant.wrong_labels_message)
    return {case: (tf.data.Dataset.from_tensor_slices(x).batch(variant.batch_size), message)
            for case, (x, message) in batch.items()}


def run_bad_input_test(variant, images, labels):
    """Each bad batch raises a `ValueError` saying what is wrong before any train
    step: the step counter, the iterations, the weights and the optimizers' state
    stay as they were."""
    model = variant.compiled()
    weights, optimizers = network_weights(model), optimizer_state(model)
    count = 2 * variant.batch_size
    cases = bad_inputs(variant, images[:count], labels[:count])
    assert len(cases) == 4
    for case, (data, message) in cases.items():
        with pytest.raises(ValueError) as error:
            model.fit(data, epochs=1, verbose=0)
        assert re.search(message, str(error.value)), (case, str(error.value))
        assert_state_unchanged(model, weights, optimizers)
