"""Trains the domain classifier behind the offline FID/KID and writes its weights.

    nice python scripts/train_domain_classifier.py --dataset fashion_mnist \
        --out keras_gans/weights/fashion_mnist_classifier.npz

Trains `build_domain_classifier()` on the whole train split (fixed schedule, no model
selection on the test split), then reports the accuracy on the test split and the
sha256 of the written file. Both go into `DOMAIN_CLASSIFIERS` in
`keras_gans/evaluation/extractors.py`, which checks the sha256 at every load.

The weights are stored as a `.npz` of `model.get_weights()` (keys w000, w001, ...),
independent of the h5py version, and loaded into the architecture defined in code.
"""

import argparse
import hashlib
import io
import json
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.evaluation.domain_classifier import build_domain_classifier  # noqa: E402
from keras_gans.io_utils import write_bytes  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help=".npz file to write")
    args = parser.parse_args()

    keras.utils.set_random_seed(args.seed)
    train_images, train_labels = kg.data.load_arrays(args.dataset, "train")
    test_images, test_labels = kg.data.load_arrays(args.dataset, "test")

    def scale(images):
        return images.astype("float32") / 127.5 - 1.0  # the generators' [-1, 1]

    def augment(images, labels):
        # Left-right flips keep a garment's class; a 2 px shift adds robustness.
        images = tf.image.random_flip_left_right(images)
        images = tf.pad(images, [[0, 0], [2, 2], [2, 2], [0, 0]], constant_values=-1.0)
        images = tf.image.random_crop(images, tf.stack([tf.shape(images)[0], 28, 28, 1]))
        return images, labels

    train = (
        tf.data.Dataset.from_tensor_slices((scale(train_images), train_labels))
        .shuffle(len(train_labels), seed=args.seed)
        .batch(args.batch_size)
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )
    steps = args.epochs * int(np.ceil(len(train_labels) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(args.learning_rate, steps)
    model = build_domain_classifier()
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    start = time.time()
    model.fit(train, epochs=args.epochs, verbose=2)
    logits = model.predict(scale(test_images), batch_size=500, verbose=0)
    accuracy = float(np.mean(np.argmax(logits, axis=1) == test_labels))

    buffer = io.BytesIO()
    np.savez(buffer, **{f"w{i:03d}": w for i, w in enumerate(model.get_weights())})
    data = buffer.getvalue()
    write_bytes(args.out, data)
    report = {
        "dataset": args.dataset,
        "file": os.path.basename(args.out),
        "sha256": hashlib.sha256(data).hexdigest(),
        "test_accuracy": round(accuracy, 4),
        "epochs": args.epochs,
        "seed": args.seed,
        "train_seconds": round(time.time() - start),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
