"""Train-step throughput of every variant against a keras-io-style reference, against
PyTorch, and how it scales; generation and evaluation throughput.

    python scripts/benchmark.py --repeats 5 --pipeline   # every variant, float32 and bf16
    python scripts/benchmark.py --variants dcgan --precision float32 --configs ours \
        --pipeline   # and the input pipeline alone, fit with and without per-batch checks
    python scripts/benchmark.py --variants dcgan --repeats 15 \
        --configs reference,ours,ours+unshared,ours+spe4,ours+jit   # ablations
    python scripts/benchmark.py --quality --epochs 1 --seeds 0,1    # DCGAN FID check
    python scripts/benchmark.py --peer torch --torch-python /work/torchvenv/bin/python \
        --steps 469 --repeats 5 --configs ours      # kg.DCGAN against PyTorch (peer.py)
    python scripts/benchmark.py --sections variants,scaling,sampling \
        --torch-python /work/torchvenv/bin/python --json bench.json   # several in one run

Sections (`--sections`, run in the order given, one JSON list with a `section` per row):
`variants` (below), `peer` (peer.py), `scaling` (scaling.py: image size, width and batch
against PyTorch, with FLOP/s as a fraction of peak), `sampling` (throughput.py:
`generate` and `Evaluator.evaluate`), `quality` (below). Results and how to read them:
docs/performance.md.

**Throughput.** For each variant and precision, two models with the same networks,
optimizers and initial weights: *ours* (the library's `train_step`, compiled as a user
compiles it: `model.compile()`), and the keras-io-style *reference* of `references.py`.
Each model is traced and warmed up, then `--repeats` rounds run
`fit(--steps cached batches)` on each in turn (order alternating), together with a
peak-FLOP measurement (`flops.py`), so background load hits all alike. Printed per
model: median images/s; the ratio to the first config (the median of per-round ratios);
the ratio of the best rounds; the CPU-time ratio (images per CPU-second of the process,
the figure that stays stable when other jobs share the cores); FLOPs per image
(`flops.count_step_flops`) and the fraction of the measured peak. Images/s counts the
real images consumed (one `fit` batch per step; `DEFAULT_BATCH_SIZE` of the variant, so
320 for WGAN, of which 64 go to each critic update).

**Quality** (`--quality`): trains DCGAN `--epochs` epochs on Fashion-MNIST per seed
with the unshared step (`shared_generator_pass=False`, Algorithm 1) and the shared one,
and prints the domain FID and KID of 10,000 samples against the test split.
"""

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras_gans as kg  # noqa: E402 (first: it sets TensorFlow's defaults)

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer  # noqa: E402 (the modules beside this file)
from input_pipeline import batches, measure_checks, measure_pipeline  # noqa: E402
from flops import Peak, count_step_flops  # noqa: E402
import scaling  # noqa: E402
import throughput  # noqa: E402
from references import DIFFERENCES, REFERENCES, UnorderedCriticUpdates  # noqa: E402

PRECISIONS = ("float32", "mixed_bfloat16")
SECTIONS = ("variants", "peer", "scaling", "sampling", "quality")

# Train steps per timed round: about 1.5 s of work each on this machine when it is
# quiet (a WGAN step is 5 critic updates on 64 images and a generator update).
STEPS = {"gan": 24, "dcgan": 8, "wgan": 3, "wgan_gp": 2, "cgan": 8, "cyclegan": 48,
         "bigan": 12}


# --------------------------------------------------------------------- throughput

def build(cls, precision, options=(), seed=0, **model_kwargs):
    """A compiled model of `cls` under `precision`, with the config's `options` and
    the constructor's `model_kwargs` (e.g. `image_shape`, `filters`)."""
    kwargs = {"seed": seed, **model_kwargs}
    if "unordered" in options:
        cls = type("Unordered" + cls.__name__, (UnorderedCriticUpdates, cls), {})
    if "unshared" in options or "shared" in options:
        kwargs["shared_generator_pass"] = "shared" in options
    kg.distribute.set_precision(precision)
    try:
        model = cls(**kwargs)
        model.compile(jit_compile=True) if "jit" in options else model.compile()
    finally:
        kg.distribute.set_precision("float32")
    # CycleGAN's learning-rate schedule needs its length before a step is traced:
    # that of a long run, so the rate stays at its constant first half here.
    model.set_total_steps(1_000_000)
    for option in options:
        if option.startswith("spe"):
            model.steps_per_execution = int(option[3:])
    return model


def parse_config(config):
    """`"ours+jit+spe4"` -> ("ours", ("jit", "spe4"))."""
    name, *options = config.split("+")
    if name not in ("reference", "ours"):
        raise ValueError(f"A config starts with 'reference' or 'ours'. Received: {config!r}")
    known = ("jit", "shared", "unshared", "unordered")
    for option in options:
        if option not in known and not (option.startswith("spe") and option[3:].isdigit()):
            raise ValueError(f"Unknown option {option!r} in {config!r}. Known: {known}, speN.")
    return name, tuple(options)


