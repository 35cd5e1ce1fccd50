"""The `keras-gans` command line: train, sample, evaluate, presets.

    keras-gans train dcgan --dataset fashion_mnist --epochs 20 --out runs/dcgan
    keras-gans sample runs/dcgan/model.keras --num 64 --out grid.png
    keras-gans sample dcgan_fashion_mnist --num 64 --out grid.png
    keras-gans presets

Exit codes: 0 done; 2 a bad request or input (the message says what and how to fix
it); 3 training diverged (a NaN or inf loss or weight; the last backup is intact);
4 a file could not be written (disk full, quota, I/O error; the message says which
file, where and how much space it needs; the last backup is intact).
"""

import argparse
import os
import sys

from keras_gans.distribute import PRECISIONS, STRATEGIES
from keras_gans.io_utils import StorageError, zip_damage

EXIT_STORAGE = 4  # a file could not be written (see the module's docstring)


def _parser():
    parser = argparse.ArgumentParser(
        prog="keras-gans", description="Train and sample Generative Adversarial Networks."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_train_command(commands)
    _add_sample_and_evaluate_commands(commands)
    commands.add_parser(
        "presets",
        help="list the pretrained presets",
        description="Lists the pretrained presets: name, variant, parameters, measured "
        "domain FID and KID, description. Load one with kg.<Variant>.from_preset(name) "
        "or `keras-gans sample NAME`.",
    )
    return parser


def _add_train_command(commands):
    train = commands.add_parser(
        "train",
        help="train a variant with model.fit",
        description="Trains VARIANT and writes under OUT: samples/epoch_NNNN.png, "
        "logs/ (TensorBoard), checkpoints/last.keras, backup/ (re-running the same "
        "command after a crash resumes from the last backup, every --backup-every "
        "steps) and model.keras.",
    )
    train.add_argument("variant", help="gan, dcgan, wgan, wgan_gp, cgan, cyclegan or bigan")
    train.add_argument(
        "--dataset",
        default=None,
        help="fashion_mnist (the default), mnist, a folder of images, or a .npy/.npz "
        "file; for cyclegan two unpaired domains: fashion_mnist_sneaker2boot (its "
        "default) or cycle_gan/<task> (TensorFlow Datasets, online)",
    )
    train.add_argument("--data-dir", default=None, help="directory with the IDX files")
    train.add_argument("--epochs", type=int, default=20)
    train.add_argument("--batch-size", type=int, default=None,
                       help="defaults to the variant's paper: 100 for gan, 320 = 5 critic "
                       "minibatches of 64 for wgan and wgan_gp, 1 for cyclegan, else 128")
    train.add_argument("--steps-per-epoch", type=int, default=None)
    train.add_argument("--latent-dim", type=int, default=None)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--num-samples", type=int, default=64,
                       help="images in each epoch's sample grid")
    train.add_argument("--out", required=True, help="output directory")
    train.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))
    train.add_argument("--backup-every", type=int, default=100,
                       help="steps between backups (a killed run resumes from the last)")
    train.add_argument("--deterministic", action="store_true",
                       help="enable TensorFlow op determinism (bit-exact resume)")
    train.add_argument("--strategy", default="auto", choices=STRATEGIES,
                       help="tf.distribute strategy (multi_worker reads TF_CONFIG)")
    train.add_argument("--precision", default="float32", choices=PRECISIONS)


def _add_sample_and_evaluate_commands(commands):
    sample = commands.add_parser("sample", help="write a grid of generated images")
    sample.add_argument("model", help="a .keras file written by keras-gans or model.save, "
                        "or a preset name (see `keras-gans presets`)")
    sample.add_argument("--num", type=int, default=64)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--out", required=True, help="PNG file to write")
    evaluate = commands.add_parser(
        "evaluate",
        help="FID and KID of a saved model against a reference dataset",
        description="Draws NUM images from MODEL and prints FID, KID and (for a "
        "classifier extractor) the Inception Score against the reference split; for "
        "conditional models also the classifier's accuracy on each requested class. "
        "Protocol: docs/evaluation.md.",
    )
    evaluate.add_argument("model", help="a .keras file written by keras-gans or model.save, or a preset name")
    evaluate.add_argument("--dataset", default="fashion_mnist", help="reference dataset")
    evaluate.add_argument("--split", default="test", choices=("train", "test"))
    evaluate.add_argument("--num", type=int, default=10000, help="generated images")
    evaluate.add_argument("--extractor", default="auto",
                          help="auto (domain classifier for fashion_mnist), domain, "
                          "inception_v3")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--batch-size", type=int, default=500)
    evaluate.add_argument("--json", default=None, help="also write the results here")


