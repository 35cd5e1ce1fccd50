"""The training run: `run` (what `keras-gans train` and every zoo recipe call), and
training that survives being killed (`fit_resumable`, `Backup`).

`run(variant, out_dir, epochs, ...)` owns everything a run needs besides the model's
own arguments: the data of each epoch (its shuffle seeded from the run's seed and
the epoch), building and compiling the model under a distribution strategy and a
precision, schedules over the whole run, resumable backups, the callbacks (sample
grids, TensorBoard, `history.csv`, the checkpoint) and the final export.

`fit_resumable` differs from a plain `model.fit`
with `keras.callbacks.BackupAndRestore` in three ways, each needed for a resumed run to
end with the same weights as an uninterrupted one:

- the backup is written every `every_n_steps` steps (and at each epoch end) and a
  killed run resumes at that step, not at the start of the epoch;
- the data of epoch e is `epoch_dataset(e)`, a pure function of e (the caller seeds
  its shuffle from e), so the resumed run sees the batches the lost one would have;
- the backup holds everything the step depends on: weights, both optimizers' moments
  and iteration counters, the loss scale, the model's step counter (which keys all of
  its random draws) and the state of random layers (`GANModel.save_own_variables`).

Every file is written atomically, and a step with a non-finite loss stops training
before the backup is written, so the last backup is always a good state.
"""

import glob
import json
import os

import keras
import tensorflow as tf

from keras_gans import callbacks as kg_callbacks
from keras_gans import data, distribute, models
from keras_gans.callbacks import NonFiniteGuard, non_finite_variable, state_bytes
from keras_gans.io_utils import (atomic_path, directory_lock, fault_point, remove_if_present,
                                 remove_partial_files, sha256_of, write_bytes, writing)

PROGRESS_FILE = "progress.json"


