"""The machinery every keras-gans model shares: `AdversarialModel`.

A variant writes only what its paper defines: its default networks, its default
optimizers and a `train_step` that reads like the paper's algorithm box. What every
adversarial model needs lives here, once:

- one optimizer per group of networks (`OPTIMIZERS`), created and built in the
  distribution strategy's scope, loss-scaled under `mixed_float16`, and saved in the
  `.keras` file with their state (`get_compile_config` / `compile_from_config`);
- `apply_update`: one gradient step on a per-example loss, reduced over the *global*
  batch so that the all-reduce SUM of `apply_gradients` yields the mean gradient;
- `random_normal` / `random_uniform`: stateless draws keyed on (model seed, step
  counter, replica id, purpose), so every replica draws distinct noise, and a resumed
  run replays exactly the draws it would have made;
- `Mean` trackers for the progress bar's epoch averages;
- learning-rate schedules that span the whole training (`set_total_steps`);
- `fit`, which checks the first batch before any training step.

Two kinds of model build on it, each declaring what it can do: `GANModel`
(`generative.py`: generates images from a latent prior) and `Translator`
(`translator.py`: translates images between two domains).
"""

import zlib

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import distribute
from keras_gans.data.pipeline import without_autotune
from keras_gans.models import checks, ema, inference, stabilisers
from keras_gans.models.checks import check_image_shape, check_seed
from keras_gans.models.schedules import steps_per_epoch


