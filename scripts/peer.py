"""`scripts/benchmark.py --peer torch`: kg.DCGAN against the same DCGAN in PyTorch.

The PyTorch networks are built by `torch_peer.py` from `network_spec(model)`, a list of
the kg model's layers with their shapes, and checked there against kg's output shapes
and parameter counts: the two cannot drift apart. Each PyTorch configuration (float32,
bfloat16 autocast, each also with channels_last) is one long-lived process of the
`--torch-python` interpreter, built and warmed up once, that runs N steps when asked
and sleeps otherwise; the kg models (ours, and the keras-io-style reference of
`benchmark.py`) live in this process. Each round runs every model once, in an order
that reverses from round to round, so background load hits all alike.

Per model: images/s over whole `fit` calls of `--steps` steps (what a user waits for;
for PyTorch its step loop over the same in-memory batches), images/s of the steps
alone (kg: from the end of the first step to the end of the last, so without `fit`'s
set-up and first step), CPU-ms per image (getrusage of the process, all threads), and
the ratios to PyTorch's best configuration in the same precision.

`peer_benchmark` runs the 28x28x1 default unless given `model_kwargs` (`image_shape`,
`filters`): scaling.py runs it on a grid of sizes, widths and batches.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import keras_gans  # noqa: F401 (before keras: it sets TensorFlow's defaults)

import keras
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TORCH_CONFIGS = ("float32", "float32+channels_last", "bfloat16", "bfloat16+channels_last")


def cpu_seconds(children=False):
    """CPU seconds of this process (all threads), and with `children` of its children
    that have ended."""
    who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) if children else (
        resource.RUSAGE_SELF,)
    usages = [resource.getrusage(w) for w in who]
    return sum(usage.ru_utime + usage.ru_stime for usage in usages)


# --------------------------------------------------------------------- the spec

def _layer_entry(layer):
    """One layer of a kg network as a dict `torch_peer.build` reads, or None (input)."""
    layers = keras.layers
    kinds = ((layers.Conv2DTranspose, "conv_transpose"), (layers.Conv2D, "conv"),
             (layers.Dense, "dense"), (layers.BatchNormalization, "batch_norm"),
             (layers.LeakyReLU, "leaky_relu"), (layers.ReLU, "activation"),
             (layers.Activation, "activation"), (layers.Reshape, "reshape"),
             (layers.Flatten, "flatten"), (layers.InputLayer, None))
    kind = next((name for cls, name in kinds if isinstance(layer, cls)), "unknown")
    if kind is None:
        return None
    entry = {"kind": kind, "name": layer.name,
             "input": list(layer.input.shape[1:]), "output": list(layer.output.shape[1:])}
    if kind in ("conv", "conv_transpose"):
        if len(set(layer.kernel_size)) != 1 or len(set(layer.strides)) != 1:
            raise ValueError(f"Only square kernels and strides are mirrored: {layer.name}")
        entry.update(kernel=layer.kernel_size[0], strides=layer.strides[0],
                     padding=layer.padding, bias=layer.use_bias)
    if kind == "dense":
        entry["bias"] = layer.use_bias
    if kind in ("conv", "conv_transpose", "dense", "activation"):
        activation = getattr(layer, "activation", None)
        entry["activation"] = activation.__name__ if activation is not None else "relu"
    if isinstance(layer, layers.ReLU) and (layer.negative_slope or layer.max_value):
        raise ValueError(f"Only a plain ReLU is mirrored: {layer.name}")
    if kind == "batch_norm":
        entry.update(momentum=layer.momentum, epsilon=layer.epsilon)
    if kind == "leaky_relu":
        entry["negative_slope"] = float(layer.negative_slope)
    return entry


def network_spec(model):
    """What `torch_peer.py` builds its networks from: kg `model`'s layers and shapes."""
    def entries(network):
        return [entry for entry in map(_layer_entry, network.layers) if entry is not None]

    def count(network):
        return int(sum(np.prod(weight.shape) for weight in network.trainable_weights))

    optimizer = model.inner_optimizers()["generator_optimizer"]
    return {
        "image_shape": list(model.image_shape),
        "latent_dim": int(model.latent_dim),
        "latent": model.LATENT_DISTRIBUTION,
        "generator": entries(model.generator),
        "discriminator": entries(model.discriminator),
        "trainable_parameters": {"generator": count(model.generator),
                                 "discriminator": count(model.discriminator)},
        "adam": {"learning_rate": float(keras.ops.convert_to_numpy(optimizer.learning_rate)),
                 "beta_1": float(optimizer.beta_1), "beta_2": float(optimizer.beta_2),
                 "epsilon": float(optimizer.epsilon)},
    }


