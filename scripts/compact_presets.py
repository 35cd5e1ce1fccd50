"""Rewrites shipped preset files with `kg.presets.export` and measures them again.

    python scripts/compact_presets.py dcgan_fashion_mnist [more names] [--install]

For a preset trained before the zoo wrote its files with `kg.presets.export` (a
float32 `.keras`, some with optimizer state): writes `runs/compact/<name>.keras`
(networks and averages, float16 weights, compressed) and `runs/compact/<name>.json`
with both files' sizes and sha256s and the new file's measures (with `--compare` the
old file's too, side by side), by the evaluator the zoo uses (domain FID and KID of 10,000 samples, seed 0, against the
Fashion-MNIST test split; for a translator, its translation measures). With
`--install` the compact file replaces the shipped one (the registry entry's sha256
and metrics are then edited by hand from the .json).
"""

import argparse
import json
import os
import shutil
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.io_utils import atomic_path, sha256_of, write_bytes  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "zoo"))
from _common import evaluate_preset  # noqa: E402  (the zoo's own evaluation)


def measure(path, evaluator, num_samples):
    """The zoo's measures of the preset file at `path`."""
    model = keras.saving.load_model(path, compile=False)
    if not isinstance(model, kg.models.GANModel):  # a translator
        return kg.evaluation.measures.translation_measures(model)
    results = evaluate_preset(model, evaluator, num_samples)
    measured = {key: round(results[key], 2) for key in ("fid", "kid", "kid_std")}
    if "class_accuracy" in results:
        measured["class_accuracy"] = round(results["class_accuracy"], 4)
    if "raw_generator" in results:
        measured["raw_generator_fid"] = round(results["raw_generator"]["fid"], 2)
    return measured


def compact(name, out, evaluator, num_samples, compare=False):
    source = kg.presets.resolve(name)
    target = os.path.join(out, f"{name}.keras")
    kg.presets.export(keras.saving.load_model(source, compile=False), target)
    record = {"preset": name, "command": f"python scripts/compact_presets.py {name}"}
    for label, path in (("float32", source), ("float16", target)):
        record[label] = {"file_bytes": os.path.getsize(path), "sha256": sha256_of(path)}
        if compare or label == "float16":
            record[label]["measures"] = measure(path, evaluator, num_samples)
        print(name, label, json.dumps(record[label]), flush=True)
    write_bytes(os.path.join(out, f"{name}.json"), json.dumps(record, indent=2).encode())
    return target


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="+", choices=sorted(kg.presets.PRESETS))
    parser.add_argument("--out", default=os.path.join("runs", "compact"))
    parser.add_argument("--num-samples", type=int, default=10_000)
    parser.add_argument("--compare", action="store_true",
                        help="measure the old float32 file too")
    parser.add_argument("--install", action="store_true")
    args = parser.parse_args()
    evaluator = kg.evaluation.Evaluator("fashion_mnist", split="test")
    for name in args.names:
        target = compact(name, args.out, evaluator, args.num_samples, args.compare)
        if args.install:
            shipped = kg.presets.resolve(name)
            with atomic_path(shipped) as temporary:
                shutil.copyfile(target, temporary)


if __name__ == "__main__":
    main()
