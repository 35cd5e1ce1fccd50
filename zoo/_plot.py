"""The training curve of a zoo run: `history.csv` drawn as `curve.png`.

Top: FID (the recipe's `fid_every_n_epochs` measurements) against the epoch, and the
same points against the run's wall time in minutes. Below: the losses per epoch.
"""

import csv
import math
import os


def read_history(path):
    """`{column: [float or nan, ...]}` of a `kg.callbacks.HistoryCSV` file."""
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))

    def number(text):
        try:
            return float(text)
        except (TypeError, ValueError):
            return math.nan

    columns = rows[0].keys() if rows else ()
    return {column: [number(row.get(column)) for row in rows] for column in columns}


def plot_history(history_csv, png_path, title):
    """Writes the curve of `history_csv` to `png_path` (matplotlib, the `zoo` extra)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gans.io_utils import atomic_path

    history = read_history(history_csv)
    epochs = [e + 1 for e in history.get("epoch", [])]
    figure, ((by_epoch, by_time), (losses, _spare)) = plt.subplots(2, 2, figsize=(10, 7))
    _spare.axis("off")
    fid = history.get("fid", [math.nan] * len(epochs))
    measured = [(e, m, f) for e, m, f in zip(epochs, history.get("train_minutes", epochs), fid)
                if not math.isnan(f)]
    if measured:
        by_epoch.plot([e for e, _, _ in measured], [f for _, _, f in measured], "o-")
        timed = [(m, f) for _, m, f in measured if not math.isnan(m)]
        by_time.plot([m for m, _ in timed], [f for _, f in timed], "o-")
    by_epoch.set(xlabel="epoch", ylabel="domain FID (10,000 samples)", title=title)
    by_time.set(xlabel="training minutes (wall clock)", ylabel="domain FID")
    for name, values in sorted(history.items()):
        if name.endswith("_loss") and not name.startswith("val_"):
            losses.plot(epochs, values, label=name)
    losses.set(xlabel="epoch", ylabel="epoch mean")
    losses.legend(fontsize=8)
    figure.tight_layout()
    with atomic_path(png_path) as temporary:
        figure.savefig(temporary, format="png", dpi=80)
    plt.close(figure)
    return png_path


if __name__ == "__main__":
    import sys

    # python zoo/_plot.py RUN_DIR: redraws RUN_DIR/curve.png from RUN_DIR/history.csv.
    run = sys.argv[1]
    print(plot_history(os.path.join(run, "history.csv"), os.path.join(run, "curve.png"),
                       os.path.basename(os.path.normpath(run))))