# --------------------------------------------------------------------- the two sides

class ServedPeer:
    """A model in a process of its own (`torch_peer.py`, or this file with `--serve`):
    built and warmed up once; `run(steps)` -> (wall, cpu, wall) of N steps."""

    def __init__(self, name, command, precision):
        self.name, self.precision = name, precision
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self.info = self._reply()

    def _reply(self):
        while True:  # skip what the served process's libraries print
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"{self.name} exited (code {self.process.wait()})")
            if line.startswith("{"):
                return json.loads(line)

    def run(self, steps):
        self.process.stdin.write(f"run {steps}\n")
        self.process.stdin.flush()
        reply = self._reply()
        return reply["wall"], reply["cpu"], reply.get("steps_wall", reply["wall"])

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
            self.process.wait(timeout=60)


def torch_peer(config, torch_python, spec_path, data_path, threads=0):
    """PyTorch configuration `config` ("bfloat16+channels_last", ...) as a ServedPeer."""
    precision, *options = config.split("+")
    command = [torch_python, os.path.join(HERE, "torch_peer.py"), "--spec", spec_path,
               "--data", data_path, "--precision", precision, "--threads", str(threads)]
    if "channels_last" in options:
        command.append("--channels-last")
    return ServedPeer("torch " + config, command,
                      "mixed_bfloat16" if precision == "bfloat16" else "float32")


def threads_peer(precision, threads, steps, batch_size):
    """Ours with TensorFlow limited to `threads` intra- and inter-op threads (which
    can only be set before TensorFlow starts: a process of its own)."""
    command = [sys.executable, os.path.abspath(__file__), "--serve", "--precision", precision,
               "--threads", str(threads), "--steps", str(steps), "--batch", str(batch_size)]
    return ServedPeer(f"kg {precision} {threads} thread(s)", command, precision)


class StepClock(keras.callbacks.Callback):
    """The time from the end of a fit's first step to the end of its last."""

    def on_train_begin(self, logs=None):
        self.ends = []

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(time.perf_counter())


class KerasSide:
    """A compiled kg model (ours or the reference) timed over whole `fit` calls."""

    def __init__(self, name, model, data, precision):
        self.name, self.model, self.data, self.precision = name, model, data, precision
        self.clock = StepClock()
        for _ in range(2):  # trace, then warm up
            model.fit(data.take(1), epochs=1, verbose=0)

    def run(self, steps):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        self.model.fit(self.data, epochs=1, verbose=0, callbacks=[self.clock])
        wall, cpu = time.perf_counter() - start, cpu_seconds() - start_cpu
        ends = self.clock.ends
        steps_wall = (ends[-1] - ends[0]) * len(ends) / (len(ends) - 1) if len(ends) > 1 else wall
        return wall, cpu, steps_wall


# --------------------------------------------------------------------- the run

