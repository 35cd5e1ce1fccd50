"""The `keras-gans` commands: train, sample, evaluate, plot, presets.

The parser, `--help`, `--version` and the launcher are in the top-level module
`keras_gans_cli` (outside this package, so that they need no TensorFlow); this module
holds what each command does. `python -m keras_gans.cli` runs the same command line.
Errors a user can fix are `ValueError`s phrased for the command line (flags, not Python
arguments); the launcher prints them without a traceback and exits with code 2.

Exit codes: 0 done; 2 a bad request or input (the message says what and how to fix
it); 3 training diverged (a NaN or inf loss or weight; the last backup is intact);
4 a file could not be written (disk full, quota, I/O error; the message says which
file, where and how much space it needs; the last backup is intact).
"""

import os
import shutil
import sys


def train(args):
    import keras_gans as kg

    variant = kg.models.get(args.variant)
    _check_train_flags(args, variant)
    dataset = _train_dataset(args, variant)
    model_options = _model_options(args, variant)
    if args.deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    out = os.path.abspath(args.out)
    created = not os.path.exists(out)
    try:
        kg.training.run(
            variant, out, epochs=args.epochs, dataset=dataset, batch_size=args.batch_size,
            seed=args.seed, data_dir=args.data_dir,
            model_options=model_options,
            steps_per_epoch=args.steps_per_epoch, backup_every=args.backup_every,
            num_samples=args.num_samples, strategy=args.strategy, precision=args.precision,
            verbose=args.keras_verbose, from_preset=args.from_preset,
            image_size=args.image_size,
        )
    except ValueError:
        if created and not os.path.exists(os.path.join(out, "backup")):
            shutil.rmtree(out, ignore_errors=True)  # a refused run leaves no directory
        raise
    print(f"Model: {os.path.join(out, 'model.keras')}; sample grids in "
          f"{os.path.join(out, 'samples')}; curves: keras-gans plot {args.out}")


def _check_train_flags(args, variant):
    import keras_gans as kg

    for flag in ("epochs", "batch_size", "steps_per_epoch", "latent_dim", "num_samples",
                 "backup_every"):
        value = getattr(args, flag)
        if value is not None and value <= 0:
            raise ValueError(f"--{flag.replace('_', '-')} must be positive; received {value}.")
    if args.latent_dim and not issubclass(variant, kg.models.GANModel):
        raise ValueError(f"{args.variant} has no latent input; drop --latent-dim.")
    if args.latent_dim and args.from_preset:
        raise ValueError("--from-preset keeps the preset's networks, latent size "
                         "included; drop --latent-dim.")
    if args.image_size and min(args.image_size) <= 0:
        raise ValueError(f"--image-size must be two positive ints; received {args.image_size}.")
    if args.from_preset:
        from keras_gans import presets

        if not (args.from_preset.startswith(presets.HUB_PREFIX)
                or os.path.isfile(args.from_preset)):
            presets.get(args.from_preset)  # an unknown name: the list of presets, now


def _model_options(args, variant):
    """The constructor arguments `--option KEY=VALUE` and `--latent-dim` give, checked
    against what `variant`'s constructor takes (its own and its base classes')."""
    options = dict(args.option)
    if args.latent_dim:
        if "latent_dim" in options:
            raise ValueError("Give the latent size once: --latent-dim or --option latent_dim.")
        options["latent_dim"] = args.latent_dim
    flags = {"seed": "--seed", "image_shape": "--image-size (of a folder's images)"}
    taken = sorted(options.keys() & flags.keys())
    if taken:
        raise ValueError(f"--option {taken[0]}=... is set by the run: use {flags[taken[0]]}.")
    # Networks are Python objects: give them in Python, `kg.training.run(...)`.
    networks = {*variant.NETWORKS, "discriminator", "critic"}
    known = _constructor_arguments(variant) - flags.keys() - networks
    unknown = sorted(options.keys() - known)
    if unknown:
        raise ValueError(
            f"{args.variant} takes no option {', '.join(unknown)}. Its options: "
            f"{', '.join(sorted(known))} (see help(kg.{variant.__name__})).")
    return options or None


def _constructor_arguments(variant):
    import inspect

    names = set()
    for cls in variant.__mro__:
        if "__init__" in vars(cls) and cls.__module__.startswith("keras_gans"):
            parameters = inspect.signature(cls.__init__).parameters.values()
            names |= {parameter.name for parameter in parameters
                      if parameter.kind is parameter.POSITIONAL_OR_KEYWORD}
    names.discard("self")
    return names


def _train_dataset(args, variant):
    """What `--dataset` or `--dataset-a/--dataset-b` ask for, checked for the variant."""
    pair = (args.dataset_a, args.dataset_b)
    if any(pair):
        if variant.INPUTS != "unpaired_images":
            raise ValueError(
                f"--dataset-a and --dataset-b give two unpaired domains, for cyclegan; "
                f"{args.variant} trains on one dataset: use --dataset."
            )
        if not all(pair) or args.dataset:
            raise ValueError(
                "Give both --dataset-a and --dataset-b (two folders of images) and no "
                f"--dataset; received --dataset={args.dataset!r}, "
                f"--dataset-a={args.dataset_a!r}, --dataset-b={args.dataset_b!r}."
            )
        return pair
    if variant.INPUTS == "images_and_labels" and args.dataset and os.path.isdir(args.dataset):
        _check_class_folders(args.dataset, args.variant)
    return args.dataset