class AdversarialModel(stabilisers.StabiliserOptions, keras.Model):
    """Base class of every keras-gans model. Not used directly.

    A subclass sets the class attributes below and, in `__init__`, reads its arguments
    in order: checks them (`check_image_shape`, `check_seed`: a seed of None is drawn
    once there, because the default networks' initial weights derive from it), builds
    the default networks it was not given (before `super().__init__` when its base
    class takes the networks as arguments, as `GAN` and `CriticGAN` do), calls
    `super().__init__`, sets its own config, and the class that sets the networks (as
    attributes named in `NETWORKS`) ends with `self._finish_init()`. Nothing in a base
    class calls back into a subclass during `__init__`.

    Class attributes:
        VARIANT: the name of the variant (`"dcgan"`), as `keras-gans train` and the
            presets know it.
        NETWORKS: names of the network attributes, e.g. `("generator",
            "discriminator")`. Each is serialized in `get_config`.
        OPTIMIZERS: dict mapping each optimizer name (the keyword of `compile`) to
            the names of the networks whose trainable variables it updates.
        TRACKERS: names of the `Mean` metrics shown on the progress bar.
        INPUTS: what a `fit()` batch holds, a name of `kg.data.TRAINING_INPUTS`:
            `"images"`, `"images_and_labels"` or `"unpaired_images"`.
        DEFAULT_BATCH_SIZE: the batch size of the paper's experiments.
        EMA_NETWORKS: the networks that `ema_decay=` averages (those that generate,
            encode or translate).
        DISCRIMINATORS, LOSSES, LOSS: see `kg.models.stabilisers.StabiliserOptions`.

    Args:
        image_shape: tuple `(height, width, channels)` of the images.
        seed: int or None. Seeds the default networks' initial weights and every
            random draw of training. `None` draws a seed at random; it is stored in
            the config, so a saved model continues the same stream.
        ema_decay: float in (0, 1) or None (default: off; no paper of the zoo uses
            it). Keeps an exponential moving average of each network of
            `EMA_NETWORKS` (`<name>_ema`, see `kg.models.ema`), updated after every
            generator update; `generate`, `translate`, `encode` and the callbacks
            then use the averages (`use_ema=False` gives the trained networks).
        ema_start: int, defaults to 0. Train steps before the average starts: until
            then it copies the network (the warm-up).
        loss, real_label, discriminator_normalization: the stabilisers of the
            literature, written once for every variant: see
            `kg.models.stabilisers.StabiliserOptions`.
    """

    VARIANT = None
    NETWORKS = ()
    OPTIMIZERS = {}
    TRACKERS = ()
    INPUTS = "images"
    CONDITIONAL = False
    DEFAULT_BATCH_SIZE = 128
    EMA_NETWORKS = ()

    def __init__(self, image_shape, seed=None, ema_decay=None, ema_start=0, loss=None,
                 real_label=1.0, discriminator_normalization=None, **kwargs):
        super().__init__(**kwargs)
        if ema_decay is not None and not (
            isinstance(ema_decay, (float, np.floating)) and 0.0 < ema_decay < 1.0
        ):
            raise ValueError(
                f"`ema_decay` must be a float in (0, 1), e.g. 0.999, or None (no "
                f"average). Received: ema_decay={ema_decay!r}"
            )
        if not isinstance(ema_start, (int, np.integer)) or ema_start < 0:
            raise ValueError(f"`ema_start` must be an int >= 0. Received: ema_start={ema_start!r}")
        # === Config ===
        self.image_shape = check_image_shape(image_shape)
        self.seed = check_seed(seed)
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        self.ema_start = int(ema_start)
        self.set_stabilisers(loss, real_label, discriminator_normalization)

        # === State ===
        # Counts completed train steps; every random draw of a step is keyed on it,
        # and it is saved with the weights, so a restored model replays its noise.
        self.step_counter = self.add_weight(
            name="step_counter", shape=(), dtype="int64", initializer="zeros",
            trainable=False, aggregation="only_first_replica",
        )
        self._trackers = {name: keras.metrics.Mean(name=name) for name in self.TRACKERS}

    def _finish_init(self):
        """Checks the networks the subclass created and marks the model built."""
        for name in self.NETWORKS:
            network = getattr(self, name, None)
            if not isinstance(network, keras.Model):
                raise ValueError(
                    f"`{name}` must be a keras.Model. Received: {name}={network!r}"
                )
            if not network.built:
                raise ValueError(
                    f"`{name}` must be built (a Functional or Sequential model with an "
                    f"Input, or a subclassed model called once) so its variables exist "
                    f"before compile(). Received an unbuilt {type(network).__name__}."
                )
        if self.ema_decay is not None:
            for name in self.EMA_NETWORKS:
                setattr(self, f"{name}_ema", ema.average_of(getattr(self, name)))
        # There is no symbolic shape to infer from data: the networks are built.
        self.built = True

    def inference_network(self, name, use_ema=True):
        """Network `name`, or its moving average when there is one and `use_ema`."""
        if use_ema and self.ema_decay is not None and name in self.EMA_NETWORKS:
            return getattr(self, f"{name}_ema")
        return getattr(self, name)

    def update_averages(self):
        """Moves each `<name>_ema` towards its network (no-op without `ema_decay`)."""
        if self.ema_decay is None:
            return
        decay = ops.where(self.step_counter.value >= self.ema_start, self.ema_decay, 0.0)
        decay = ops.cast(decay, "float32")
        for name in self.EMA_NETWORKS:
            ema.update_average(getattr(self, f"{name}_ema"), getattr(self, name), decay)

    def default_optimizer(self):
        """A new optimizer with the paper's settings (every network gets its own)."""
        raise NotImplementedError

    def default_optimizers(self):
        """`{optimizer_name: optimizer}` with the paper's settings, one per name.

        Override this instead of `default_optimizer` if the networks' optimizers differ.
        """
        return {name: self.default_optimizer() for name in self.OPTIMIZERS}

    # ------------------------------------------------------------------ compile

    def compile(self, run_eagerly=False, jit_compile="auto", **optimizers):
        """Configures the optimizers; those not given take the paper's settings.

        Args:
            run_eagerly: bool, defaults to `False`. Run the train step eagerly (debug).
            jit_compile: bool or `"auto"` (default). `"auto"` turns XLA off on CPU and
                under a distribution strategy, where it does not help.
            **optimizers: one `keras.optimizers.Optimizer` per name in
                `OPTIMIZERS`, e.g. `generator_optimizer=`, `discriminator_optimizer=`.
        """
        unknown = sorted(set(optimizers) - set(self.OPTIMIZERS))
        if unknown:
            raise ValueError(
                f"Unknown argument(s) to {type(self).__name__}.compile(): {unknown}. "
                f"Expected optimizers: {list(self.OPTIMIZERS)} (plus run_eagerly, "
                "jit_compile)."
            )
        with self.distribute_strategy.scope():
            defaults = self.default_optimizers()
            for name in self.OPTIMIZERS:
                optimizer = optimizers.get(name) or defaults[name]
                setattr(self, name, self._prepare_optimizer(name, optimizer))
        super().compile(optimizer=None, run_eagerly=run_eagerly, jit_compile=jit_compile)
        self._compile_args = {"run_eagerly": run_eagerly, "jit_compile": jit_compile}

    def _prepare_optimizer(self, name, optimizer):
        if not isinstance(optimizer, keras.optimizers.Optimizer):
            optimizer = keras.optimizers.get(optimizer)
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            optimizer = optimizer.inner_optimizer
        if self.dtype_policy.name == "mixed_float16":
            # compile() only wraps `self.optimizer`; ours are wrapped here, with the
            # skip-on-overflow decision agreed across replicas.
            optimizer = distribute.LossScaleOptimizer(optimizer, name=f"{name}_loss_scale")
        # Built here, in the strategy's scope: a lazy build inside the replica function
        # fails (keras#23085), and an unbuilt optimizer silently loses its state on
        # restore.
        optimizer.build(self.optimizer_variables(name))
        return optimizer

    def optimizer_variables(self, optimizer_name):
        """The trainable variables that optimizer `optimizer_name` updates."""
        variables = []
        for network in self.OPTIMIZERS[optimizer_name]:
            variables.extend(getattr(self, network).trainable_variables)
        return variables

    def inner_optimizers(self):
        """`{name: optimizer}` with any loss-scaling wrapper removed."""
        result = {}
        for name in self.OPTIMIZERS:
            optimizer = getattr(self, name)
            if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
                optimizer = optimizer.inner_optimizer
            result[name] = optimizer
        return result

    def get_compile_config(self):
        if not self.compiled:
            return {}
        config = dict(self._compile_args)
        for name, optimizer in self.inner_optimizers().items():
            config[name] = keras.saving.serialize_keras_object(optimizer)
        return config

    def compile_from_config(self, config):
        config = dict(config)
        for name in self.OPTIMIZERS:
            if name in config:
                config[name] = keras.saving.deserialize_keras_object(config[name])
        # compile() builds every optimizer, so the saved moments load into them.
        self.compile(**config)

    # ------------------------------------------------------------------ config

    def get_config(self):
        """The constructor arguments, networks included, so `.keras` files load back."""
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "image_shape": self.image_shape,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            "ema_start": self.ema_start,
            **self.stabiliser_config(),
        }
        for name in self.NETWORKS:
            config[name] = keras.saving.serialize_keras_object(getattr(self, name))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in cls.NETWORKS:
            if isinstance(config.get(name), dict):
                config[name] = keras.saving.deserialize_keras_object(config[name])
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = keras.dtype_policies.deserialize(config["dtype"])
        return cls(**config)

    @classmethod
    def from_preset(cls, name, compile=True):
        """Loads the pretrained preset `name` (see `kg.presets.list()`).

        The weights come from the user's cache, the package or the preset's URL, their
        sha256 checked first (`keras_gans/presets/loader.py`).

        Args:
            name: str, a preset name, e.g. `"dcgan_fashion_mnist"`.
            compile: bool, defaults to True: also restore (or, for a preset shipped
                without optimizer state, create) the optimizers.

        Returns:
            An instance of this class (or of a subclass: a DCGAN preset is a GAN).
            A preset of another variant raises `ValueError` naming the right class.

        Example:
        ```python
        model = kg.DCGAN.from_preset("dcgan_fashion_mnist")
        model.generate(16, seed=0).shape  # (16, 28, 28, 1)
        ```
        """
        # The presets never import the models (they find a preset's class in Keras's
        # registry of serializable classes), so this import makes no circle.
        from keras_gans.presets import loader

        return loader.load(name, expected_class=cls, compile=compile)

    def _uses_batch_norm(self):
        return any(
            isinstance(layer, keras.layers.BatchNormalization)
            for name in self.NETWORKS
            for layer in getattr(self, name)._flatten_layers(include_self=False)
        )

    # ------------------------------------------------------------------ saving

    def _random_states(self):
        """The states of the `SeedGenerator`s inside the networks (e.g. Dropout's)."""
        states = []
        for name in self.NETWORKS:
            for layer in getattr(self, name)._flatten_layers(include_self=True):
                states.extend(generator.state for generator in layer._seed_generators)
        return states

    def save_own_variables(self, store):
        # Keras does not save SeedGenerator states (a Dropout's mask stream), so a
        # restored model would draw different masks than the run it continues.
        super().save_own_variables(store)
        for index, state in enumerate(self._random_states()):
            store[f"random_state_{index}"] = ops.convert_to_numpy(state)

    def load_own_variables(self, store):
        own = {key: store[key] for key in store.keys() if not key.startswith("random_state_")}
        super().load_own_variables(own)
        for index, state in enumerate(self._random_states()):
            key = f"random_state_{index}"
            if key in store.keys():
                state.assign(store[key])

    # ------------------------------------------------------------------ updates

    @property
    def metrics(self):
        # Listed here so Keras resets them at each epoch: the bar shows epoch means.
        return list(self._trackers.values())

    def track(self, **values):
        """Updates the named `Mean` trackers and returns every tracker's result."""
        for name, value in values.items():
            self._trackers[name].update_state(value)
        return distribute.loggable(
            {name: tracker.result() for name, tracker in self._trackers.items()}
        )

    @staticmethod
    def num_replicas():
        return distribute.num_replicas()

    def apply_update(self, optimizer_name, loss_fn, tape=None):
        """One gradient step of optimizer `optimizer_name` on `loss_fn()`.

        Args:
            optimizer_name: a key of `OPTIMIZERS`.
            loss_fn: callable returning per-example losses of shape `(batch,)` for
                this replica's batch; it runs under the gradient tape.
            tape: optional `tf.GradientTape` (not persistent, not recording) that
                already recorded the start of the loss's computation, e.g. a
                generator pass shared with an earlier update; `loss_fn()` is
                recorded on it too. Defaults to a new tape.

        Returns:
            The mean loss over this replica's batch (for the trackers).
        """
        optimizer = getattr(self, optimizer_name)
        variables = self.optimizer_variables(optimizer_name)
        if tape is None:
            tape = tf.GradientTape()
        with tape:
            per_example_loss = loss_fn()
            # Each replica contributes sum / global batch; apply_gradients all-reduces
            # with SUM, which yields the gradient of the mean over the global batch.
            local_batch = ops.cast(ops.shape(per_example_loss)[0], "float32")
            loss = ops.sum(per_example_loss) / (local_batch * self.num_replicas())
            scaled_loss = optimizer.scale_loss(loss)
        gradients = tape.gradient(scaled_loss, variables)
        optimizer.apply_gradients(zip(gradients, variables))
        return ops.mean(per_example_loss)

    def finish_step(self, **values):
        """Ends a train step: updates the moving averages (every step has one generator
        update, so this follows it), advances the step counter, returns the means."""
        self.update_averages()
        self.step_counter.assign_add(1)
        return self.track(**values)

    # ------------------------------------------------------------------ randomness

    def _draw_key(self, purpose):
        """A stateless seed unique to (model seed, train step, purpose)."""
        key = tf.constant([self.seed, zlib.crc32(purpose.encode())], dtype=tf.int64)
        return tf.random.experimental.stateless_fold_in(key, self.step_counter.value)

    def random_normal(self, shape, purpose):
        """N(0, 1) noise of `shape` (batch axis first) for this step and replica.

        `purpose` names the draw ("generator_step", "critic_step_3", ...): draws with
        different purposes are independent. Replicas get distinct rows of one global
        draw (`kg.distribute.replica_rows`).
        """
        return distribute.replica_rows(tf.random.stateless_normal, shape, self._draw_key(purpose))

    def random_uniform(self, shape, purpose, minval=0.0, maxval=1.0):
        """U[minval, maxval) noise of `shape` (batch axis first), as `random_normal`."""

        def draw(full_shape, key):
            return tf.random.stateless_uniform(full_shape, key, minval=minval, maxval=maxval)

        return distribute.replica_rows(draw, shape, self._draw_key(purpose))

    # ------------------------------------------------------------------ schedules

    def run_schedules(self):
        """The learning-rate schedules that span the whole run: those with a
        `total_steps` (e.g. CycleGAN's `ConstantThenLinearDecay`)."""
        if not self.compiled:
            return []
        return [
            optimizer._learning_rate for optimizer in self.inner_optimizers().values()
            if hasattr(optimizer._learning_rate, "total_steps")
        ]

    def _open_schedules(self):
        return [schedule for schedule in self.run_schedules() if schedule.total_steps is None]

    def set_total_steps(self, total_steps):
        """Gives every schedule still without one its `total_steps` (e.g. CycleGAN's decay).

        `fit` does this from its own epochs x steps; call it first when a training
        run spans several `fit` calls (as `kg.training.run` does, one per epoch).
        Call before the first step: the value is fixed when the step is traced.
        Returns the schedules it set.
        """
        updated = self._open_schedules()
        for schedule in updated:
            schedule.total_steps = int(total_steps)
        return updated

    # ------------------------------------------------------------------ fit

    def fit(self, x=None, y=None, batch_size=None, epochs=1, **kwargs):
        """Keras `fit`, after checking the first batch against what the model expects.

        Bad data (wrong rank, shape, channel count, dtype or range; labels where
        none are expected or missing where needed; an empty dataset) raises a
        `ValueError` before any training step; every later batch (`tf.data`, arrays,
        `PyDataset`) before a train step gets it (`checks.every_batch_checked`). A
        schedule that needs the length of training gets `epochs` x steps per epoch.
        Autotuning is off unless the dataset's options say (`without_autotune`: with
        it, `fit` idled up to seconds at its end and between epochs).
        """
        batch = checks.first_batch(x, y, batch_size)
        if batch is not None:
            self.check_batch(batch)
            self.on_first_batch(batch)
        x, y, batch_size = checks.every_batch_checked(x, y, batch_size, kwargs,
                                                      self.check_batch)
        if isinstance(x, tf.data.Dataset):  # arrays too: every_batch_checked made one
            x = without_autotune(x)
        set_schedules = []
        if self._open_schedules():
            steps = steps_per_epoch(x, batch_size, kwargs.get("steps_per_epoch"))
            set_schedules = self.set_total_steps(epochs * steps)
        try:
            return super().fit(x, y, batch_size=batch_size, epochs=epochs, **kwargs)
        except Exception as error:
            for schedule in set_schedules:  # the next fit sets it again
                schedule.total_steps = None
            refused = checks.refused_batch(error)
            if refused is not None:
                raise refused from None
            raise

    def make_train_function(self, force=False):
        # Keras's, on a step that waits for its batch: a refused batch changes nothing.
        self.train_step = distribute.waiting_for_its_batch(self.train_step)
        try:
            return super().make_train_function(force)
        finally:
            del self.train_step

    def on_first_batch(self, batch):
        """Called by `fit` with its first (checked) batch; a hook for subclasses."""

    def check_batch(self, batch):
        """Raises `ValueError` if `batch` (numpy structure) does not suit this model."""
        self.check_images(checks.images_alone(batch, type(self).__name__))

    def check_images(self, images, what="images"):
        """Raises `ValueError` unless `images` is a float batch of `image_shape` in [-1, 1]."""
        checks.check_images(
            images, self.image_shape, type(self).__name__, what=what,
            uses_batch_norm=self._uses_batch_norm(),
        )

    # ------------------------------------------------------------------ inference

    # `network(inputs)` in inference mode, in chunks, as numpy (`kg.models.inference`).
    run_in_batches = staticmethod(inference.run_in_batches)

    def grid_samples(self, num_samples, seed):
        """The images a sample grid shows (`kg.callbacks.SampleGrid`)."""
        raise NotImplementedError