class Backup(keras.callbacks.Callback):
    """Writes the training state to `directory` every `every_n_steps` steps.

    The state is `state-<step>.weights.h5` (`model.save_weights`) and `progress.json`
    naming it with the epoch and the steps done in that epoch, its sha256 (`restore`
    refuses a file that no longer matches) and the run's settings; the json is replaced
    only after the weights are complete, and older states are deleted after that.
    A state with a NaN or inf weight is not written: `FloatingPointError` instead.

    The last step of an epoch is never backed up on its own: its epoch-end backup
    follows the epoch's end work (sample grid, export, ...), so a run killed in between
    resumes from an earlier step and does that work again, never from a state that
    claims a finished epoch whose end work was lost.

    Args:
        directory: str, the backup directory.
        every_n_steps: int, defaults to 100.
        steps_per_epoch: int or None (default: unknown, every n-th step is backed up).
        settings: dict or None. The run's settings that the training state depends
            on (e.g. `{"precision": "float32"}`), recorded with each state; `restore`
            refuses a backup recorded with other values.
    """

    def __init__(self, directory, every_n_steps=100, steps_per_epoch=None, settings=None):
        super().__init__()
        if not isinstance(every_n_steps, int) or every_n_steps <= 0:
            raise ValueError(f"`every_n_steps` must be a positive int. Received: {every_n_steps!r}")
        self.directory = os.fspath(directory)
        self.every_n_steps = every_n_steps
        self.steps_per_epoch = steps_per_epoch
        self.settings = dict(settings or {})
        self.step_offset = 0  # steps of the current epoch done before this fit() call
        self._epoch = 0

    def progress(self):
        """The contents of the last backup's `progress.json` (a dict), or None."""
        path = os.path.join(self.directory, PROGRESS_FILE)
        if not os.path.exists(path):
            return None
        try:
            with open(path) as file:
                progress = json.load(file)
            int(progress["epoch"]), int(progress["steps_in_epoch"]), str(progress["weights"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(
                f"The backup in {self.directory!r} is unreadable ({error}). Delete the "
                "directory to start over."
            ) from error
        return progress

    def restore(self, model):
        """Loads the last backup into `model`; returns `(epoch, steps_done_in_epoch)`."""
        progress = self.progress()
        if progress is None:
            return 0, 0
        self._check_settings(progress.get("settings", {}))
        weights = os.path.join(self.directory, progress["weights"])
        if "sha256" in progress and os.path.isfile(weights):  # older backups have none
            found = sha256_of(weights)
            if found != progress["sha256"]:
                raise ValueError(
                    f"The backup {weights!r} is damaged: its sha256 is {found}, but "
                    f"{PROGRESS_FILE} recorded {progress['sha256']} when it was written. "
                    "Resuming from it would train on wrong weights. Delete the backup "
                    "directory to start over (checkpoints/last.keras holds the last "
                    "epoch's model)."
                )
        try:
            model.load_weights(weights)
        except Exception as error:  # a foreign or damaged file: say which
            raise ValueError(
                f"Cannot restore the backup {weights!r} into this "
                f"{type(model).__name__}: {error}. It was written by another model or "
                "is damaged; delete the backup directory to start over."
            ) from error
        return int(progress["epoch"]), int(progress["steps_in_epoch"])

    def _check_settings(self, recorded):
        changed = [name for name, value in self.settings.items()
                   if name in recorded and recorded[name] != value]
        if changed:
            was = ", ".join(f"{name}={recorded[name]!r}" for name in changed)
            now = ", ".join(f"{name}={self.settings[name]!r}" for name in changed)
            flags = " ".join(f"--{name.replace('_', '-')} {recorded[name]}" for name in changed)
            raise ValueError(
                f"The backup in {self.directory!r} was written with {was}; this run asks "
                f"for {now}. Resuming would silently change the training state (a new "
                "precision, for one, drops the optimizers' moments). Resume with the "
                f"same setting ({flags}), or use another output directory for a new run."
            )

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        step = int(self.model.step_counter.numpy())
        fault_point("step", step)
        steps_in_epoch = self.step_offset + batch + 1
        if step % self.every_n_steps == 0 and steps_in_epoch != self.steps_per_epoch:
            self.save(self._epoch, steps_in_epoch)

    def on_epoch_end(self, epoch, logs=None):
        self.step_offset = 0
        self.save(epoch + 1, 0)

    def save(self, epoch, steps_in_epoch):
        step = int(self.model.step_counter.numpy())
        # A step's logged loss is computed before its update, so NonFiniteGuard can
        # pass a step whose update made a weight NaN or inf: never back that up.
        bad = non_finite_variable(self.model)
        if bad is not None:
            raise FloatingPointError(
                f"{type(self.model).__name__} diverged: the weight {bad!r} is "
                f"non-finite after step {step}. Training stopped without backing it up; "
                f"the last backup in {self.directory!r} is intact. Try a lower "
                "learning rate."
            )
        name = f"state-{step:010d}.weights.h5"
        path = os.path.join(self.directory, name)
        with writing(path, f"the backup of step {step}", state_bytes(self.model)), \
                atomic_path(path) as temporary:
            self.model.save_weights(temporary)
        progress = {"epoch": epoch, "steps_in_epoch": steps_in_epoch, "weights": name,
                    "sha256": sha256_of(path), "step": step, "settings": self.settings}
        write_bytes(os.path.join(self.directory, PROGRESS_FILE),
                    json.dumps(progress).encode(), f"the backup of step {step}")
        for old in glob.glob(os.path.join(self.directory, "state-*.weights.h5")):
            if os.path.basename(old) != name:
                remove_if_present(old)


def fit_resumable(model, epoch_dataset, epochs, steps_per_epoch, backup_dir,
                  every_n_steps=100, callbacks=(), verbose=1, settings=None):
    """Trains `model` for `epochs`, resuming from `backup_dir` if a backup is there.

    Args:
        model: a compiled `GANModel`.
        epoch_dataset: callable `epoch -> tf.data.Dataset` giving that epoch's batches;
            it must return the same batches for the same epoch.
        epochs: int, the total number of epochs.
        steps_per_epoch: int, the batches of one epoch.
        backup_dir: str, where `Backup` writes.
        every_n_steps: int, defaults to 100. Steps between backups.
        callbacks: further Keras callbacks (sample grids, TensorBoard, ...).
        verbose: Keras's `verbose`.
        settings: dict or None, the run's settings the training state depends on
            (`Backup`): a backup recorded with other values is refused (ValueError).

    Returns:
        dict of every logged metric, one value per epoch trained by this call.
    """
    backup = Backup(backup_dir, every_n_steps=every_n_steps, steps_per_epoch=steps_per_epoch,
                    settings=settings)
    epoch, steps_done = backup.restore(model)
    if epoch >= epochs:
        return {}
    # The guard comes before the backup: a non-finite step is never saved.
    callbacks = [NonFiniteGuard(), *callbacks, backup]
    history = {}
    while epoch < epochs:
        if steps_done >= steps_per_epoch:
            # A backup of an epoch's last step (written by earlier versions before its
            # end work was done): only the end work is left; its losses are unknown.
            _end_epoch(model, callbacks, epoch)
            epoch, steps_done = epoch + 1, 0
            continue
        backup.step_offset = steps_done
        # One fit() per epoch, so each epoch reads its own data from its first
        # unfinished step (Keras would restart a resumed epoch from its first batch).
        result = model.fit(
            epoch_dataset(epoch).skip(steps_done),
            initial_epoch=epoch,
            epochs=epoch + 1,
            steps_per_epoch=steps_per_epoch - steps_done,
            callbacks=callbacks,
            verbose=verbose,
        )
        for name, values in result.history.items():
            history.setdefault(name, []).extend(values)
        epoch, steps_done = epoch + 1, 0
    return history


def _end_epoch(model, callbacks, epoch):
    """Runs `callbacks`' epoch-end work for `epoch` of `model` without a training step."""
    callback_list = keras.callbacks.CallbackList(list(callbacks), model=model)
    callback_list.on_train_begin()
    callback_list.on_epoch_begin(epoch)
    callback_list.on_epoch_end(epoch, {})
    callback_list.on_train_end()


def epoch_seed(seed, epoch):
    """The data seed of epoch `epoch` of a run seeded `seed`: a pure function of both,
    so a resumed run reads exactly the batches the interrupted one would have read."""
    return seed * 1_000_003 + epoch


def run(variant, out_dir, epochs, dataset=None, batch_size=None, seed=0, data_dir=None,
        model_options=None, steps_per_epoch=None, backup_every=100, num_samples=64,
        strategy="auto", precision="float32", callbacks=(), verbose=1, from_preset=None,
        image_size=None):
    """Trains a new `variant` model on `dataset` for `epochs`; resumes a run in `out_dir`.

    Writes under `out_dir`: `samples/epoch_NNNN.png`, `logs/` (TensorBoard: losses and
    sample grids), `history.csv` (every logged value per epoch, and `train_minutes`,
    the run's wall time so far), `backup/` (every
    `backup_every` steps and at each epoch end; running the same call again after a
    crash resumes there, and a larger `epochs` continues the run),
    `checkpoints/last.keras` (after each epoch) and, at the end, `model.keras`.

    Args:
        variant: a model class (e.g. `kg.DCGAN`) or its name (`"dcgan"`).
        out_dir: str, the run's directory.
        epochs: int, the epochs of the whole run.
        dataset: str or None. A `kg.data.load` name or path (for a translator, a
            `kg.data.load_unpaired` name); None: `kg.data.default_dataset(variant)`.
        batch_size: int or None: the variant's `DEFAULT_BATCH_SIZE` (its paper's).
        seed: int, defaults to 0: the model's seed and the data shuffle's.
        data_dir: str or None, where the dataset's files are (`kg.data.load`).
        model_options: dict of further constructor arguments of the variant.
        steps_per_epoch: int or None: every batch of the dataset.
        backup_every: int, defaults to 100. Steps between backups.
        num_samples: int, defaults to 64. Images in each epoch's sample grid.
        strategy: a `tf.distribute.Strategy` or a name of `kg.distribute.STRATEGIES`.
        precision: a name of `kg.distribute.PRECISIONS`, defaults to `"float32"`.
        callbacks: further Keras callbacks; they run before `history.csv` is written,
            so what they add to the logs (e.g. `kg.callbacks.FID`) is recorded.
        verbose: Keras's `verbose`.
        from_preset: str or None. Fine-tuning: start from this preset's networks
            (`variant.from_preset`: fresh optimizers; or a `.keras` file's, with
            the optimizer state it holds) instead of a new model; its image
            shape must be the dataset's. `model_options` then change its configuration
            where they keep the networks' shapes (e.g. add `ema_decay`): the new model
            holds the preset's networks and averages.
        image_size: `(height, width)` or None: resize the images of a folder to it.

    Returns:
        The trained model. A run already trained to `epochs` is not trained again:
        its `model.keras` is loaded and returned, and a message says so.
    """
    variant = models.get(variant) if isinstance(variant, str) else variant
    for name, value in (("epochs", epochs), ("batch_size", batch_size),
                        ("steps_per_epoch", steps_per_epoch), ("backup_every", backup_every),
                        ("num_samples", num_samples)):
        if value is not None and (not isinstance(value, int) or value <= 0):
            raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")
    out_dir = _writable_directory(out_dir)
    finished = _finished_model(out_dir, epochs)
    if finished is not None:
        return finished
    dataset = dataset or data.default_dataset(variant.VARIANT)
    batch_size = batch_size or variant.DEFAULT_BATCH_SIZE

    def epoch_dataset(epoch):
        return data.load_training_data(dataset, variant.INPUTS, batch_size,
                                       seed=epoch_seed(seed, epoch), data_dir=data_dir,
                                       image_size=image_size)

    first = epoch_dataset(0)
    model = _new_model(variant, first, seed, model_options, strategy, precision,
                       from_preset)
    steps_per_epoch = steps_per_epoch or int(first.cardinality())
    if steps_per_epoch <= 0:
        raise ValueError(
            f"Cannot tell how many batches {dataset!r} holds; pass steps_per_epoch= "
            "(--steps-per-epoch)."
        )
    # A schedule over the whole run (CycleGAN's decay to zero) needs its length now:
    # fit_resumable calls fit() once per epoch.
    model.set_total_steps(epochs * steps_per_epoch)
    with directory_lock(out_dir):  # a second run in out_dir is refused
        remove_partial_files(out_dir)  # of a run killed mid-write
        fit_resumable(
            model, epoch_dataset, epochs=epochs, steps_per_epoch=steps_per_epoch,
            backup_dir=os.path.join(out_dir, "backup"), every_n_steps=backup_every,
            callbacks=[*callbacks, *_run_callbacks(out_dir, num_samples)], verbose=verbose,
            settings={"precision": precision, "batch_size": batch_size, "seed": seed,
                      "steps_per_epoch": steps_per_epoch},
        )
        kg_callbacks.export(model, os.path.join(out_dir, "model.keras"), "the trained model")
    return model


def _writable_directory(path):
    path = os.path.abspath(os.fspath(path))
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        raise ValueError(f"Cannot create the output directory {path!r}: {error.strerror}.")
    if not os.access(path, os.W_OK):
        raise ValueError(f"The output directory {path!r} is not writable.")
    return path


def _finished_model(out_dir, epochs):
    """The run's `model.keras` if its backup says it reached `epochs`, else None."""
    progress = Backup(os.path.join(out_dir, "backup")).progress()
    final = os.path.join(out_dir, "model.keras")
    if progress is None or progress["epoch"] < epochs or not os.path.isfile(final):
        return None
    model = keras.saving.load_model(final)
    if int(model.step_counter.numpy()) != progress["step"]:
        # A run stopped after its last backup and before writing model.keras (a longer
        # run cut at an epoch's end): model.keras is older than the backup. Resuming
        # from the backup trains nothing more and writes it.
        return None
    print(f"{out_dir} is already trained to {progress['epoch']} epochs; nothing to do. Ask for "
          f"more epochs (received {epochs}) to continue it.")
    return model


def _new_model(variant, dataset, seed, model_options, strategy, precision, from_preset=None):
    """A compiled `variant` for the images of `dataset`, under `strategy` and `precision`:
    new, or preset `from_preset`'s."""
    # The images are the first tensor of a batch: images, (images, labels) or
    # (images_a, images_b).
    image_shape = tuple(tf.nest.flatten(dataset.element_spec)[0].shape[1:])
    distribute.set_precision(precision)
    if not isinstance(strategy, tf.distribute.Strategy):
        strategy = distribute.get_strategy(strategy)
    print(f"Training {variant.__name__} on {strategy.num_replicas_in_sync} replica(s) "
          f"({type(strategy).__name__.strip('_')}), precision {precision}.")
    with strategy.scope():
        if from_preset is None:
            model = variant(image_shape=image_shape, seed=seed, **(model_options or {}))
            model.compile()
            return model
        model = _start_from(variant, from_preset)
        if tuple(model.image_shape) != image_shape:
            raise ValueError(
                f"The preset {from_preset!r} was trained on images of shape "
                f"{tuple(model.image_shape)} and keeps its networks; the dataset's images "
                f"have shape {image_shape}. Resize the data to the preset's shape "
                "(image_size=, --image-size)."
            )
        if model_options:
            model = _with_options(model, model_options, from_preset)
    return model


def _start_from(variant, from_preset):
    """Preset `from_preset` (a name, a hub address, or a `.keras` file of a run, e.g.
    its `checkpoints/last.keras`) as a compiled `variant`."""
    if not os.path.isfile(from_preset):
        return variant.from_preset(from_preset)
    try:
        model = keras.saving.load_model(from_preset)
    except Exception as error:  # noqa: BLE001 - any unreadable file: say which
        raise ValueError(f"Cannot load {from_preset!r} to start from: {error}") from error
    if not isinstance(model, variant):
        raise ValueError(f"{from_preset!r} holds a {type(model).__name__}, not a "
                         f"{variant.__name__}; train variant {model.VARIANT!r} from it.")
    if not model.compiled:
        model.compile()
    return model


def _with_options(preset, model_options, name):
    """A new compiled model of `preset`'s class and configuration, `model_options`
    changed, holding `preset`'s networks and, where both keep one, their moving
    averages (an average the preset does not ship starts as a copy of its network).
    Its step counter starts at 0, so `ema_start` counts the steps of this run."""
    try:
        model = type(preset).from_config({**preset.get_config(), **model_options})
        for network in preset.NETWORKS:
            getattr(model, network).set_weights(getattr(preset, network).get_weights())
    except ValueError as error:
        raise ValueError(
            f"Model options {model_options} do not fit the networks of the preset "
            f"{name!r} ({error}); from a preset, only options that keep the networks' "
            "shapes apply (e.g. ema_decay, ema_start, learning rates)."
        ) from error
    for network in model.EMA_NETWORKS if model.ema_decay is not None else ():
        kept = preset.ema_decay is not None
        source = getattr(preset, f"{network}_ema" if kept else network)
        getattr(model, f"{network}_ema").set_weights(source.get_weights())
    model.compile()
    return model


def _run_callbacks(out_dir, num_samples):
    return [
        kg_callbacks.SampleGrid(os.path.join(out_dir, "samples"), num_samples=num_samples,
                                log_dir=os.path.join(out_dir, "logs", "samples")),
        keras.callbacks.TensorBoard(os.path.join(out_dir, "logs")),
        kg_callbacks.ModelExport(os.path.join(out_dir, "checkpoints", "last.keras")),
        kg_callbacks.HistoryCSV(os.path.join(out_dir, "history.csv")),
    ]
