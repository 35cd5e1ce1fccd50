"""How long a moving average should be: FID of uniform means of a run's checkpoints.

    python scripts/average_checkpoints.py SNAPSHOTS/ep*.keras --windows 3 5 10

Takes a run's epoch-end checkpoints, oldest first (copies of its
`checkpoints/last.keras` taken after each epoch, e.g. by a loop that copies the file
whenever `history.csv` grows), and measures with `kg.evaluation.Evaluator` (domain FID
of `--num` samples, seed 0, against the test split) the last checkpoint's trained
generator and its moving average, then the uniform mean of the last k checkpoints'
trained generators and of their averages, for each k of `--windows`. If the means over
more epochs score better than the model's own average, a longer average (a larger
`ema_decay`) is worth training: what zoo/README.md's gan_fashion_mnist section did.
Non-trainable weights (batch-norm statistics) are averaged too; a proxy, not the
training-time average.
"""

import argparse
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gans as kg  # noqa: E402


def mean_weights(weight_lists):
    """The element-wise mean of several networks' `get_weights()` lists."""
    return [np.mean(np.stack(tensors), axis=0) for tensors in zip(*weight_lists)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkpoints", nargs="+", help=".keras files, oldest first")
    parser.add_argument("--windows", type=int, nargs="+", default=[3, 5, 10])
    parser.add_argument("--network", default="generator")
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--num", type=int, default=10000)
    args = parser.parse_args()

    trained, averaged = [], []
    for path in args.checkpoints:
        model = keras.saving.load_model(path, compile=False)
        if getattr(model, "ema_decay", None) is None:
            raise ValueError(f"{path!r} keeps no moving average (ema_decay=None); train "
                             "with ema_decay= to compare averages.")
        trained.append(getattr(model, args.network).get_weights())
        averaged.append(getattr(model, f"{args.network}_ema").get_weights())
    evaluator = kg.evaluation.Evaluator(args.dataset, split="test")
    slot = getattr(model, f"{args.network}_ema")  # the last model's; what generate() uses

    def fid(weights):
        slot.set_weights(weights)
        return round(evaluator.evaluate(model, num_samples=args.num, seed=0)["fid"], 2)

    results = {"checkpoints": len(args.checkpoints),
               f"average (ema_decay {model.ema_decay}), last": fid(averaged[-1]),
               "trained, last": fid(trained[-1])}
    print(json.dumps(results), flush=True)
    for k in args.windows:
        if k > len(args.checkpoints):
            print(f"window {k}: only {len(args.checkpoints)} checkpoints, skipped")
            continue
        row = {f"mean of the last {k} trained": fid(mean_weights(trained[-k:])),
               f"mean of the last {k} averages": fid(mean_weights(averaged[-k:]))}
        results.update(row)
        print(json.dumps(row), flush=True)
    return results


if __name__ == "__main__":
    main()
