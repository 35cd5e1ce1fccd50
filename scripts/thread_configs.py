"""kg.DCGAN's epoch-length `fit` under several TensorFlow thread-pool settings.

    python scripts/thread_configs.py --configs 0/0 1/1 2/1 1/2 0/0

Each INTRA/INTER setting (0 = TensorFlow's default) runs in a fresh process (the pools
are fixed when TensorFlow starts): a 20-step warm-up fit, then `--rounds` fits of
`--steps` steps of batch 128 of Fashion-MNIST, reporting images/s and CPU-ms per image
of each. Run it on a quiet machine; docs/performance.md ("Threads") has the results.
"""

import argparse
import json
import os
import subprocess
import sys
import time


def child(intra, inter, precision, steps, rounds):
    import keras
    import tensorflow as tf

    import keras_gans as kg

    if intra:
        tf.config.threading.set_intra_op_parallelism_threads(intra)
    if inter:
        tf.config.threading.set_inter_op_parallelism_threads(inter)
    keras.mixed_precision.set_global_policy(precision)
    model = kg.DCGAN(seed=0)
    model.compile()
    data = kg.data.load("fashion_mnist", batch_size=128, seed=0)
    model.fit(data.take(20), epochs=1, verbose=0)
    results = []
    for _ in range(rounds):
        wall, cpu = time.time(), time.process_time()
        model.fit(data.take(steps), epochs=1, verbose=0)
        wall, cpu = time.time() - wall, time.process_time() - cpu
        results.append({"images_per_second": round(steps * 128 / wall),
                        "cpu_ms_per_image": round(1000 * cpu / (steps * 128), 3)})
    print(json.dumps({"intra": intra, "inter": inter, "precision": precision,
                      "rounds": results}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", nargs="+", default=["0/0", "1/1", "2/1", "1/2"],
                        help="INTRA/INTER thread counts, 0 = TensorFlow's default")
    parser.add_argument("--precision", default="float32")
    parser.add_argument("--steps", type=int, default=469)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        intra, inter = (int(n) for n in args.child.split("/"))
        return child(intra, inter, args.precision, args.steps, args.rounds)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    for config in args.configs:
        subprocess.run([sys.executable, __file__, "--child", config, "--precision",
                        args.precision, "--steps", str(args.steps), "--rounds",
                        str(args.rounds)], check=True, env=env)
        print("load average %.2f %.2f %.2f" % os.getloadavg(), flush=True)


if __name__ == "__main__":
    main()
