"""Compares the stabilisers on kg.DCGAN's networks: {BN (paper), SN, GN} x {non-saturating, hinge}.

    python scripts/compare_stabilisers.py --epochs 5 --seeds 0 1 --out runs/compare_stabilisers

Each configuration trains the same kg.DCGAN (same seed, data order and epochs) with
`discriminator_normalization=` None (the paper's batch norm), "spectral" or
"gradient" and `loss=` "non_saturating" or "hinge", then measures the domain FID of
10,000 samples against the 10,000 test images (`kg.evaluation.Evaluator`). Writes
`results.json` and `table.md` (a markdown table, one row per configuration, one
column per seed) under `--out`, and each run's `model.keras` in its own folder.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import keras_gans as kg  # noqa: E402
from _time_limit import TimeLimit  # noqa: E402

NORMALIZATIONS = {"BN (paper)": None, "SN": "spectral", "GN": "gradient"}
LOSSES = ("non_saturating", "hinge")


def train_and_measure(normalization, loss, seed, args, evaluator):
    """Trains one configuration; returns its row of results."""
    train = kg.data.load("fashion_mnist", batch_size=args.batch_size, seed=seed,
                         drop_remainder=True)
    if args.steps_per_epoch:
        train = train.take(args.steps_per_epoch)
    model = kg.DCGAN(image_shape=(28, 28, 1), filters=args.filters, seed=seed, loss=loss,
                     discriminator_normalization=normalization)
    model.compile()
    limit = TimeLimit(args.time_limit)
    start = time.time()
    history = model.fit(train, epochs=args.epochs, callbacks=[limit], verbose=2)
    seconds = time.time() - start
    folder = os.path.join(args.out, f"{normalization or 'bn'}_{loss}_seed{seed}")
    os.makedirs(folder, exist_ok=True)
    model.save(os.path.join(folder, "model.keras"))
    metrics = evaluator.evaluate(model, num_samples=args.num_samples, seed=0)
    return {
        "normalization": normalization, "loss": loss, "seed": seed,
        "steps": int(model.step_counter.numpy()), "train_seconds": round(seconds, 1),
        "stopped_by_time_limit": limit.stopped_early, "fid": metrics["fid"],
        "final_logs": {k: float(v[-1]) for k, v in history.history.items()},
    }


def markdown_table(results, seeds):
    """One row per configuration, the domain FID of each seed and their mean."""
    header = ("| D normalization | loss | " + " | ".join(f"FID seed {s}" for s in seeds)
              + " | mean |")
    lines = [header, "|" + "---|" * (len(seeds) + 3)]
    for label, normalization in NORMALIZATIONS.items():
        for loss in LOSSES:
            fids = [r["fid"] for r in results
                    if r["normalization"] == normalization and r["loss"] == loss]
            cells = " | ".join(f"{fid:.1f}" for fid in fids)
            lines.append(f"| {label} | {loss} | {cells} | {np.mean(fids):.1f} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/compare_stabilisers")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--steps-per-epoch", type=int, default=None,
                        help="cut each epoch short (smoke tests)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--filters", type=int, default=64)
    parser.add_argument("--num-samples", type=int, default=10_000)
    parser.add_argument("--time-limit", type=float, default=60 * 60,
                        help="seconds per configuration")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    evaluator = kg.evaluation.Evaluator("fashion_mnist")
    path = os.path.join(args.out, "results.json")
    results = []
    if os.path.exists(path):  # a re-run keeps the configurations already measured
        with open(path) as file:
            saved = json.load(file)
        if saved["arguments"]["epochs"] == args.epochs:
            results = saved["results"]
    for normalization in NORMALIZATIONS.values():
        for loss in LOSSES:
            for seed in args.seeds:
                if any(r["normalization"] == normalization and r["loss"] == loss
                       and r["seed"] == seed for r in results):
                    continue
                results.append(train_and_measure(normalization, loss, seed, args, evaluator))
                kg.io_utils.write_bytes(path, json.dumps(
                    {"arguments": vars(args), "results": results}, indent=2).encode())
    table = markdown_table(results, args.seeds)
    with open(os.path.join(args.out, "table.md"), "w") as file:
        file.write(table)
    print(table)


if __name__ == "__main__":
    main()