def benchmark(variant_names, precisions, steps, repeats, configs=("reference", "ours"),
              batch_size=None, pipeline=False, step_scale=1.0, log=print):
    """Throughput of each config per variant and precision; ratios to `configs[0]`."""
    results = []
    peaks = {}
    for name in variant_names:
        variant = kg.models.get(name)
        size = batch_size or variant.DEFAULT_BATCH_SIZE
        count = steps or max(1, round(STEPS[name] * step_scale))
        cached = batches(variant, size, count)
        images_per_round = count * size
        classes = {"reference": REFERENCES[name], "ours": variant}
        parsed = {config: parse_config(config) for config in configs}
        # The step graph is the same in every precision: counted once, in float32.
        flops = {}
        for config, (kind, options) in parsed.items():
            graph_key = (kind, "shared" in options, "unshared" in options,
                         "unordered" in options)
            if graph_key not in flops:
                model = build(classes[kind], "float32", options)
                flops[graph_key] = count_step_flops(model, cached, size)[0] / size
            flops[config] = flops[graph_key]
        for precision in precisions:
            models = {}
            for config, (kind, options) in parsed.items():
                models[config] = build(classes[kind], precision, options)
                for _ in range(2):  # trace, then warm up
                    models[config].fit(cached.take(2), epochs=1, verbose=0)
            dtype = "bfloat16" if precision == "mixed_bfloat16" else "float32"
            if dtype not in peaks:
                peaks[dtype] = Peak(dtype)
            peak = peaks[dtype]
            wall = {config: [] for config in configs}
            cpu = {config: [] for config in configs}
            for round_index in range(repeats):
                # Alternate the order, so that none always runs right after the peak test.
                order = list(configs) if round_index % 2 == 0 else list(configs)[::-1]
                for config in order:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    models[config].fit(cached, epochs=1, verbose=0)
                    wall[config].append(images_per_round / (time.perf_counter() - start))
                    cpu[config].append(images_per_round / (time.process_time() - start_cpu))
                peak.measure()
            peak_rate = peak.median()
            first = configs[0]
            for config in configs:
                # Runs of one round are adjacent in time and see the same background
                # load: the median of the per-round ratios is the figure reported.
                paired = [a / b for a, b in zip(wall[config], wall[first])]
                paired_cpu = [a / b for a, b in zip(cpu[config], cpu[first])]
                row = {
                    "variant": name, "precision": precision, "config": config,
                    "batch_size": size, "steps": count, "repeats": repeats,
                    "images_per_s": statistics.median(wall[config]),
                    "ratio": statistics.median(paired),
                    "round_ratios": paired,
                    # Load only ever slows a round down: the best rounds of each
                    # estimate the speeds on a quiet machine.
                    "best_ratio": max(wall[config]) / max(wall[first]),
                    "cpu_time_ratio": statistics.median(paired_cpu),
                    "images_per_cpu_s": statistics.median(cpu[config]),
                    "flops_per_image": flops[config],
                    "peak_flops_per_s": peak_rate,
                    "peak_matmul_per_s": statistics.median(peak.rates["matmul"]),
                    "peak_conv_per_s": statistics.median(peak.rates["conv"]),
                    "fraction_of_peak": statistics.median(wall[config]) * flops[config]
                    / peak_rate,
                    "rates": wall[config],
                    "difference": DIFFERENCES[name] if config == "ours" else "",
                }
                results.append(row)
                log(format_row(row))
        if pipeline:
            rate, cpu_rate = measure_pipeline(variant, size, 50, 5)
            results.append({"variant": name, "config": "input pipeline",
                            "images_per_s": rate, "images_per_cpu_s": cpu_rate})
            log(f"{name:8s} input pipeline (kg.data.load, batch {size}): {rate:.0f} img/s, "
                f"{cpu_rate:.0f} img per CPU-second")
            row = measure_checks(build(variant, "float32"), cached, images_per_round,
                                 repeats)
            results.append({"variant": name, "config": "per-batch checks", **row})
            log(f"{name:8s} per-batch checks (batch {size}): fit {row['checked_images_per_s']:.0f}"
                f" img/s with, {row['unchecked_images_per_s']:.0f} without: ratio "
                f"{row['ratio']:.3f} (rounds {min(row['round_ratios']):.3f}-"
                f"{max(row['round_ratios']):.3f}), CPU time {row['cpu_time_ratio']:.3f}; "
                f"load average {os.getloadavg()[0]:.2f}")
    return results


