"""The machinery every keras-gans variant shares.

A variant (GAN, DCGAN, WGAN, ...) subclasses `GANModel` and writes only what its paper
defines: its default networks, its default optimizers and a `train_step` that reads
like the paper's algorithm box. Everything else lives here, once:

- one optimizer per group of networks (`OPTIMIZERS`), created and built in the
  distribution strategy's scope, loss-scaled under `mixed_float16`, and saved in the
  `.keras` file with their state (`get_compile_config` / `compile_from_config`);
- `apply_update`: one gradient step on a per-example loss, reduced over the *global*
  batch so that the all-reduce SUM of `apply_gradients` yields the mean gradient;
- `sample_latent` / `random_normal` / `random_uniform`: stateless draws keyed on
  (model seed, step counter, replica id, purpose), so every replica draws distinct
  noise, and a resumed run replays exactly the draws it would have made;
- `Mean` trackers for the progress bar's epoch averages;
- `generate(num_samples, seed=...)`;
- input checks that run on the first batch before any training step.
"""

import os
import zlib

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans.distribute import LossScaleOptimizer, replica_rows


class GANModel(keras.Model):
    """Base class of every keras-gans variant. Not used directly.

    Subclasses set the class attributes below, create their networks in `__init__`
    (as attributes named in `NETWORKS`), then call `self._finish_init()`.

    Class attributes:
        NETWORKS: names of the network attributes, e.g. `("generator",
            "discriminator")`. Each is serialized in `get_config`.
        OPTIMIZERS: dict mapping each optimizer name (the keyword of `compile`) to
            the names of the networks whose trainable variables it updates.
        TRACKERS: names of the `Mean` metrics shown on the progress bar.
        LATENT_DISTRIBUTION: `"normal"` (N(0, 1)) or `"uniform"` (U[-1, 1]), the
            paper's prior p(z); None for a model without latent input.
        CONDITIONAL: whether `fit` expects `(images, labels)` batches.

    Args:
        image_shape: tuple `(height, width, channels)` of the images.
        latent_dim: int, dimension of the generator's input z, or None for a model
            without one (an image-to-image translator).
        seed: int or None. Seeds the default networks' initial weights and every
            random draw of training and `generate`. `None` draws a seed at random;
            it is stored in the config, so a saved model continues the same stream.
    """

    NETWORKS = ("generator", "discriminator")
    OPTIMIZERS = {
        "generator_optimizer": ("generator",),
        "discriminator_optimizer": ("discriminator",),
    }
    TRACKERS = ("discriminator_loss", "generator_loss")
    LATENT_DISTRIBUTION = "normal"
    CONDITIONAL = False
    # The batch size of the paper's experiments; what `keras-gans train` uses.
    DEFAULT_BATCH_SIZE = 128

    def __init__(self, image_shape, latent_dim, seed=None, **kwargs):
        super().__init__(**kwargs)
        image_shape = tuple(image_shape)
        if len(image_shape) != 3 or not all(
            isinstance(d, (int, np.integer)) and d > 0 for d in image_shape
        ):
            raise ValueError(
                "`image_shape` must be three positive ints (height, width, channels). "
                f"Received: image_shape={image_shape}"
            )
        # A model without a latent input (LATENT_DISTRIBUTION None, e.g. CycleGAN,
        # which translates images) takes latent_dim=None.
        if not (latent_dim is None and self.LATENT_DISTRIBUTION is None) and (
            not isinstance(latent_dim, (int, np.integer)) or latent_dim <= 0
        ):
            raise ValueError(
                f"`latent_dim` must be a positive int. Received: latent_dim={latent_dim}"
            )
        if seed is None:
            seed = int.from_bytes(os.urandom(4), "little") >> 1
        if not isinstance(seed, (int, np.integer)):
            raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")

        # === Config ===
        self.image_shape = tuple(int(d) for d in image_shape)
        self.latent_dim = None if latent_dim is None else int(latent_dim)
        self.seed = int(seed)

        # === State ===
        # Counts completed train steps; every random draw of a step is keyed on it,
        # and it is saved with the weights, so a restored model replays its noise.
        self.step_counter = self.add_weight(
            name="step_counter",
            shape=(),
            dtype="int64",
            initializer="zeros",
            trainable=False,
            aggregation="only_first_replica",
        )
        self._trackers = {
            name: keras.metrics.Mean(name=name) for name in self.TRACKERS
        }

    def _finish_init(self):
        """Checks the networks a subclass created and marks the model built."""
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
        # Our `call` is the generator; there is no symbolic shape to infer from data.
        self.built = True

    # ------------------------------------------------------------------ networks

    def call(self, inputs, training=False):
        """Runs the generator: `model(z)` is `model.generator(z)`."""
        return self.generator(inputs, training=training)

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
        strategy = self.distribute_strategy
        with strategy.scope():
            defaults = self.default_optimizers()
            for name, networks in self.OPTIMIZERS.items():
                optimizer = optimizers.get(name) or defaults[name]
                if not isinstance(optimizer, keras.optimizers.Optimizer):
                    optimizer = keras.optimizers.get(optimizer)
                if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
                    optimizer = optimizer.inner_optimizer
                if self.dtype_policy.name == "mixed_float16":
                    # compile() only wraps `self.optimizer`; ours are wrapped here, with
                    # the skip-on-overflow decision agreed across replicas.
                    optimizer = LossScaleOptimizer(optimizer, name=f"{name}_loss_scale")
                # Built here, in the strategy's scope: a lazy build inside the replica
                # function fails (keras#23085), and an unbuilt optimizer silently
                # loses its state on restore.
                optimizer.build(self.optimizer_variables(name))
                setattr(self, name, optimizer)
        super().compile(
            optimizer=None, run_eagerly=run_eagerly, jit_compile=jit_compile
        )
        self._compile_args = {"run_eagerly": run_eagerly, "jit_compile": jit_compile}

    def optimizer_variables(self, optimizer_name):
        """The trainable variables that optimizer `optimizer_name` updates."""
        variables = []
        for network in self.OPTIMIZERS[optimizer_name]:
            variables.extend(getattr(self, network).trainable_variables)
        return variables

    def get_compile_config(self):
        if not self.compiled:
            return {}
        config = dict(self._compile_args)
        for name in self.OPTIMIZERS:
            optimizer = getattr(self, name)
            if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
                optimizer = optimizer.inner_optimizer
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
            "latent_dim": self.latent_dim,
            "seed": self.seed,
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
            compile: bool, defaults to True: also restore the optimizers' state.

        Returns:
            An instance of this class (or of a subclass: a DCGAN preset is a GAN).
            A preset of another variant raises `ValueError` naming the right class.

        Example:
        ```python
        model = kg.DCGAN.from_preset("dcgan_fashion_mnist")
        model.generate(16, seed=0).shape  # (16, 28, 28, 1)
        ```
        """
        from keras_gans import presets

        return presets.load(name, expected_class=cls, compile=compile)

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

    # ------------------------------------------------------------------ metrics

    @property
    def metrics(self):
        # Listed here so Keras resets them at each epoch: the bar shows epoch means.
        return list(self._trackers.values())

    def track(self, **values):
        """Updates the named `Mean` trackers and returns every tracker's result."""
        for name, value in values.items():
            self._trackers[name].update_state(value)
        results = {name: tracker.result() for name, tracker in self._trackers.items()}
        if _multi_worker(tf.distribute.get_strategy()):
            # Keras 3.15 reduces multi-worker logs with reduce(MEAN, axis=0), which
            # fails on scalars ("Invalid reduction dimension 0", keras#20585).
            results = {name: ops.reshape(value, (1,)) for name, value in results.items()}
        return results

    # ------------------------------------------------------------------ updates

    @staticmethod
    def num_replicas():
        return tf.distribute.get_strategy().num_replicas_in_sync

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
        """Ends a train step: advances the step counter, returns the tracked means."""
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
        return replica_rows(tf.random.stateless_normal, shape, self._draw_key(purpose))

    def random_uniform(self, shape, purpose, minval=0.0, maxval=1.0):
        """U[minval, maxval) noise of `shape` (batch axis first), as `random_normal`."""

        def draw(full_shape, key):
            return tf.random.stateless_uniform(full_shape, key, minval=minval, maxval=maxval)

        return replica_rows(draw, shape, self._draw_key(purpose))

    def sample_latent(self, batch_size, purpose):
        """A batch of z from the paper's prior (`LATENT_DISTRIBUTION`)."""
        shape = (batch_size, self.latent_dim)
        if self.LATENT_DISTRIBUTION == "uniform":
            return self.random_uniform(shape, purpose, minval=-1.0, maxval=1.0)
        return self.random_normal(shape, purpose)

    # ------------------------------------------------------------------ sampling

    def latent_vectors(self, num_samples, seed):
        """`num_samples` latent vectors, a pure function of `seed`."""
        key = tf.constant([seed, zlib.crc32(b"generate")], dtype=tf.int64)
        shape = (num_samples, self.latent_dim)
        if self.LATENT_DISTRIBUTION == "uniform":
            return tf.random.stateless_uniform(shape, key, minval=-1.0, maxval=1.0)
        return tf.random.stateless_normal(shape, key)

    def generate(self, num_samples, seed=None, batch_size=256):
        """Draws `num_samples` images from the generator.

        Args:
            num_samples: int, how many images.
            seed: int or None. The same seed gives the same latent vectors, hence the
                same images from the same weights. `None` draws fresh vectors.
            batch_size: int, defaults to 256. How many images per generator call.

        Returns:
            float32 numpy array `(num_samples, *image_shape)` in [-1, 1].
        """
        if not isinstance(num_samples, (int, np.integer)) or num_samples <= 0:
            raise ValueError(
                f"`num_samples` must be a positive int. Received: {num_samples!r}"
            )
        if seed is None:
            seed = int.from_bytes(os.urandom(4), "little") >> 1
        return self.run_generator(
            self.latent_vectors(int(num_samples), seed), batch_size=batch_size
        )

    def run_generator(self, *inputs, batch_size=256):
        """Runs the generator in inference mode over `inputs`, batch by batch."""
        total = int(inputs[0].shape[0])
        outputs = []
        for start in range(0, total, batch_size):
            chunk = [x[start : start + batch_size] for x in inputs]
            images = self.generator(chunk if len(chunk) > 1 else chunk[0], training=False)
            outputs.append(ops.convert_to_numpy(ops.cast(images, "float32")))
        return np.clip(np.concatenate(outputs, axis=0), -1.0, 1.0)

    def grid_samples(self, num_samples, seed):
        """The images a sample grid shows; conditional variants arrange them by class."""
        return self.generate(num_samples, seed=seed)

    # ------------------------------------------------------------------ input checks

    def fit(self, x=None, y=None, *args, **kwargs):
        """Keras `fit`, after checking the first batch against what the model expects.

        Bad data (wrong rank, shape, channel count, dtype or range; labels where
        none are expected or missing where needed; an empty dataset) raises a
        `ValueError` before any training step.
        """
        batch_size = kwargs.get("batch_size", args[0] if args else None)
        batch = _first_batch(x, y, batch_size)
        if batch is not None:
            self.check_batch(batch)
        if isinstance(x, tf.data.Dataset):
            # A dataset is shuffled by its pipeline; Keras warns if asked to again.
            kwargs.setdefault("shuffle", False)
        return super().fit(x, y, *args, **kwargs)

    def check_batch(self, batch):
        """Raises `ValueError` if `batch` (numpy structure) does not suit this model."""
        name = type(self).__name__
        if isinstance(batch, (tuple, list)):
            if len(batch) == 1:
                batch = batch[0]
            else:
                raise ValueError(
                    f"{name} is unconditional and trains on images alone, but the "
                    f"dataset yields {len(batch)} tensors per batch (shapes "
                    f"{[np.shape(b) for b in batch]}), e.g. (images, labels). Drop the "
                    "labels: kg.data.load(..., with_labels=False) or "
                    "dataset.map(lambda images, labels: images); for class-conditional "
                    "training use kg.CGAN."
                )
        self.check_images(batch)

    def check_images(self, images, what="images"):
        """Raises `ValueError` unless `images` is a float batch of `image_shape` in [-1, 1]."""
        name = type(self).__name__
        images = np.asarray(images)
        expected = (None,) + self.image_shape
        if images.ndim != 4:
            raise ValueError(
                f"{name} expects {what} of rank 4 (batch, height, width, channels) = "
                f"{expected}; received shape {images.shape} (rank {images.ndim}). "
                + (
                    "That is one image: batch the dataset, e.g. dataset.batch(128)."
                    if images.shape == self.image_shape
                    else "Add a channel axis, e.g. images[..., None]."
                    if images.ndim == 3
                    else ""
                )
            )
        if images.shape[0] == 0:
            raise ValueError(f"{name} received an empty batch of {what}.")
        if images.shape[0] == 1 and self._uses_batch_norm():
            raise ValueError(
                f"{name} received a batch of one image, but its networks use batch "
                "normalization, whose batch statistics are undefined (zero variance) "
                "for a single example. Use a larger batch_size."
            )
        if tuple(images.shape[1:]) != self.image_shape:
            detail = (
                f"channel count {images.shape[-1]}, but the model was built for "
                f"{self.image_shape[-1]}"
                if images.shape[1:3] == self.image_shape[:2]
                else f"image size {images.shape[1:3]}, but the model was built for "
                f"{self.image_shape[:2]}"
            )
            raise ValueError(
                f"{name} was built for {what} of shape {expected}; received "
                f"{images.shape[1:]} ({detail}). Build the model with "
                f"image_shape={tuple(images.shape[1:])} or resize the data."
            )
        if not np.issubdtype(images.dtype, np.floating):
            raise ValueError(
                f"{name} expects float {what} scaled to [-1, 1]; received dtype "
                f"{images.dtype} with values in [{images.min()}, {images.max()}]. "
                "Scale them, e.g. images.astype('float32') / 127.5 - 1, or load them "
                "with kg.data.load / kg.data.from_arrays."
            )
        if not np.all(np.isfinite(images)):
            raise ValueError(f"{name} received {what} containing NaN or inf values.")
        low, high = float(images.min()), float(images.max())
        if low < -1.0 - 1e-3 or high > 1.0 + 1e-3:
            hint = (
                "They look like [0, 255] data: use images / 127.5 - 1."
                if high > 1.5
                else "Scale them to [-1, 1]."
            )
            raise ValueError(
                f"{name} expects {what} scaled to [-1, 1]; received values in "
                f"[{low:g}, {high:g}]. {hint}"
            )
        if images.size >= 1000 and low >= 0.0:
            raise ValueError(
                f"{name} expects {what} scaled to [-1, 1]; this batch lies in "
                f"[{low:g}, {high:g}], which looks like [0, 1] data (the generator's "
                "tanh output covers [-1, 1]). Use images * 2 - 1."
            )


def _multi_worker(strategy):
    extended = strategy.extended
    return bool(getattr(extended, "_in_multi_worker_mode", lambda: False)())


def _first_batch(x, y, batch_size=None):
    """The first batch `fit` would see, as numpy, or None if it cannot be peeked.

    For arrays that is the first `batch_size` rows (Keras's default: 32).
    """
    if isinstance(x, tf.data.Dataset):
        for element in x.take(1):
            return tf.nest.map_structure(lambda t: t.numpy(), element)
        raise ValueError(
            "The dataset is empty: it yielded no batch. Check the source directory, "
            "the split and any filter() in the pipeline."
        )
    if isinstance(x, keras.utils.PyDataset):
        if len(x) == 0:
            raise ValueError("The PyDataset is empty: len(dataset) == 0.")
        return x[0]
    if isinstance(x, (np.ndarray, tf.Tensor)):
        if len(x) == 0:
            raise ValueError("fit() received an empty array of images.")
        rows = batch_size or 32
        head = np.asarray(x[:rows])
        return head if y is None else (head, np.asarray(y[:rows]))
    return None
