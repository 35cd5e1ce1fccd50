"""Callbacks shared by every variant."""

import csv
import io
import os
import time

import keras
import numpy as np

from keras_gans.images import make_grid, encode_png
from keras_gans.io_utils import atomic_path, remove_if_present, write_bytes, writing


class SampleGrid(keras.callbacks.Callback):
    """Writes a PNG grid of generated images at the end of every epoch.

    The grid is drawn from the same latent vectors every epoch (`seed` fixes them),
    so successive grids show how the same samples evolve. Conditional models lay
    their grid out one row per class (see `GANModel.grid_samples`).

    Files are `{directory}/epoch_{epoch:04d}.png` (epochs counted from 1), each
    `rows * (height + 2) + 2` by `columns * (width + 2) + 2` pixels with
    `columns = ceil(sqrt(num_samples))` (2 px of black padding).

    Args:
        directory: str, where the PNG files go. Created if missing.
        num_samples: int, defaults to 64. Images per grid.
        seed: int, defaults to 0. Fixes the latent vectors.
        log_dir: str or None (default). When given, the grid is also written as a
            TensorBoard image summary named "samples" under this directory.
        every_n_epochs: int, defaults to 1.

    Example:
    ```python
    model.fit(train, epochs=5, callbacks=[
        kg.callbacks.SampleGrid("runs/dcgan/samples", num_samples=64,
                                log_dir="runs/dcgan/logs"),
    ])
    ```
    """

    def __init__(self, directory, num_samples=64, seed=0, log_dir=None, every_n_epochs=1):
        super().__init__()
        if not isinstance(num_samples, int) or num_samples <= 0:
            raise ValueError(
                f"`num_samples` must be a positive int. Received: num_samples={num_samples!r}"
            )
        if not isinstance(every_n_epochs, int) or every_n_epochs <= 0:
            raise ValueError(
                f"`every_n_epochs` must be a positive int. Received: {every_n_epochs!r}"
            )
        self.directory = os.fspath(directory)
        self.num_samples = num_samples
        self.seed = seed
        self.log_dir = log_dir
        self.every_n_epochs = every_n_epochs
        self.last_path = None
        self._writer = None

    def on_train_begin(self, logs=None):
        # Fail now, not after the first epoch, if the directory cannot be written.
        probe = os.path.join(self.directory, ".write-test")
        write_bytes(probe, b"")
        remove_if_present(probe)
        if self.log_dir is not None:
            import tensorflow as tf

            self._writer = tf.summary.create_file_writer(os.fspath(self.log_dir))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        images = self.model.grid_samples(self.num_samples, seed=self.seed)
        grid = make_grid(images)
        self.last_path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png")
        write_bytes(self.last_path, encode_png(grid))
        if self._writer is not None:
            import tensorflow as tf

            with self._writer.as_default():
                tf.summary.image("samples", grid[np.newaxis], step=epoch + 1)
            self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class FID(keras.callbacks.Callback):
    """Every `every_n_epochs` epochs, FID and KID of generated samples into `logs`.

    `num_samples` images are drawn with `model.generate` in batches (balanced labels
    for conditional models whose `generate` accepts `labels=`), passed through the
    extractor and compared with the cached statistics of the reference split (see
    `keras_gans.evaluation` and docs/evaluation.md). The values are written into the
    epoch's `logs` as `fid`, `kid` and `kid_std` (plus `inception_score` and, for
    conditional models, `class_accuracy` and `worst_class_accuracy`), so History,
    TensorBoard, EarlyStopping and `ModelCheckpoint(monitor="fid", mode="min")` see them. Place this callback
    *before* those in the `callbacks` list: Keras calls them in order (History and
    the progress bar always come last).

    The same seed draws the same latent vectors at every evaluation, so successive
    values differ by the weights only.

    Args:
        reference: str, named dataset of the reference statistics, defaults to
            `"fashion_mnist"`.
        num_samples: int, defaults to 10_000.
        every_n_epochs: int, defaults to 5. Epochs counted from 1; the last epoch
            of `fit` is also evaluated when `evaluate_last_epoch=True`.
        split: `"test"` (default) or `"train"`, the reference split.
        extractor: `"auto"` (the Fashion-MNIST domain classifier for 28x28 grey),
            `"domain"`, `"inception_v3"` or an extractor object.
        batch_size: int, images generated and extracted at a time, defaults to 500.
        seed: int, defaults to 0.
        kid_subsets: int, defaults to 100.
        kid_subset_size: int, defaults to 1000.
        evaluate_last_epoch: bool, defaults to False.
        verbose: int, 1 prints the figures after each evaluation, defaults to 0.

    Example:
    ```python
    model.fit(train, epochs=20, callbacks=[
        # every epoch: ModelCheckpoint warns on epochs whose logs lack "fid"
        kg.callbacks.FID(reference="fashion_mnist", num_samples=10_000,
                         every_n_epochs=1),
        keras.callbacks.ModelCheckpoint("best.keras", monitor="fid", mode="min",
                                        save_best_only=True),
    ])
    ```
    """

    def __init__(self, reference="fashion_mnist", num_samples=10_000, every_n_epochs=5,
                 split="test", extractor="auto", batch_size=500, seed=0,
                 kid_subsets=100, kid_subset_size=1000, evaluate_last_epoch=False,
                 verbose=0):
        super().__init__()
        for name, value in (("num_samples", num_samples),
                            ("every_n_epochs", every_n_epochs),
                            ("batch_size", batch_size)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"`{name}` must be a positive int. Received: {name}={value!r}"
                )
        if num_samples < 2:
            raise ValueError(f"`num_samples` must be >= 2. Received: {num_samples}")
        self.reference = reference
        self.num_samples = num_samples
        self.every_n_epochs = every_n_epochs
        self.split = split
        self.extractor = extractor
        self.batch_size = batch_size
        self.seed = seed
        self.kid_subsets = kid_subsets
        self.kid_subset_size = kid_subset_size
        self.evaluate_last_epoch = evaluate_last_epoch
        self.verbose = verbose
        self.evaluator = None
        self.last_results = None

    def on_train_begin(self, logs=None):
        # Load (or compute and cache) the reference statistics now, not mid-training.
        if self.evaluator is None:
            from keras_gans.evaluation import Evaluator

            self.evaluator = Evaluator(
                self.reference, split=self.split, extractor=self.extractor,
                kid_subsets=self.kid_subsets, kid_subset_size=self.kid_subset_size,
            )

    def on_epoch_end(self, epoch, logs=None):
        last = self.evaluate_last_epoch and epoch + 1 == self.params.get("epochs")
        if (epoch + 1) % self.every_n_epochs and not last:
            return
        self.on_train_begin()
        results = self.evaluator.evaluate(
            self.model, self.num_samples, seed=self.seed, batch_size=self.batch_size
        )
        self.last_results = results
        if logs is not None:
            for name in ("fid", "kid", "kid_std", "inception_score", "class_accuracy",
                         "worst_class_accuracy"):
                if name in results:
                    logs[name] = results[name]
        if self.verbose:
            figures = ", ".join(
                f"{name}={results[name]:.4g}" for name in ("fid", "kid") if name in results
            )
            print(f"\nEpoch {epoch + 1}: {figures} ({self.num_samples} samples)")