def format_row(row):
    return (
        f"{row['variant']:8s} {row['precision']:14s} {row['config']:18s} batch "
        f"{row['batch_size']:3d}: {row['images_per_s']:7.0f} img/s, ratio "
        f"{row['ratio']:.2f} (rounds {min(row['round_ratios']):.2f}-"
        f"{max(row['round_ratios']):.2f}, best rounds {row['best_ratio']:.2f}, CPU time "
        f"{row['cpu_time_ratio']:.2f}), "
        f"{row['flops_per_image'] / 1e6:.1f} MFLOP/img, "
        f"{row['fraction_of_peak']:.1%} of peak {row['peak_flops_per_s'] / 1e9:.0f} GFLOP/s"
    )


# --------------------------------------------------------------------- quality

def quality(epochs, seeds, num_samples, log=print):
    """DCGAN trained `epochs` epochs per seed, unshared vs shared generator pass."""
    evaluator = kg.evaluation.Evaluator("fashion_mnist", split="test")
    results = []
    for seed in seeds:
        for shared in (False, True):
            data = kg.data.load("fashion_mnist", batch_size=kg.DCGAN.DEFAULT_BATCH_SIZE,
                                seed=seed)
            model = kg.DCGAN(seed=seed, shared_generator_pass=shared)
            model.compile()
            start = time.perf_counter()
            model.fit(data, epochs=epochs, verbose=0)
            seconds = time.perf_counter() - start
            metrics = evaluator.evaluate(model, num_samples=num_samples, seed=0)
            row = {"seed": seed, "shared_generator_pass": shared, "epochs": epochs,
                   "train_seconds": seconds, **metrics}
            results.append(row)
            log(f"dcgan seed {seed} shared_generator_pass={shared}: {epochs} epochs in "
                f"{seconds:.0f} s, FID {metrics['fid']:.2f}, KID {metrics['kid']:.4g} "
                f"+- {metrics['kid_std']:.2g}")
    return results


# --------------------------------------------------------------------- peer

def run_peer(args, log):
    """`--peer torch`: kg.DCGAN (and its reference) against PyTorch, one run."""
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    if set(configs) - {"ours", "reference"} or "ours" not in configs:
        raise SystemExit("--peer takes --configs ours or ours,reference")
    steps = args.steps or 469  # one epoch of Fashion-MNIST at batch 128
    size = args.batch_size or kg.DCGAN.DEFAULT_BATCH_SIZE
    data = batches(kg.DCGAN, size, steps)
    precisions = [p.strip() for p in args.precision.split(",") if p.strip()]
    torch_configs = [c.strip() for c in args.torch_configs.split(",") if c.strip()]
    return peer.peer_benchmark(
        build, REFERENCES["dcgan"] if "reference" in configs else None, data, steps,
        args.repeats, precisions, args.torch_python, torch_configs,
        threads=args.torch_threads, autotuned=args.autotuned,
        kg_threads=[int(t) for t in args.kg_threads.split(",") if t.strip()], log=log)


# --------------------------------------------------------------------- main

def machine():
    """The CPU's model and the instruction sets the figures depend on; whether
    TensorFlow runs its oneDNN kernels (it does by default only on CPUs with AVX-512
    VNNI/BF16 or AMX: on an AVX2-only CPU its convolutions are Eigen's)."""
    from tensorflow.python.util import _pywrap_util_port

    try:
        with open("/proc/cpuinfo") as file:
            info = file.read()
    except OSError:
        info = ""
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines()
                  if line.startswith("model name")), "unknown CPU")
    flags = set(next((line.split(":", 1)[1].split() for line in info.splitlines()
                      if line.startswith("flags")), []))
    isa = [flag for flag in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if flag in flags]
    return (f"{model} ({' '.join(isa) or 'no AVX2'}), TensorFlow oneDNN kernels "
            f"{'on' if _pywrap_util_port.IsMklEnabled() else 'off'}")



