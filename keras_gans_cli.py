"""The `keras-gans` command line's parser and launcher, importable without TensorFlow.

    keras-gans train dcgan --dataset fashion_mnist --epochs 20 --out runs/dcgan
    keras-gans train dcgan --from-preset dcgan_fashion_mnist --dataset my_folder --out runs/ft
    keras-gans train cyclegan --dataset-a photos/ --dataset-b paintings/ --out runs/cyc
    keras-gans sample runs/dcgan/model.keras --num 64 --out grid.png
    keras-gans evaluate runs/dcgan/model.keras --dataset fashion_mnist --num 10000
    keras-gans plot runs/dcgan
    keras-gans presets

This module sits outside the `keras_gans` package on purpose: importing anything
under `keras_gans` runs `keras_gans/__init__.py`, which imports TensorFlow (the models
register themselves with Keras there). So `--help` and `--version` are answered here,
in a fraction of a second and without a TensorFlow log line, and
`TF_CPP_MIN_LOG_LEVEL` is set before TensorFlow is imported. The commands themselves
live in `keras_gans/cli.py`.
"""

import argparse
import ast
import contextlib
import importlib.util
import json
import os
import sys

# The names of kg.distribute.STRATEGIES and kg.distribute.PRECISIONS, spelled here so
# that `--help` needs no TensorFlow; tests/test_cli.py checks they agree.
STRATEGIES = ("auto", "one_device", "mirrored", "multi_worker", "tpu")
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")
VARIANTS = "gan, dcgan, wgan, wgan_gp, cgan, cyclegan or bigan"
# TensorFlow's C++ log level without --verbose: errors only.
QUIET_TF_LOG_LEVEL = "3"


def version():
    """`keras_gans.__version__`, read from its source without importing the package."""
    spec = importlib.util.find_spec("keras_gans")
    if spec is None or not spec.origin:
        return "unknown"
    with open(spec.origin) as file:
        for node in ast.parse(file.read()).body:
            if isinstance(node, ast.Assign) and any(
                getattr(target, "id", None) == "__version__" for target in node.targets
            ):
                return ast.literal_eval(node.value)
    return "unknown"


def model_option(text):
    """`KEY=VALUE` of `--option` (here and in the zoo scripts) as `(key, value)`,
    VALUE parsed as JSON where it is JSON (`0.2`, `null`, `[1, 2]`), else the string."""
    key, equals, value = text.partition("=")
    if not equals or not key.isidentifier():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not KEY=VALUE; write e.g. --option ema_decay=0.999")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value  # a plain string: --option architecture=dcgan


def _command(commands, name, help, description=None):
    return commands.add_parser(name, help=help, description=description or help,
                               formatter_class=argparse.ArgumentDefaultsHelpFormatter)


def parser():
    """The argparse parser of every command."""
    main = argparse.ArgumentParser(
        prog="keras-gans", formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        description="Train, sample, evaluate and plot Generative Adversarial Networks "
        "(keras-gans, Keras 3 on TensorFlow).",
    )
    main.add_argument("--version", action="version", version=f"keras-gans {version()}")
    main.add_argument("--verbose", dest="tf_logs", action="store_true",
                      help="show TensorFlow's own log lines, e.g. `keras-gans --verbose "
                      "train ...` (hidden by default; an explicit TF_CPP_MIN_LOG_LEVEL is "
                      "always respected)")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_train(commands)
    _add_sample(commands)
    _add_evaluate(commands)
    plot = _command(commands, "plot", "draw a run's losses and FID to a PNG",
                    "Draws the losses and FID logged in RUN_DIR/history.csv against the "
                    "epoch (and the FID against training minutes) to a PNG. Needs "
                    "matplotlib (pip install matplotlib).")
    plot.add_argument("run_dir", help="a directory written by `keras-gans train`")
    plot.add_argument("--out", default=None, help="PNG to write; default RUN_DIR/curve.png")
    _command(commands, "presets", "list the pretrained presets",
             "Lists the pretrained presets: name, variant, parameters, measured domain "
             "FID and KID, description. Load one with kg.<Variant>.from_preset(name) or "
             "`keras-gans sample NAME`.")
    return main