class Measure(keras.callbacks.Callback):
    """Every `every_n_epochs` epochs, a variant's own measure into `logs`.

    `name` is a key of `kg.evaluation.measures.MEASURES` (`"translation"` for a
    CycleGAN, `"encoder_probe"` for a BiGAN, `"class_diversity"` for a CGAN); its
    numeric results go into the epoch's `logs` under their own names (e.g.
    `a_to_b_accuracy`, `linear_on_encoder`), so History, `HistoryCSV` and TensorBoard
    record them beside the losses. Like `FID`, place it before the callbacks that read
    the logs.

    Args:
        name: str, the measure.
        every_n_epochs: int, defaults to 1.
        **options: passed to the measure, e.g. `with_pixels=False` for
            `"encoder_probe"` (the pixel probes do not change during training).

    Example:
    ```python
    cyclegan.fit(pairs, epochs=10, callbacks=[kg.callbacks.Measure("translation")])
    ```
    """

    def __init__(self, name, every_n_epochs=1, **options):
        super().__init__()
        from keras_gans.evaluation.measures import MEASURES

        if name not in MEASURES:
            raise ValueError(
                f"Unknown measure. Expected one of {sorted(MEASURES)}. Received: name={name!r}"
            )
        if not isinstance(every_n_epochs, int) or every_n_epochs <= 0:
            raise ValueError(
                f"`every_n_epochs` must be a positive int. Received: {every_n_epochs!r}"
            )
        self.measure = MEASURES[name]
        self.every_n_epochs = every_n_epochs
        self.options = options

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs or logs is None:
            return
        for key, value in self.measure(self.model, **self.options).items():
            if isinstance(value, float):
                logs[key] = value


def non_finite_variable(model):
    """The path of the first of `model.weights` holding a NaN or an inf, or None."""
    for variable in model.weights:
        if not np.all(np.isfinite(keras.ops.convert_to_numpy(variable))):
            return variable.path
    return None


