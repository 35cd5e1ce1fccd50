"""`benchmark.py --sections scaling`: how the time per image of kg.DCGAN and of the same
DCGAN in PyTorch grows with the image size, the network width and the batch size.

A *cell* is an image shape, a width (`filters`) and a batch size, with the precisions
it runs in (`parse_cells`). For each cell, `peer.peer_benchmark` alternates kg.DCGAN
(one model per precision, float32 and mixed_bfloat16 by default)
with PyTorch's best configurations on this machine (float32 and bfloat16 autocast, both
channels_last: the fastest of the four in every earlier run, docs/performance.md) over
`--repeats` rounds of whole `fit` calls; after each cell the peak FLOP rate is measured
again (`flops.Peak`, float32 and/or bfloat16, as the cell ran), and the median over
cells is the peak.

Data: 28x28x1 cells train on Fashion-MNIST batches (`benchmark.batches`); the other
shapes on synthetic images, uniform in [-1, 1] (the speed of a dense step does not depend
on the pixel values).

Steps per round: as many as make about `round_gflop` GFLOP of work (at least one), from
`flops.dcgan_step_flops`; a cell whose single step is over 5 times that (1.8 TFLOP at
64x64x3, filters=64, batch 512, or filters=128, batch 128) runs at most 3 rounds, so
the biggest cells stay within about three minutes on a quiet machine.

FLOP/s: the kg step's FLOPs per image (`flops.dcgan_step_flops`, what the algorithm
needs; TensorFlow runs exactly these) x images/s, for both sides; PyTorch also runs the
discriminator's filter gradients in the generator update (`pytorch_flops_per_image`),
which its figure leaves out: its fraction of peak is the useful work per second.
"""

import gc
import statistics

import numpy as np
import tensorflow as tf

import keras_gans as kg
import peer
from flops import Peak, dcgan_step_flops

# Image shape, filters, batch sizes: the zoo's size at the default width, and the paper's
# size (64x64x3) at the default width and at the paper's (filters=128). Batch 512 at
# filters=128 is left out of the default: one step is about 7 TFLOP (over 30 s here).
DEFAULT_CELLS = "28x28x1:64:32,128,512 64x64x3:64:32,128,512 64x64x3:128:32,128"
TORCH_CONFIGS = ("float32+channels_last", "bfloat16+channels_last")


def parse_cells(text, precisions=("float32", "mixed_bfloat16")):
    """`"64x64x3:128:32,128 28x28x1:64:128:float32+mixed_bfloat16"` -> cells
    `(image_shape, filters, batch_size, precisions)`; a group without a fourth field
    runs in `precisions`."""
    cells = []
    for group in text.split():
        try:
            shape, filters, sizes, *rest = group.split(":")
            image_shape = tuple(int(side) for side in shape.split("x"))
            group_precisions = tuple(rest[0].split("+")) if rest else tuple(precisions)
            if len(rest) > 1:
                raise ValueError
            cells.extend((image_shape, int(filters), int(size), group_precisions)
                         for size in sizes.split(","))
        except ValueError:
            raise ValueError("A scaling group is HxWxC:FILTERS:BATCH,BATCH,...[:PRECISION+"
                             "PRECISION] (e.g. 64x64x3:128:32,128). Received: "
                             f"{group!r}") from None
        if len(image_shape) != 3:
            raise ValueError(f"An image shape is HxWxC. Received: {shape!r}")
    return cells


def synthetic_batches(image_shape, batch_size, steps, seed=0):
    """`steps` batches of images uniform in [-1, 1], in memory, as a tf.data dataset."""
    images = np.random.default_rng(seed).uniform(
        -1.0, 1.0, (steps, batch_size, *image_shape)).astype(np.float32)
    return tf.data.Dataset.from_tensor_slices(images).cache().prefetch(2)


