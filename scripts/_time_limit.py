"""A callback the measurement scripts share: stop `fit` after a wall-time budget."""

import time

import keras


class TimeLimit(keras.callbacks.Callback):
    """Stops training after `seconds` of wall time (a shared CPU's safety net).

    `stopped_early` says whether it did, so a script can report it beside its figures.
    """

    def __init__(self, seconds):
        super().__init__()
        self.seconds, self.start, self.stopped_early = seconds, None, False

    def on_train_begin(self, logs=None):
        self.start = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if time.time() - self.start > self.seconds:
            self.model.stop_training = self.stopped_early = True
