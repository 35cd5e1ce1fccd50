"""The training curve of a run: its `history.csv` drawn as a PNG.

`plot_history(history_csv, png_path, title)` is what `keras-gans plot RUN_DIR` and the
zoo's recipes (`curve.png`) call. Top: FID (measured every few epochs by
`kg.callbacks.FID`) against the epoch, and the same points against the run's wall
time in minutes. Below: the losses per epoch and, beside them, the variant's own
measures on a 0-1 scale (`measure_columns`: e.g. CycleGAN's translation accuracies,
BiGAN's probes, from `kg.callbacks.Measure`). matplotlib is imported only here, when a
plot is drawn (`pip install matplotlib`, or the `plot` extra).
"""

import csv
import math

from keras_gans import io_utils


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


def measure_columns(history):
    """The columns of `history` (`read_history`'s) that hold measures on a 0-1 scale:
    every measured value in [0, 1], not a loss, FID, KID, the epoch or the minutes."""
    skipped = ("epoch", "train_minutes")
    names = []
    for name, values in history.items():
        measured = [v for v in values if not math.isnan(v)]
        if (name in skipped or name.endswith("_loss") or name.startswith(("fid", "kid"))
                or not measured):
            continue
        if all(0.0 <= v <= 1.0 for v in measured):
            names.append(name)
    return sorted(names)


def _pyplot():
    try:
        import matplotlib
    except ImportError as error:
        raise ValueError(
            "Plotting needs matplotlib, which is not installed. Install it with "
            "`pip install matplotlib` (or `pip install keras-gans[plot]`)."
        ) from error
    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt

    return plt


def plot_history(history_csv, png_path, title):
    """Writes the curves of `history_csv` (a `kg.callbacks.HistoryCSV` file) to
    `png_path` as a PNG, atomically; returns `png_path`.

    Raises:
        ValueError: matplotlib is missing, or the file has no epoch rows.
    """
    plt = _pyplot()
    history = read_history(history_csv)
    if not history.get("epoch"):
        raise ValueError(f"{history_csv!r} holds no epoch yet: nothing to plot.")
    epochs = [e + 1 for e in history.get("epoch", [])]
    figure, ((by_epoch, by_time), (losses, own)) = plt.subplots(2, 2, figsize=(10, 7))
    fid = history.get("fid", [math.nan] * len(epochs))
    measured = [(e, m, f) for e, m, f in zip(epochs, history.get("train_minutes", epochs), fid)
                if not math.isnan(f)]
    if measured:  # FID is logged on the epochs it was measured, empty elsewhere
        by_epoch.plot([e for e, _, _ in measured], [f for _, _, f in measured], "o-")
        timed = [(m, f) for _, m, f in measured if not math.isnan(m)]
        by_time.plot([m for m, _ in timed], [f for _, f in timed], "o-")
    else:
        for axes in (by_epoch, by_time):
            axes.text(0.5, 0.5, "no FID in this history\n(kg.callbacks.FID adds it)",
                      ha="center", va="center", transform=axes.transAxes)
    by_epoch.set(xlabel="epoch", ylabel="FID", title=title)
    by_time.set(xlabel="training minutes (wall clock)", ylabel="FID")
    for name, values in sorted(history.items()):
        if name.endswith("_loss") and not name.startswith("val_"):
            losses.plot(epochs, values, ".-", label=name)  # a dot: one epoch shows
    losses.set(xlabel="epoch", ylabel="epoch mean")
    losses.legend(fontsize=8)
    measures = measure_columns(history)
    for name in measures:
        points = [(e, v) for e, v in zip(epochs, history[name]) if not math.isnan(v)]
        own.plot([e for e, _ in points], [v for _, v in points], ".-", label=name)
    if measures:
        own.set(xlabel="epoch", ylabel="the variant's own measures")
        own.legend(fontsize=8)
    else:
        own.axis("off")
    figure.tight_layout()
    with io_utils.atomic_path(png_path) as temporary:
        figure.savefig(temporary, format="png", dpi=80)
    plt.close(figure)
    return png_path

