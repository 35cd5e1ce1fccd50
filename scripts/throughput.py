"""Measures training throughput (images/s) of a variant on Fashion-MNIST batches.

    python scripts/throughput.py --variant dcgan --batch-size 128 --steps 50 --repeats 5

One warm-up fit traces the train step; then `--repeats` timed fits of `--steps` steps
each; prints the median and the spread. Images/s counts real images consumed.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras_gans as kg  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", default="dcgan")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    variant = kg.models.get(args.variant)
    data = kg.data.load("fashion_mnist", batch_size=args.batch_size, seed=0,
                        drop_remainder=True, with_labels=variant.CONDITIONAL)
    data = data.take(args.steps).cache()
    model = variant(seed=0)
    model.compile()
    model.fit(data.take(3), epochs=1, verbose=0)  # trace and warm up
    rates = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        model.fit(data, epochs=1, verbose=0)
        rates.append(args.steps * args.batch_size / (time.perf_counter() - start))
    print(f"{args.variant}: batch {args.batch_size}, {args.steps} steps x {args.repeats}: "
          f"median {statistics.median(rates):.0f} images/s "
          f"(min {min(rates):.0f}, max {max(rates):.0f}) on {os.cpu_count()} CPU cores")


if __name__ == "__main__":
    main()
