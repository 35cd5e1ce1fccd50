"""The floor of a metric: real training images against the reference split.

    python scripts/fid_floor.py --dataset fashion_mnist --num 10000

Draws `--num` training images (a seeded random subset, without replacement) and
compares them with the whole test split through the same extractor, preprocessing
and formulas a generator is measured with. A generator that reproduced the training
distribution exactly would score about this; it is the floor every preset is
measured against.
"""

import argparse
import json
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import keras_gans as kg  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--split", default="test", help="the reference split")
    parser.add_argument("--num", type=int, default=10000, help="training images")
    parser.add_argument("--extractor", default="auto")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    start = time.time()
    evaluator = kg.evaluation.Evaluator(args.dataset, split=args.split,
                                        extractor=args.extractor)
    images, _ = kg.data.load_arrays(args.dataset, "train")
    chosen = np.sort(np.random.default_rng(args.seed).permutation(len(images))[: args.num])
    results = evaluator.evaluate_images(images[chosen])
    results.update(
        dataset=args.dataset,
        reference_split=args.split,
        reference_images=evaluator.reference.statistics.count,
        extractor=evaluator.extractor.name,
        extractor_fingerprint=evaluator.extractor.fingerprint()[:12],
        seconds=round(time.time() - start, 1),
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