def peer_benchmark(build, reference_cls, data, steps, repeats, precisions, torch_python,
                   torch_configs=TORCH_CONFIGS, threads=0, autotuned=False, kg_threads=(),
                   model_kwargs=None, log=print):
    """Alternating rounds of kg (ours; the reference when `reference_cls`; ours on an
    autotuned dataset, as before the idle gap was removed, when `autotuned`) and
    PyTorch; with `kg_threads`, ours in float32 on that many threads, each in a
    process of its own; `model_kwargs` go to kg.DCGAN (image_shape, filters). Returns
    result rows."""
    import keras_gans as kg
    import tensorflow as tf

    model_kwargs = model_kwargs or {}
    batch_size = int(next(iter(data)).shape[0])
    images = np.stack([np.asarray(batch) for batch in data.take(steps)])
    workdir = tempfile.mkdtemp(prefix="kg-peer-")
    spec_path, data_path = os.path.join(workdir, "spec.json"), os.path.join(workdir, "data.npy")
    with open(spec_path, "w") as file:
        json.dump(network_spec(build(kg.DCGAN, "float32", **model_kwargs)), file)
    np.save(data_path, images)
    del images
    sides = []
    for precision in precisions:
        sides.append(KerasSide("kg " + precision, build(kg.DCGAN, precision, **model_kwargs),
                               data, precision))
        if reference_cls is not None:
            sides.append(KerasSide("reference " + precision,
                                   build(reference_cls, precision, **model_kwargs),
                                   data, precision))
        if autotuned:
            options = tf.data.Options()
            options.autotune.enabled = True  # fit keeps a dataset's own choice
            sides.append(KerasSide("kg " + precision + " autotuned",
                                   build(kg.DCGAN, precision, **model_kwargs),
                                   data.with_options(options), precision))
    try:
        for config in torch_configs:
            peer = torch_peer(config, torch_python, spec_path, data_path, threads)
            if peer.precision in precisions:
                peer.run(min(10, steps))  # warm up
                sides.append(peer)
                log(f"{peer.name}: {peer.info}")
            else:
                peer.close()
        for count in kg_threads:
            sides.append(threads_peer("float32", count, steps, batch_size))
            log(f"{sides[-1].name}: {sides[-1].info}")
        timings = {side.name: [] for side in sides}
        for round_index in range(repeats):
            order = sides if round_index % 2 == 0 else sides[::-1]
            for side in order:
                timings[side.name].append(side.run(steps))
            log(f"round {round_index}: " + ", ".join(
                f"{side.name} {steps * batch_size / timings[side.name][-1][0]:.0f}"
                for side in sides) + f" img/s; load {os.getloadavg()[0]:.2f}")
    finally:
        for side in sides:
            if isinstance(side, ServedPeer):
                side.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return summarize(sides, timings, batch_size, steps, log)


def summarize(sides, timings, batch_size, steps, log):
    rows = []
    images = batch_size * steps
    for side in sides:
        walls, cpus, step_walls = zip(*timings[side.name])
        rates = [images / wall for wall in walls]
        rows.append({
            "variant": "dcgan", "config": side.name, "precision": side.precision,
            "batch_size": batch_size, "steps": steps,
            "images_per_s": statistics.median(rates), "rates": rates,
            "slowest_to_fastest": min(rates) / max(rates),
            "steps_only_images_per_s": statistics.median(images / w for w in step_walls),
            "cpu_ms_per_image": statistics.median(1000 * c / images for c in cpus),
            "load": os.getloadavg()[0],
        })
    for row in rows:
        torch_rows = [other for other in rows if other["config"].startswith("torch")
                      and other["precision"] == row["precision"]]
        if torch_rows:
            best = max(torch_rows, key=lambda other: other["images_per_s"])
            row["torch_best"] = best["config"]
            row["ratio_to_torch_best"] = row["images_per_s"] / best["images_per_s"]
            row["cpu_ratio_to_torch_best"] = best["cpu_ms_per_image"] / row["cpu_ms_per_image"]
        log(format_peer_row(row))
    return rows


def format_peer_row(row):
    ratio = ""
    if "torch_best" in row:
        ratio = (f"; {row['ratio_to_torch_best']:.2f}x {row['torch_best']} "
                 f"(CPU time {row['cpu_ratio_to_torch_best']:.2f}x)")
    return (f"{row['config']:30s} {row['steps']} steps: fit {row['images_per_s']:6.0f} img/s "
            f"(rounds {min(row['rates']):.0f}-{max(row['rates']):.0f}, slowest/fastest "
            f"{row['slowest_to_fastest']:.2f}), steps only {row['steps_only_images_per_s']:6.0f}"
            f", {row['cpu_ms_per_image']:.3f} CPU-ms/img{ratio}")


def serve(argv=None):
    """`peer.py --serve`: ours on `--threads` TensorFlow threads, run on request."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--precision", default="float32")
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--batch", type=int, required=True)
    args = parser.parse_args(argv)
    import tensorflow as tf  # after keras_gans, above

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import benchmark
    import keras_gans as kg

    data = benchmark.batches(kg.DCGAN, args.batch, args.steps)
    side = KerasSide("kg", benchmark.build(kg.DCGAN, args.precision), data, args.precision)
    print(json.dumps({"ready": True, "intra_op_threads": args.threads}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        wall, cpu, steps_wall = side.run(int(words[1]))
        print(json.dumps({"wall": wall, "cpu": cpu, "steps_wall": steps_wall}), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    serve()

