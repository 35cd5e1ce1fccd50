"""Callbacks shared by every variant."""

import os

import keras
import numpy as np

from keras_gans.images import make_grid, encode_png
from keras_gans.io_utils import write_bytes


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
        os.remove(probe)
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