def _add_train(commands):
    train = _command(
        commands, "train", "train a variant with model.fit",
        "Trains VARIANT and writes under OUT: samples/epoch_NNNN.png, logs/ "
        "(TensorBoard), history.csv, checkpoints/last.keras, backup/ and model.keras. "
        "Re-running the same command after a crash resumes from the last backup; a "
        "larger --epochs continues a finished run.",
    )
    train.add_argument("variant", help=VARIANTS)
    train.add_argument("--dataset", default=None,
                       help="fashion_mnist, mnist, a folder of images (one sub-folder per "
                       "class for cgan) or a .npy/.npz file; cyclegan: "
                       "fashion_mnist_sneaker2boot or cycle_gan/<task>; default: the "
                       "variant's (fashion_mnist, or fashion_mnist_sneaker2boot for cyclegan)")
    train.add_argument("--dataset-a", default=None,
                       help="cyclegan on your own folders: the folder of domain A's images")
    train.add_argument("--dataset-b", default=None,
                       help="cyclegan on your own folders: the folder of domain B's images")
    train.add_argument("--image-size", type=int, nargs=2, default=None,
                       metavar=("HEIGHT", "WIDTH"),
                       help="resize the images of a folder to this size")
    train.add_argument("--from-preset", default=None, metavar="PRESET",
                       help="fine-tune: start from this preset's weights (a name of "
                       "`keras-gans presets`, hf://owner/repo, or a .keras file such as "
                       "a run's checkpoints/last.keras) instead of a new model")
    train.add_argument("--data-dir", default=None,
                       help="directory with the IDX files of fashion_mnist or mnist")
    train.add_argument("--epochs", type=int, default=20, help="epochs of the whole run")
    train.add_argument("--batch-size", type=int, default=None,
                       help="default: the variant's paper: 100 for gan, 320 = 5 critic "
                       "minibatches of 64 for wgan and wgan_gp, 1 for cyclegan, else 128")
    train.add_argument("--steps-per-epoch", type=int, default=None,
                       help="batches per epoch; default: the whole dataset")
    train.add_argument("--latent-dim", type=int, default=None,
                       help="latent vector size; default: the variant's")
    train.add_argument("--option", action="append", default=[], type=model_option,
                       metavar="KEY=VALUE",
                       help="a constructor argument of the variant, VALUE read as JSON "
                       "(a plain word as a string): --option ema_decay=0.999 --option "
                       "architecture=dcgan; repeatable")
    train.add_argument("--seed", type=int, default=0,
                       help="seed of the model's noise and of the data shuffle")
    train.add_argument("--num-samples", type=int, default=64,
                       help="images in each epoch's sample grid")
    train.add_argument("--out", required=True, help="output directory")
    train.add_argument("--verbose", dest="keras_verbose", type=int, default=1,
                       choices=(0, 1, 2),
                       help="Keras's progress output: 0 silent, 1 progress bar, 2 one line "
                       "per epoch (TensorFlow's logs: `keras-gans --verbose train ...`)")
    train.add_argument("--backup-every", type=int, default=100,
                       help="steps between backups (a killed run resumes from the last)")
    train.add_argument("--deterministic", action="store_true",
                       help="enable TensorFlow op determinism (bit-exact resume)")
    train.add_argument("--strategy", default="auto", choices=STRATEGIES,
                       help="tf.distribute strategy (multi_worker reads TF_CONFIG)")
    train.add_argument("--precision", default="float32", choices=PRECISIONS,
                       help="compute precision of the networks")


def _add_sample(commands):
    sample = _command(commands, "sample", "write a grid of generated images")
    sample.add_argument("model", help="a .keras file written by keras-gans or model.save, "
                        "a preset name (see `keras-gans presets`) or hf://owner/repo")
    sample.add_argument("--num", type=int, default=64, help="images in the grid")
    sample.add_argument("--seed", type=int, default=0, help="seed of the latent vectors")
    sample.add_argument("--out", required=True,
                        help="image file to write: .png, or .jpg/.jpeg for JPEG")


def _add_evaluate(commands):
    evaluate = _command(
        commands, "evaluate", "FID and KID of a saved model against a reference dataset",
        "Draws NUM images from MODEL and prints FID, KID and (for a classifier "
        "extractor) the Inception Score against the reference split; for conditional "
        "models also the classifier's accuracy on each requested class. The model's "
        "image shape must be the dataset's. Protocol: docs/evaluation.md.",
    )
    evaluate.add_argument("model", help="a .keras file written by keras-gans or "
                          "model.save, a preset name or hf://owner/repo")
    evaluate.add_argument("--dataset", default="fashion_mnist",
                          help="reference dataset: fashion_mnist or mnist")
    evaluate.add_argument("--split", default="test", choices=("train", "test"),
                          help="reference split")
    evaluate.add_argument("--num", type=int, default=10000, help="generated images")
    evaluate.add_argument("--extractor", default="auto",
                          help="auto (domain classifier for fashion_mnist), domain, "
                          "inception_v3 (needs Keras's ImageNet weights)")
    evaluate.add_argument("--seed", type=int, default=0, help="seed of the samples")
    evaluate.add_argument("--batch-size", type=int, default=500,
                          help="images generated per batch")
    evaluate.add_argument("--no-ema", dest="use_ema", action="store_false",
                          help="measure the trained generator instead of its moving "
                          "average (for a model trained with ema_decay)")
    evaluate.add_argument("--json", default=None, help="also write the results here")


@contextlib.contextmanager
def native_logs_hidden():
    """Sends what native code writes to file descriptor 2 to /dev/null, while Python's
    `sys.stderr` (warnings, tracebacks, our errors) keeps the real stderr.

    TensorFlow 2.21 logs through absl before absl is initialized, which ignores
    `TF_CPP_MIN_LOG_LEVEL`: its start-up lines and grappler's "remapper failed" can
    only be hidden at the file descriptor.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    python_stderr = sys.stderr
    sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1)
    try:
        yield
    finally:
        sys.stderr.flush()
        sys.stderr.close()
        sys.stderr = python_stderr
        os.dup2(saved, 2)
        os.close(saved)


EXIT_STORAGE = 4  # a file could not be written: disk full, quota, I/O error


def main(argv=None):
    """Runs one command; returns the exit code (0, 2 for a refused request, 3 for a
    diverged training, 4 for a file that could not be written)."""
    args = parser().parse_args(argv)
    if args.tf_logs or "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        return _run(args)
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = QUIET_TF_LOG_LEVEL
    with native_logs_hidden():
        return _run(args)


def _run(args):
    from keras_gans import cli  # TensorFlow is imported from here on
    from keras_gans.io_utils import StorageError

    try:
        cli.COMMANDS[args.command](args)
    except ValueError as error:
        print(f"keras-gans: error: {error}", file=sys.stderr)
        return 2
    except FloatingPointError as error:
        print(f"keras-gans: error: {error}", file=sys.stderr)
        return 3
    except StorageError as error:
        print(f"keras-gans: error: {error.strerror}", file=sys.stderr)
        # After a failed write h5py can leave the HDF5 library in a state that crashes
        # the interpreter's exit (a segfault): leave at once instead.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_STORAGE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
