"""The zoo table's row of a run, from its `metrics.json` (what zoo/README.md shows).

    python zoo/table.py RUN_DIR [RUN_DIR ...]

prints one markdown row per run: preset, variant, epochs, domain FID (and, for a
model with a moving average, the trained generator's FID beside it), KID, the
variant's own measure, training time, the command, the sample grid and the curve. Copy
the rows into zoo/README.md; every figure comes from the run's own files.
"""

import json
import os
import sys


def own_measure(metrics):
    """The variant's own measure, in words, or "-"."""
    evaluation = metrics.get("evaluation") or {}
    parts = []
    if "class_accuracy" in evaluation:
        classes = sorted(k for k in evaluation if k.startswith("class_accuracy_"))
        worst = min(evaluation[k] for k in classes) if classes else evaluation["class_accuracy"]
        parts.append(f"per-class accuracy {100 * evaluation['class_accuracy']:.1f}% "
                     f"(worst class {100 * worst:.1f}%)")
    for name, values in (metrics.get("measures") or {}).items():
        parts.append(f"{name}: " + ", ".join(
            f"{key} {value:.3f}" if isinstance(value, float) else f"{key} {value}"
            for key, value in values.items() if not key[-1].isdigit()))  # not per class
    return "; ".join(parts) or "-"


def row(run_dir):
    with open(os.path.join(run_dir, "metrics.json")) as file:
        metrics = json.load(file)
    evaluation = metrics.get("evaluation")
    preset = metrics["preset"]
    if evaluation:
        fid = f"**{evaluation['fid']:.1f}**"
        raw = evaluation.get("raw_generator")
        if raw:
            fid += f" (EMA; trained generator {raw['fid']:.1f})"
        kid = f"{evaluation['kid']:.1f} +- {evaluation['kid_std']:.1f}"
    else:
        fid, kid = "- (a translator)", "-"
    seconds = metrics["train_seconds"]
    cells = [
        f"`{preset}`", f"`{metrics['variant']}`", str(metrics["epochs"]), fid, kid,
        own_measure(metrics), f"{seconds / 60:.1f} min ({seconds:.0f} s)",
        f"`python zoo/{preset}.py --epochs {metrics['epochs']}`",
        f"![](samples/{preset}.png) ![](samples/{preset}_curve.png)",
    ]
    return "| " + " | ".join(cells) + " |"


if __name__ == "__main__":
    for directory in sys.argv[1:]:
        print(row(directory))
