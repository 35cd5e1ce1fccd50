"""Measures training throughput (images/s) of a variant on Fashion-MNIST batches.

    python scripts/throughput.py --variant dcgan --precision float32,mixed_bfloat16

One model per precision, each warmed up (traced) once; then `--repeats` rounds in which
each model runs `--steps` steps in turn, so background load hits all alike. Prints the
median images/s of each and the ratio to the first. Images/s counts real images
consumed per second (a step consumes one fit batch).
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
    parser.add_argument("--precision", default="float32",
                        help="comma-separated: float32, mixed_float16, mixed_bfloat16")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    variant = kg.models.get(args.variant)
    data = kg.data.load_training_data(kg.data.default_dataset(variant.VARIANT),
                                      variant.INPUTS, args.batch_size, seed=0,
                                      drop_remainder=True)
    data = data.take(args.steps).cache()
    models = {}
    for precision in args.precision.split(","):
        kg.distribute.set_precision(precision)
        model = variant(seed=0)
        model.compile()
        model.fit(data.take(3), epochs=1, verbose=0)  # trace and warm up
        models[precision] = model
    kg.distribute.set_precision("float32")

    rates = {precision: [] for precision in models}
    for _ in range(args.repeats):
        for precision, model in models.items():
            start = time.perf_counter()
            model.fit(data, epochs=1, verbose=0)
            rates[precision].append(args.steps * args.batch_size / (time.perf_counter() - start))
    first = statistics.median(next(iter(rates.values())))
    for precision, values in rates.items():
        median = statistics.median(values)
        print(f"{args.variant} {precision}: batch {args.batch_size}, {args.steps} steps x "
              f"{args.repeats}: median {median:.0f} images/s (min {min(values):.0f}, "
              f"max {max(values):.0f}), {median / first:.2f}x the first, "
              f"{os.cpu_count()} CPU cores")


if __name__ == "__main__":
    main()
