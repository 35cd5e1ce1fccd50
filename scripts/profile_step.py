"""Where a DCGAN train step spends its time, op by op (tf.profiler), and which oneDNN
kernels it runs (ONEDNN_VERBOSE).

    python scripts/profile_step.py --precision float32,mixed_bfloat16 --steps 8
    ONEDNN_VERBOSE=1 python scripts/profile_step.py --precision mixed_bfloat16 --steps 4 \
        > onednn.log; python scripts/profile_step.py --onednn-log onednn.log

The first form warms kg.DCGAN up (`benchmark.build`, cached Fashion-MNIST batches), then
traces `--steps` steps of `fit` with `tf.profiler.experimental` and prints, per precision,
the CPU time of the step's ops summed by op type (every TensorFlow op event of the host
trace, all threads; so the total exceeds the wall time when ops run side by side), with
the share of the total. The second sums a oneDNN verbose log (the process's stdout) by
primitive kind, implementation and data type: which kernels the convolutions and their
gradients use (e.g. `brg:avx512_core_amx`, `jit:avx512_core_bf16`, or a slow `ref`).
"""

import argparse
import collections
import glob
import os
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def op_times(logdir):
    """{op type: (microseconds, count)} from the host plane of the trace in `logdir`."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    space = xplane_pb2.XSpace()
    path = sorted(glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True))[-1]
    with open(path, "rb") as file:
        space.ParseFromString(file.read())
    totals = collections.defaultdict(lambda: [0.0, 0])
    for plane in space.planes:
        if not plane.name.startswith("/host:CPU"):
            continue
        stat_names = {key: meta.name for key, meta in plane.stat_metadata.items()}
        for line in plane.lines:
            for event in line.events:
                tf_op = next((stat.str_value for stat in event.stats
                              if stat_names.get(stat.metadata_id) == "tf_op"), None)
                if not tf_op:
                    name = plane.event_metadata[event.metadata_id].name
                    if ":" not in name:
                        continue  # a TraceMe that is not an op (executor, function call)
                    tf_op = name
                op_type = tf_op.rsplit(":", 1)[-1]
                totals[op_type][0] += event.duration_ps / 1e6
                totals[op_type][1] += 1
    return totals


def profile(precision, steps, batch_size, log=print):
    import keras_gans as kg  # first: it sets TensorFlow's defaults

    import tensorflow as tf

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import benchmark

    data = benchmark.batches(kg.DCGAN, batch_size, steps)
    model = benchmark.build(kg.DCGAN, precision)
    for _ in range(2):  # trace, then warm up
        model.fit(data, epochs=1, verbose=0)
    logdir = tempfile.mkdtemp(prefix="kg-profile-")
    start = time.perf_counter()
    tf.profiler.experimental.start(logdir)
    model.fit(data, epochs=1, verbose=0)
    tf.profiler.experimental.stop()
    wall = time.perf_counter() - start
    totals = op_times(logdir)
    total = sum(us for us, _ in totals.values())
    log(f"{precision}: {steps} steps of batch {batch_size} in {wall:.2f} s (traced); "
        f"op time {total / 1e6:.2f} s over all threads")
    for op_type, (us, count) in sorted(totals.items(), key=lambda item: -item[1][0])[:25]:
        log(f"  {op_type:40s} {us / 1e3 / steps:9.2f} ms/step {us / total:6.1%} ({count} events)")
    return totals


def summarize_onednn(path, log=print):
    """Sums `onednn_verbose,...,exec,...` lines by (kind, implementation, data types)."""
    totals = collections.defaultdict(lambda: [0.0, 0])
    with open(path, errors="replace") as file:
        for line in file:
            fields = line.strip().split(",")
            if not fields[0].startswith("onednn_verbose") or "exec" not in fields[:4]:
                continue
            at = fields.index("exec")
            kind, implementation = fields[at + 2], fields[at + 3]
            dtypes = " ".join(sorted({part.split(":")[0].split("_")[-1]
                                      for part in fields[at + 5].split() if "_" in part}))
            try:
                ms = float(fields[-1])
            except ValueError:
                continue
            key = (kind, fields[at + 4], implementation, dtypes)
            totals[key][0] += ms
            totals[key][1] += 1
    total = sum(ms for ms, _ in totals.values()) or 1.0
    for (kind, prop, implementation, dtypes), (ms, count) in sorted(
            totals.items(), key=lambda item: -item[1][0]):
        log(f"{kind:14s} {prop:18s} {implementation:28s} {dtypes:14s} {ms:9.1f} ms "
            f"{ms / total:6.1%} ({count} calls)")
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--precision", default="float32,mixed_bfloat16")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--onednn-log", default=None,
                        help="summarize this ONEDNN_VERBOSE log instead of profiling")
    args = parser.parse_args()
    if args.onednn_log:
        summarize_onednn(args.onednn_log)
        return
    for precision in args.precision.split(","):
        profile(precision, args.steps, args.batch_size)


if __name__ == "__main__":
    main()