def train(args):
    import keras_gans as kg

    variant = kg.models.get(args.variant)
    for flag in ("epochs", "batch_size", "steps_per_epoch", "latent_dim", "num_samples",
                 "backup_every"):
        value = getattr(args, flag)
        if value is not None and value <= 0:
            raise ValueError(f"--{flag.replace('_', '-')} must be positive; received {value}.")
    if args.latent_dim and not issubclass(variant, kg.models.GANModel):
        raise ValueError(f"{args.variant} has no latent input; drop --latent-dim.")
    if args.deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    out = os.path.abspath(args.out)
    kg.training.run(
        variant, out, epochs=args.epochs, dataset=args.dataset, batch_size=args.batch_size,
        seed=args.seed, data_dir=args.data_dir,
        model_options={"latent_dim": args.latent_dim} if args.latent_dim else None,
        steps_per_epoch=args.steps_per_epoch, backup_every=args.backup_every,
        num_samples=args.num_samples, strategy=args.strategy, precision=args.precision,
        verbose=args.verbose,
    )
    print(f"Saved {os.path.join(out, 'model.keras')}; sample grids in "
          f"{os.path.join(out, 'samples')}")


def _load_model(path):
    """Loads a `.keras` file, turning Keras's many failure types into one ValueError."""
    import keras

    import keras_gans  # noqa: F401 registers the variants for deserialization

    if not os.path.isfile(path):
        raise ValueError(f"No such model file: {path!r}.")
    damage = zip_damage(path)
    if damage:
        raise ValueError(f"Cannot load {path!r}: the file is damaged: {damage}. Copy "
                         "it again, or export it again from the run's checkpoint.")
    try:
        return keras.saving.load_model(path)
    except Exception as error:  # a truncated zip, a foreign config, missing weights...
        raise ValueError(f"Cannot load {path!r} as a keras-gans model: {error}") from error


def _load_model_or_preset(name):
    """A `.keras` file if `name` is one on disk, else the preset of that name."""
    from keras_gans import presets

    if not os.path.exists(name) and not name.endswith(".keras"):
        if name not in presets.PRESETS:
            raise ValueError(
                f"{name!r} is neither a model file nor a preset. Presets: "
                f"{presets.names()} (`keras-gans presets` describes them)."
            )
        return presets.load(name)
    return _load_model(name)


def list_presets(args):
    from keras_gans import presets

    rows = [("preset", "variant", "params", "FID", "KID", "description")]
    for name in presets.names():
        metadata = presets.get(name)["metadata"]
        metrics = metadata.get("metrics") or {}
        rows.append((
            name,
            metadata["variant"],
            f"{metadata['params'] / 1e6:.2f}M",
            f"{metrics['fid']:.2f}" if "fid" in metrics else "-",
            f"{metrics['kid']:.2f}" if "kid" in metrics else "-",
            metadata["description"],
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    print("\nFID, KID: domain features, 10,000 samples vs the Fashion-MNIST test split "
          "(docs/evaluation.md); recipes and sample grids: zoo/README.md.")


def sample(args):
    from keras_gans.images import save_grid

    if args.num <= 0:
        raise ValueError(f"--num must be positive; received {args.num}.")
    model = _load_model_or_preset(args.model)
    save_grid(args.out, model.grid_samples(args.num, seed=args.seed))
    print(f"Wrote {args.out}")


def evaluate(args):
    import json

    import keras_gans as kg
    from keras_gans.io_utils import write_bytes

    if args.num < 2 or args.batch_size <= 0:
        raise ValueError(
            f"--num must be >= 2 and --batch-size positive; received {args.num}, "
            f"{args.batch_size}."
        )
    model = _load_model_or_preset(args.model)
    evaluator = kg.evaluation.Evaluator(args.dataset, split=args.split,
                                        extractor=args.extractor)
    results = evaluator.evaluate(model, args.num, seed=args.seed,
                                 batch_size=args.batch_size)
    extractor = evaluator.extractor
    print(f"model:      {args.model}")
    print(f"reference:  {args.dataset} {args.split} "
          f"({evaluator.reference.statistics.count} images)")
    print(f"extractor:  {extractor.name} (weights {extractor.fingerprint()[:12]})")
    print(f"samples:    {results['num_samples']}")
    print(f"FID:        {results['fid']:.4f}")
    if "kid" in results:
        print(f"KID:        {results['kid']:.6f} +- {results['kid_std']:.6f}")
    if "inception_score" in results:
        print(f"IS:         {results['inception_score']:.4f} "
              f"+- {results['inception_score_std']:.4f}")
    if "class_accuracy" in results:
        names = kg.data.NAMED_DATASETS.get(args.dataset, {}).get("class_names", ())
        print(f"class accuracy (classifier agrees with the requested class): "
              f"{results['class_accuracy']:.4f}")
        for key in sorted(k for k in results if k.startswith("class_accuracy_")):
            label = int(key.rsplit("_", 1)[1])
            name = names[label] if label < len(names) else str(label)
            print(f"  {label} {name:<12} {results[key]:.4f}")
    if args.json:
        write_bytes(args.json, json.dumps(results, indent=2).encode())


def main(argv=None):
    args = _parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        {"train": train, "sample": sample, "evaluate": evaluate,
         "presets": list_presets}[args.command](args)
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
