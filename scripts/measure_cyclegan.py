"""Trains kg.CycleGAN on Fashion-MNIST sneakers (A) <-> ankle boots (B) and measures it.

    python scripts/measure_cyclegan.py --out runs/measure_cyclegan

Reports `kg.evaluation.measures.translation_measures` on the test split (1,000
sneakers, 1,000 ankle boots): the share of translated images that the shipped
Fashion-MNIST domain classifier (92.4% test accuracy) assigns to the target class, the
same share for the untranslated inputs (the floor), and the mean cycle L1 error
|F(G(a)) - a| (and |G(F(b)) - b|) per pixel on the [-1, 1] scale. Writes
results.json, model.keras and a grid (docs/samples/cyclegan_sneaker2boot.png by
default).
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


import keras_gans as kg  # noqa: E402
from keras_gans.images import save_grid  # noqa: E402
from _time_limit import TimeLimit  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/measure_cyclegan")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--steps-per-epoch", type=int, default=100)
    parser.add_argument("--time-limit", type=float, default=25 * 60, help="seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--grid", default="docs/samples/cyclegan_sneaker2boot.png")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    train = kg.data.load_unpaired("fashion_mnist_sneaker2boot", batch_size=args.batch_size,
                                  seed=args.seed, drop_remainder=True).repeat()
    model = kg.CycleGAN(image_shape=(28, 28, 1), seed=args.seed)
    model.compile()
    limit = TimeLimit(args.time_limit)
    start = time.time()
    history = model.fit(train, epochs=args.epochs, steps_per_epoch=args.steps_per_epoch,
                        callbacks=[limit], verbose=2)
    train_seconds = time.time() - start
    model.save(os.path.join(args.out, "model.keras"))

    results = {
        "steps": int(model.step_counter.numpy()),
        "batch_size": args.batch_size,
        "train_seconds": round(train_seconds, 1),
        "stopped_by_time_limit": limit.stopped_early,
        **kg.evaluation.measures.translation_measures(model),
        "final_logs": {k: float(v[-1]) for k, v in history.history.items()},
    }
    with open(os.path.join(args.out, "results.json"), "w") as file:
        json.dump(results, file, indent=2)
    print(json.dumps(results, indent=2))

    if args.grid:  # rows: a, G(a), F(G(a)), b, F(b), G(F(b))
        save_grid(args.grid, kg.evaluation.measures.translation_grid(model), columns=8)


if __name__ == "__main__":
    main()