def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", default=",".join(kg.models.VARIANTS),
                        help="comma-separated variant names (default: all)")
    parser.add_argument("--precision", default=",".join(PRECISIONS),
                        help="comma-separated: float32, mixed_bfloat16")
    parser.add_argument("--steps", type=int, default=None,
                        help="train steps per timed round; default: a per-variant "
                        "count of about 1.5 s of work (STEPS)")
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds per model")
    parser.add_argument("--configs", default="reference,ours",
                        help="comma-separated models to alternate, ratios to the first: "
                        "reference or ours, each with +options: jit (XLA), speN "
                        "(steps_per_execution N), shared / unshared (GAN, DCGAN), "
                        "unordered (WGAN, WGAN-GP: see UnorderedCriticUpdates), "
                        "e.g. reference,ours,ours+jit,ours+spe4")
    parser.add_argument("--pipeline", action="store_true",
                        help="also time the library's input pipeline alone, and fit "
                        "with the per-batch checks against without them")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="default: each variant's DEFAULT_BATCH_SIZE")
    parser.add_argument("--quality", action="store_true",
                        help="train DCGAN unshared vs shared and print domain FID/KID")
    parser.add_argument("--epochs", type=int, default=2, help="--quality: epochs per run")
    parser.add_argument("--seeds", default="0,1", help="--quality: model and data seeds")
    parser.add_argument("--num-samples", type=int, default=10000,
                        help="quality: generated images per FID; sampling: per call")
    parser.add_argument("--peer", choices=["torch"], default=None,
                        help="DCGAN against the same networks in PyTorch (see peer.py); "
                        "--configs: 'ours' alone, or with 'reference'")
    parser.add_argument("--torch-python", default=os.environ.get("KG_TORCH_PYTHON", "python"),
                        help="--peer: a Python interpreter with torch installed")
    parser.add_argument("--torch-configs", default=",".join(peer.TORCH_CONFIGS),
                        help="--peer: PyTorch configurations, comma-separated")
    parser.add_argument("--torch-threads", type=int, default=0,
                        help="--peer: torch.set_num_threads (0: its default)")
    parser.add_argument("--kg-threads", default="",
                        help="--peer: also ours in float32 on these TensorFlow thread "
                        "counts, each in a process of its own, e.g. 1")
    parser.add_argument("--autotuned", action="store_true",
                        help="--peer: also time ours on a tf.data dataset that keeps "
                        "autotuning on (fit's idle gap before it was removed)")
    parser.add_argument("--sections", default="variants",
                        help=f"comma-separated, run in this order: {', '.join(SECTIONS)}")
    parser.add_argument("--step-scale", type=float, default=1.0,
                        help="variants: multiplies each variant's STEPS (at least 1 step)")
    parser.add_argument("--scaling-cells", default=scaling.DEFAULT_CELLS,
                        help="scaling: HxWxC:FILTERS:BATCH,...[:PRECISION+...] groups, "
                        "space-separated (without precisions: --precision's)")
    parser.add_argument("--round-gflop", type=float, default=200.0,
                        help="scaling: work per timed round of each model, GFLOP")
    parser.add_argument("--json", default=None, help="also write the results here")
    args = parser.parse_args(argv)

    def log(line):
        print(line, flush=True)

    header = {"section": "machine", "cpu_count": os.cpu_count(), "machine": machine(),
              "tensorflow": tf.__version__, "keras": keras.__version__}
    log(f"{os.cpu_count()} CPU cores, {header['machine']}, TensorFlow {tf.__version__}, "
        f"Keras {keras.__version__}")
    sections = [section.strip() for section in args.sections.split(",") if section.strip()]
    if args.peer or args.quality:  # the older spellings of a single section
        sections = ["peer"] if args.peer else ["quality"]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"--sections takes {SECTIONS}; received {sorted(unknown)}")
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    precisions = [p.strip() for p in args.precision.split(",") if p.strip()]
    for precision in precisions:
        if precision not in PRECISIONS:
            parser.error(f"--precision takes {PRECISIONS}; received {precision!r}")
    for name in names:
        kg.models.get(name)  # a clear error for an unknown name, before any work
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    for config in configs:
        try:
            parse_config(config)
        except ValueError as error:
            parser.error(str(error))
    try:
        cells = scaling.parse_cells(args.scaling_cells, precisions)
    except ValueError as error:
        parser.error(str(error))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    results = []
    for section in sections:
        start, start_cpu = time.perf_counter(), peer.cpu_seconds(children=True)
        log(f"== {section}; load average {os.getloadavg()[0]:.2f}")
        if section == "variants":
            for name in names:
                log(f"{name}: ours differs from the reference by: {DIFFERENCES[name]}")
            rows = benchmark(names, precisions, args.steps, args.repeats, configs=configs,
                             batch_size=args.batch_size, pipeline=args.pipeline,
                             step_scale=args.step_scale, log=log)
        elif section == "peer":
            rows = run_peer(args, log)
        elif section == "scaling":
            rows = scaling.scaling(build, batches, cells, args.repeats, args.torch_python,
                                   round_gflop=args.round_gflop, log=log)
        elif section == "sampling":
            rows = throughput.sampling(names, precisions, args.num_samples, args.repeats,
                                       log=log)
        else:
            rows = quality(args.epochs, [int(s) for s in args.seeds.split(",")],
                           args.num_samples, log=log)
        for row in rows:
            row.setdefault("section", section)
        results.extend(rows)
        log(f"== {section} took {time.perf_counter() - start:.0f} s, "
            f"{peer.cpu_seconds(children=True) - start_cpu:.0f} CPU-s (with PyTorch's ended "
            f"processes); load average {os.getloadavg()[0]:.2f}")
        if args.json:  # after every section, so that a cut run keeps what it measured
            with open(args.json, "w") as file:
                json.dump([header] + results, file, indent=1)
    return results


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