def scaling(build, batches, cells, repeats, torch_python, torch_configs=TORCH_CONFIGS,
            round_gflop=200.0, log=print):
    """Every cell of `cells` (see `parse_cells`), kg against PyTorch; returns rows.

    `build` and `batches` are benchmark.py's (a compiled model; Fashion-MNIST batches).
    """
    peaks = {}  # precision -> Peak, made when a cell first runs in it
    rows = []
    for image_shape, filters, batch_size, precisions in cells:
        model_kwargs = {"image_shape": image_shape, "filters": filters}
        spec = peer.network_spec(build(kg.DCGAN, "float32", **model_kwargs))
        step_flops = dcgan_step_flops(spec)
        steps = max(1, round(round_gflop * 1e9 / (step_flops * batch_size)))
        cell_repeats = repeats if step_flops * batch_size <= 5 * round_gflop * 1e9 else min(
            repeats, 3)
        shape_text = "x".join(map(str, image_shape))
        log(f"scaling: {shape_text}, filters {filters}, batch {batch_size}, "
            f"{'+'.join(precisions)}: "
            f"{step_flops / 1e6:.1f} MFLOP/img, {steps} step(s) x {cell_repeats} rounds")
        if image_shape == (28, 28, 1):
            data = batches(kg.DCGAN, batch_size, steps)
        else:
            data = synthetic_batches(image_shape, batch_size, steps)
        cell_torch = [config for config in torch_configs if (
            "mixed_bfloat16" if config.startswith("bfloat16") else "float32") in precisions]
        cell_rows = peer.peer_benchmark(
            build, None, data, steps, cell_repeats, list(precisions), torch_python,
            cell_torch, model_kwargs=model_kwargs, log=log)
        for precision in precisions:
            if precision not in peaks:  # measures once as it starts
                peaks[precision] = Peak("bfloat16" if "bfloat16" in precision else "float32")
            else:
                peaks[precision].measure()
        for row in cell_rows:
            row.update(section="scaling", image_shape=list(image_shape), filters=filters,
                       flops_per_image=step_flops,
                       pytorch_flops_per_image=dcgan_step_flops(spec, pytorch=True))
        rows.extend(cell_rows)
        del data, cell_rows
        gc.collect()
    for row in rows:
        peak = peaks[row["precision"]]
        row["peak_flops_per_s"] = peak.median()
        row["peak_matmul_per_s"] = statistics.median(peak.rates["matmul"])
        row["flops_per_s"] = row["images_per_s"] * row["flops_per_image"]
        row["fraction_of_peak"] = row["flops_per_s"] / row["peak_flops_per_s"]
    log(format_table(rows))
    return rows


def format_table(rows):
    """The scaling table (markdown): per cell and precision, kg beside PyTorch's best."""
    lines = ["| image, filters | batch | MFLOP/img | precision | kg ms/img | PyTorch ms/img "
             "| kg / PyTorch speed | kg GFLOP/s (% of peak) | PyTorch GFLOP/s (% of peak) |",
             "|---|---|---|---|---|---|---|---|---|"]
    cells = {}
    for row in rows:
        key = (tuple(row["image_shape"]), row["filters"], row["batch_size"], row["precision"])
        side = "torch" if row["config"].startswith("torch") else "kg"
        cells.setdefault(key, {}).setdefault(side, []).append(row)
    for (shape, filters, batch_size, precision), sides in cells.items():
        kg_row = sides["kg"][0]
        torch_row = max(sides.get("torch", [{}]), key=lambda r: r.get("images_per_s", 0))
        cells_text = [f"{'x'.join(map(str, shape))}, {filters}", str(batch_size),
                      f"{kg_row['flops_per_image'] / 1e6:.0f}", precision,
                      f"{1000 / kg_row['images_per_s']:.2f}"]
        if torch_row:
            cells_text += [f"{1000 / torch_row['images_per_s']:.2f}",
                           f"{kg_row['images_per_s'] / torch_row['images_per_s']:.2f}x"]
        else:
            cells_text += ["-", "-"]
        for row in (kg_row, torch_row):
            cells_text.append(f"{row['flops_per_s'] / 1e9:.0f} ({row['fraction_of_peak']:.0%})"
                              if row else "-")
        lines.append("| " + " | ".join(cells_text) + " |")
    peaks = sorted({(row["precision"], row["peak_flops_per_s"]) for row in rows})
    lines.append("peak: " + ", ".join(f"{precision} {rate / 1e9:.0f} GFLOP/s"
                                      for precision, rate in peaks))
    return "\n".join(lines)
