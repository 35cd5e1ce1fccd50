"""The `keras-gans` command line: train, sample, evaluate, presets.

    keras-gans train dcgan --dataset fashion_mnist --epochs 20 --out runs/dcgan
    keras-gans sample runs/dcgan/model.keras --num 64 --out grid.png
    keras-gans sample dcgan_fashion_mnist --num 64 --out grid.png
    keras-gans presets
"""

import argparse
import os
import sys


def _parser():
    parser = argparse.ArgumentParser(
        prog="keras-gans", description="Train and sample Generative Adversarial Networks."
    )
    commands = parser.add_subparsers(dest="command", required=True)

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
    train.add_argument("--strategy", default="auto",
                       choices=("auto", "one_device", "mirrored", "multi_worker", "tpu"),
                       help="tf.distribute strategy (multi_worker reads TF_CONFIG)")
    train.add_argument("--precision", default="float32",
                       choices=("float32", "mixed_float16", "mixed_bfloat16"))

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

    commands.add_parser(
        "presets",
        help="list the pretrained presets",
        description="Lists the pretrained presets: name, variant, parameters, measured "
        "domain FID and KID, description. Load one with kg.<Variant>.from_preset(name) "
        "or `keras-gans sample NAME`.",
    )
    return parser


def _training_data(variant, name, batch_size, seed, data_dir):
    """The variant's own loader if it has one (CycleGAN: two unpaired domains), else
    `kg.data.load` (images, or (images, labels) for a conditional variant)."""
    import keras_gans as kg

    loader = getattr(variant, "load_training_data", None)
    if loader is not None:
        return loader(name, batch_size=batch_size, seed=seed, data_dir=data_dir)
    return kg.data.load(name, split="train", batch_size=batch_size,
                        with_labels=variant.CONDITIONAL, seed=seed, data_dir=data_dir)


def train(args):
    import keras

    import keras_gans as kg
    from keras_gans.io_utils import atomic_path

    variant = kg.models.get(args.variant)
    for flag in ("epochs", "batch_size", "steps_per_epoch", "latent_dim", "num_samples",
                 "backup_every"):
        value = getattr(args, flag)
        if value is not None and value <= 0:
            raise ValueError(f"--{flag.replace('_', '-')} must be positive; received {value}.")
    out = os.path.abspath(args.out)
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as error:
        raise ValueError(f"Cannot create the output directory {out!r}: {error.strerror}.")
    if not os.access(out, os.W_OK):
        raise ValueError(f"The output directory {out!r} is not writable.")

    batch_size = args.batch_size or variant.DEFAULT_BATCH_SIZE
    dataset_name = args.dataset or getattr(variant, "DEFAULT_DATASET", "fashion_mnist")

    def epoch_dataset(epoch):
        # The shuffle of epoch e is seeded from (seed, e) alone, so a resumed run
        # reads exactly the batches the interrupted one would have read.
        return _training_data(variant, dataset_name, batch_size,
                              args.seed * 1_000_003 + epoch, args.data_dir)

    dataset = epoch_dataset(0)
    images_spec = dataset.element_spec  # images, (images, labels) or (images_a, images_b)
    while isinstance(images_spec, tuple):
        images_spec = images_spec[0]
    options = {"image_shape": tuple(images_spec.shape[1:]), "seed": args.seed}
    if args.latent_dim and variant.LATENT_DISTRIBUTION is None:
        raise ValueError(f"{args.variant} has no latent input; drop --latent-dim.")
    if args.latent_dim:
        options["latent_dim"] = args.latent_dim
    if args.deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    kg.distribute.set_precision(args.precision)
    with kg.distribute.get_strategy(args.strategy).scope():
        model = variant(**options)
        model.compile()

    steps_per_epoch = args.steps_per_epoch or int(dataset.cardinality())
    if steps_per_epoch <= 0:
        raise ValueError(
            f"Cannot tell how many batches {args.dataset!r} holds; pass --steps-per-epoch."
        )
    if hasattr(model, "set_total_steps"):
        # A schedule over the whole run (CycleGAN's linear decay to zero) needs its
        # length now: fit_resumable calls fit() once per epoch.
        model.set_total_steps(args.epochs * steps_per_epoch)
    callbacks = [
        kg.callbacks.SampleGrid(
            os.path.join(out, "samples"),
            num_samples=args.num_samples,
            log_dir=os.path.join(out, "logs", "samples"),
        ),
        keras.callbacks.TensorBoard(os.path.join(out, "logs")),
        kg.callbacks.ModelExport(os.path.join(out, "checkpoints", "last.keras")),
    ]
    kg.training.fit_resumable(
        model,
        epoch_dataset,
        epochs=args.epochs,
        steps_per_epoch=steps_per_epoch,
        backup_dir=os.path.join(out, "backup"),
        every_n_steps=args.backup_every,
        callbacks=callbacks,
        verbose=args.verbose,
    )
    path = os.path.join(out, "model.keras")
    with atomic_path(path) as temporary:
        model.save(temporary)
    print(f"Saved {path}; sample grids in {os.path.join(out, 'samples')}")


def _load_model(path):
    """Loads a `.keras` file, turning Keras's many failure types into one ValueError."""
    import keras

    import keras_gans  # noqa: F401 registers the variants for deserialization

    if not os.path.isfile(path):
        raise ValueError(f"No such model file: {path!r}.")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
