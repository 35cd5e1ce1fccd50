"""One worker of a 2-process MultiWorkerMirroredStrategy run over 127.0.0.1, or the
1-device reference; used by test_distribute.py. Writes the weights after training.

    TF_CONFIG=... python tests/multiworker_run.py worker OUT.npz
    python tests/multiworker_run.py single OUT.npz
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_gans as kg  # noqa: E402

GLOBAL_BATCH, STEPS = 16, int(os.environ.get("STEPS", 3))


def main(mode, out):
    strategy = kg.distribute.get_strategy("multi_worker" if mode == "worker" else "auto")
    with strategy.scope():
        model = kg.DCGAN(seed=0)
        model.compile(generator_optimizer=keras.optimizers.SGD(0.002),
                      discriminator_optimizer=keras.optimizers.SGD(0.002))
    images, _ = kg.data.load_arrays("fashion_mnist", split="train")
    images = images[: GLOBAL_BATCH * STEPS].astype("float32") / 127.5 - 1
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(GLOBAL_BATCH)
    history = model.fit(dataset, epochs=1, verbose=0)
    np.savez(out, replicas=strategy.num_replicas_in_sync, steps=int(model.step_counter.numpy()),
             iterations=int(model.generator_optimizer.iterations.numpy()),
             loss=np.asarray(history.history["discriminator_loss"][-1]),
             **{f"w{i}": keras.ops.convert_to_numpy(v) for i, v in enumerate(model.weights)})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