def _check_class_folders(folder, variant_name):
    if not any(not entry.startswith(".") and os.path.isdir(os.path.join(folder, entry))
               for entry in os.listdir(folder)):
        raise ValueError(
            f"{variant_name} is class-conditional: --dataset {folder} needs one sub-folder "
            f"of images per class ({folder}/<class name>/*.png), but it has no "
            "sub-folders. Sort the images into class folders, or train an unconditional "
            f"variant on them: keras-gans train dcgan --dataset {folder} ..."
        )


def _load_model(path):
    """Loads a `.keras` file, turning Keras's many failure types into one ValueError."""
    import keras

    import keras_gans  # noqa: F401 registers the variants for deserialization
    from keras_gans.io_utils import zip_damage

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
    """A `.keras` file if `name` is one on disk, else the preset of that name (or at
    that `hf://` address)."""
    from keras_gans import presets

    if name.startswith(presets.HUB_PREFIX):
        return presets.load(name)
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


def _check_image_output(out):
    """Raises ValueError unless `out` can become an image file; returns its format."""
    from keras_gans.images import image_format

    if os.path.isdir(out):
        raise ValueError(f"--out {out!r} is a directory; give an image file name, e.g. "
                         f"--out {os.path.join(out, 'grid.png')}.")
    parent = os.path.dirname(os.path.abspath(out))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise ValueError(f"Cannot write --out {out!r}: {parent!r} is a file, not a "
                         "directory. Choose another path.")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"Cannot write --out {out!r}: the directory {parent!r} is not "
                         "writable. Choose another path.")
    return image_format(out)


def sample(args):
    from keras_gans.images import save_grid

    if args.num <= 0:
        raise ValueError(f"--num must be positive; received {args.num}.")
    _check_image_output(args.out)
    model = _load_model_or_preset(args.model)
    save_grid(args.out, model.grid_samples(args.num, seed=args.seed))
    print(f"Wrote {args.out}")


def plot(args):
    from keras_gans.plots import plot_history

    history = os.path.join(args.run_dir, "history.csv")
    if not os.path.isfile(history):
        raise ValueError(f"No history.csv in {args.run_dir!r}: give the --out directory of "
                         "a `keras-gans train` run that finished at least one epoch.")
    out = args.out or os.path.join(args.run_dir, "curve.png")
    if _check_image_output(out) != "PNG":
        raise ValueError(f"keras-gans plot writes PNG; give --out a .png name. Received: {out!r}.")
    print(f"Wrote {plot_history(history, out, os.path.basename(os.path.abspath(args.run_dir)))}")


def evaluate(args):
    import keras_gans as kg
    from keras_gans.io_utils import write_bytes

    if args.num < 2 or args.batch_size <= 0:
        raise ValueError(
            f"--num must be >= 2 and --batch-size positive; received {args.num}, "
            f"{args.batch_size}."
        )
    model = _load_model_or_preset(args.model)
    # Before any extractor is built (InceptionV3 may need a download): FID compares
    # images of one shape.
    _check_same_images(model, args.model, args.dataset, args.split)
    if args.dataset not in kg.data.NAMED_DATASETS:
        raise ValueError(
            f"evaluate compares with the statistics of a named dataset: "
            f"--dataset {sorted(kg.data.NAMED_DATASETS)}; received {args.dataset!r}."
        )
    evaluator = kg.evaluation.Evaluator(args.dataset, split=args.split,
                                        extractor=args.extractor)
    results = evaluator.evaluate(model, args.num, seed=args.seed,
                                 batch_size=args.batch_size,
                                 use_ema=None if args.use_ema else False)
    _print_results(args, evaluator, results)
    if args.json:
        import json

        write_bytes(args.json, json.dumps(results, indent=2).encode())


def _check_same_images(model, model_name, dataset, split):
    import keras_gans as kg

    shape = tuple(kg.data.load(dataset, split, batch_size=1).element_spec.shape[1:])
    made = tuple(model.image_shape)
    if made != shape:
        raise ValueError(
            f"{model_name} makes {_describe(made)} images, but --dataset {dataset} holds "
            f"{_describe(shape)} images: FID compares images of one shape. Evaluate "
            "against a dataset of the model's shape"
            + (" (fashion_mnist or mnist for 28x28 grey)." if made == (28, 28, 1) else ".")
        )


def _describe(shape):
    height, width, channels = shape
    color = {1: "grey", 3: "RGB"}.get(channels, f"{channels}-channel")
    return f"{height}x{width} {color}"


def _print_results(args, evaluator, results):
    import keras_gans as kg

    extractor = evaluator.extractor
    print(f"model:      {args.model}")
    print(f"reference:  {args.dataset} {args.split} "
          f"({evaluator.reference.statistics.count} images)")
    print(f"extractor:  {extractor.name} (weights {extractor.fingerprint()[:12]})")
    if not args.use_ema:
        print("generator:  the trained one (--no-ema), not its moving average")
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


# What `keras-gans COMMAND` runs (the launcher, keras_gans_cli, dispatches here).
COMMANDS = {"train": train, "sample": sample, "evaluate": evaluate, "plot": plot,
            "presets": list_presets}


def main(argv=None):
    """`keras_gans_cli.main`: the same command line (also `python -m keras_gans.cli`)."""
    import keras_gans_cli

    return keras_gans_cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
