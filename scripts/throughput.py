"""Throughput (images/s) of training, of `generate` and of `Evaluator.evaluate`.

    python scripts/throughput.py --variant dcgan --precision float32,mixed_bfloat16
    python scripts/throughput.py --sampling --variant dcgan,cgan --num-samples 10000

Training: one model per precision, each warmed up (traced) once; then `--repeats` rounds
in which each model runs `--steps` steps in turn, so background load hits all alike.
Prints the median images/s of each and the ratio to the first. Images/s counts real
images consumed per second (a step consumes one fit batch). (`scripts/benchmark.py`
compares the train steps with references and PyTorch.)

Sampling (`--sampling`, also `benchmark.py --sections sampling`): per variant and
precision, an untrained model (speed does not depend on the weights): images/s of
`model.generate(--num-samples)` at its default batch of 256, and of
`kg.evaluation.Evaluator("fashion_mnist").evaluate(model, --num-samples)` at its default
chunk of 500 (generation, quantization, the domain classifier's features, FID, KID, IS;
float32 and mixed_bfloat16 change only the generator's precision), medians of
`--repeats` runs after a warm-up; the reference statistics are computed (or read from the
cache) before any timing. CycleGAN does not `generate`: left out.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras_gans as kg  # noqa: E402


def timed_rates(run, images, repeats):
    """Images/s of `repeats` calls of `run(seed)`, after one warm-up call."""
    run(-1)
    rates = []
    for seed in range(repeats):
        start = time.perf_counter()
        run(seed)
        rates.append(images / (time.perf_counter() - start))
    return rates


def sampling(variant_names, precisions, num_samples, repeats, evaluated=("dcgan",),
             log=print):
    """Images/s of `generate` per variant and precision, and of `Evaluator.evaluate` for
    the `evaluated` variants (its classifier's cost is the same for all)."""
    evaluator = None
    if set(evaluated) & set(variant_names):  # its reference statistics take a while
        evaluator = kg.evaluation.Evaluator("fashion_mnist", split="test")
    rows = []
    for name in variant_names:
        variant = kg.models.get(name)
        if not hasattr(variant, "generate"):
            continue
        for precision in precisions:
            kg.distribute.set_precision(precision)
            try:
                model = variant(seed=0)
            finally:
                kg.distribute.set_precision("float32")
            calls = {"generate": lambda seed: model.generate(num_samples, seed=seed)}
            if name in evaluated:
                calls["evaluate"] = lambda seed: evaluator.evaluate(model, num_samples, seed)
            for call, run in calls.items():
                rates = timed_rates(run, num_samples, repeats)
                rows.append({"section": "sampling", "variant": name, "precision": precision,
                             "call": call, "num_samples": num_samples,
                             "images_per_s": statistics.median(rates), "rates": rates})
                log(f"{name:8s} {precision:14s} {call:8s} {num_samples} images: "
                    f"{rows[-1]['images_per_s']:7.0f} img/s (runs {min(rates):.0f}-"
                    f"{max(rates):.0f}); load {os.getloadavg()[0]:.2f}")
    return rows


def training(args):
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", default="dcgan",
                        help="training: one variant; --sampling: comma-separated")
    parser.add_argument("--precision", default="float32",
                        help="comma-separated: float32, mixed_float16, mixed_bfloat16")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sampling", action="store_true",
                        help="time generate and Evaluator.evaluate instead of training")
    parser.add_argument("--num-samples", type=int, default=10000,
                        help="--sampling: images per call")
    args = parser.parse_args()
    if args.sampling:
        sampling(args.variant.split(","), args.precision.split(","), args.num_samples,
                 args.repeats)
    else:
        training(args)


if __name__ == "__main__":
    main()