class NonFiniteGuard(keras.callbacks.Callback):
    """Stops training at the first step whose logged loss is NaN or infinite.

    Raises `FloatingPointError` naming the variant, the step and the loss, from
    `on_train_batch_end`: callbacks listed after it (a backup, a checkpoint) do not
    run for that step, so the last state they saved is a good one.

    Under `mixed_float16` an overflowing step is the loss scaler's business: it skips
    the step and lowers the scale, leaving the weights finite. There the guard stops
    training only if a weight has become non-finite.
    """

    def on_train_batch_end(self, batch, logs=None):
        bad = {name: value for name, value in (logs or {}).items()
               if not np.all(np.isfinite(np.asarray(value, dtype="float64")))}
        if not bad:
            return
        model = self.model
        if model.dtype_policy.name == "mixed_float16" and non_finite_variable(model) is None:
            return
        step = int(model.step_counter.numpy()) if hasattr(model, "step_counter") else batch + 1
        losses = ", ".join(f"{name}={float(np.asarray(value).ravel()[0])}"
                           for name, value in bad.items())
        raise FloatingPointError(
            f"{type(model).__name__} diverged: non-finite {losses} at step {step} "
            f"(batch {batch + 1} of this epoch). Training stopped; the last backup or "
            "checkpoint written before this step is intact. Try a lower learning rate, "
            "or check the data for NaN."
        )


class ModelExport(keras.callbacks.Callback):
    """Saves the whole model (`.keras`, optimizer state included) at each epoch end.

    Unlike `keras.callbacks.ModelCheckpoint`, the file is written atomically: a crash
    mid-save leaves the previous file, never a truncated one.

    Args:
        path: str, a `.keras` file, overwritten each epoch.
    """

    def __init__(self, path):
        super().__init__()
        if not os.fspath(path).endswith(".keras"):
            raise ValueError(f"`path` must end in .keras. Received: path={path!r}")
        self.path = os.fspath(path)

    def on_epoch_end(self, epoch, logs=None):
        export(self.model, self.path, f"the checkpoint of epoch {epoch + 1}")


def state_bytes(model):
    """About the bytes of `model`'s training state (what a backup or a `.keras` file
    holds): its variables and those of its optimizers."""
    variables = list(model.weights)
    for name in getattr(model, "OPTIMIZERS", ()):
        variables.extend(getattr(getattr(model, name, None), "variables", ()))
    return sum(int(np.prod(variable.shape)) * 4 for variable in variables)  # float32


def export(model, path, what="the model"):
    """`model.save(path)`, atomically; a failed write (disk full, ...) raises one
    `kg.io_utils.StorageError` that says what, where and how much space it needs."""
    with writing(path, what, state_bytes(model)), atomic_path(path) as temporary:
        model.save(temporary)


class HistoryCSV(keras.callbacks.Callback):
    """Writes every epoch's logs to a CSV file, one row per epoch, across resumed runs.

    Unlike `keras.callbacks.CSVLogger`, whose columns are fixed by the first epoch's
    logs (so a value logged every n epochs, such as `kg.callbacks.FID(every_n_epochs=
    2)`'s `fid`, is never written), the columns are every key logged so far; an epoch
    without a value has an empty cell. It also adds `train_minutes`: the run's wall
    time up to the end of the epoch (from the start of each `fit` on, callbacks listed
    before this one included, summed over the run; steps lost to a crash are not
    counted). A run resumed in the same directory continues the file (a row of an
    epoch trained again replaces the old one). The file is rewritten atomically.

    Args:
        path: str, the CSV file.
    """

    def __init__(self, path):
        super().__init__()
        self.path = os.fspath(path)
        self._rows = None
        self._start = None

    def rows(self):
        """The rows so far: a list of `{column: str}` dicts, by epoch."""
        if self._rows is None:
            self._rows = []
            if os.path.exists(self.path):
                with open(self.path, newline="") as file:
                    self._rows = list(csv.DictReader(file))
        return self._rows

    def on_train_begin(self, logs=None):
        self._start = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        rows = [row for row in self.rows() if row.get("epoch") != str(epoch)]
        previous = [float(row["train_minutes"]) for row in rows if row.get("train_minutes")]
        now = time.monotonic()
        minutes = (previous[-1] if previous else 0.0) + (now - self._start) / 60.0
        self._start = now
        row = {"epoch": str(epoch), "train_minutes": f"{minutes:.4f}"}
        row.update({key: str(float(value)) for key, value in (logs or {}).items()
                    if np.ndim(value) == 0})
        self._rows = rows + [row]
        columns = ["epoch", "train_minutes"] + sorted(
            {key for r in self._rows for key in r} - {"epoch", "train_minutes"})
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(self._rows)
        write_bytes(self.path, text.getvalue().encode())
