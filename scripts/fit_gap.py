"""The idle gap after `fit` on NumPy arrays: seconds from `on_train_end` to `fit`'s return.

    python scripts/fit_gap.py

Six 30-step fits of a small kg.DCGAN on an array (docs/performance.md). Before the
per-batch checks turned arrays into a checked tf.data pipeline (which `fit` gives
autotuning off) the gap reached 1.6 s; with them it stays at milliseconds.
"""

import os
import time

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gans as kg  # noqa: E402

x = np.random.default_rng(0).uniform(-1, 1, (30 * 64, 28, 28, 1)).astype("float32")
model = kg.DCGAN(filters=16, seed=0)
model.compile()


class End(keras.callbacks.Callback):
    def on_train_end(self, logs=None):
        self.t = time.time()


end = End()
gaps = []
for _ in range(6):
    model.fit(x, batch_size=64, epochs=1, verbose=0, callbacks=[end])
    gaps.append(round(time.time() - end.t, 3))
print("gaps after on_train_end (s):", gaps)
