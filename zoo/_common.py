"""What every zoo script shares: train a preset's recipe, measure it, write its files.

A zoo script is a `Recipe` and one call:

```python
from _common import Recipe, main

RECIPE = Recipe(name="dcgan_fashion_mnist", variant="dcgan", epochs=25)

if __name__ == "__main__":
    main(RECIPE)
```

`python zoo/<preset>.py [--epochs N --out DIR --option KEY=VALUE]` then writes, under DIR (default
`runs/zoo/<preset>`):

- `backup/`, `samples/epoch_NNNN.png`, `logs/`, `history.csv`, `checkpoints/last.keras`,
  `model.keras`: the training run (`kg.training.run`, as `keras-gans train`; running
  the same command again after a crash resumes it, and running it with a larger
  `--epochs` continues it);
- `<preset>.keras`: the preset file that `keras_gans/presets/` ships
  (`kg.presets.export`: the networks and their averages, no optimizer state, weights
  stored in float16), and `<preset>.keras.sha256`;
- `metrics.json`: domain FID, KID, IS of 10,000 samples (`kg.evaluation.Evaluator`,
  reference = Fashion-MNIST test), the sha256, the parameter count, the command and the
  wall times;
- `grid.png`: 64 samples, seed 0 (what `keras-gans sample <preset>` draws);
- `curve.png`: FID against epoch and against training minutes, the losses below
  (`keras_gans/plots.py`, as `keras-gans plot` draws it, from `history.csv`).

With `--install` it also copies the `.keras` file into `keras_gans/presets/files/` and
prints the entry to paste into `keras_gans/presets/<variant>_presets.py`.
"""

import argparse
import dataclasses
import json
import os
import shlex
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from keras_gans_cli import model_option  # noqa: E402

from keras_gans.io_utils import sha256_of  # noqa: E402
from keras_gans.plots import plot_history, read_history  # noqa: E402


@dataclasses.dataclass
class Recipe:
    """A preset's training recipe.

    Args:
        name: str, the preset name (`"dcgan_fashion_mnist"`).
        variant: str, a key of `kg.models.VARIANTS` (`"dcgan"`) or of
            `kg.baselines.BASELINES` (`"KerasIODCGAN"`).
        epochs: int, the epochs of the published preset.
        dataset: str, a `kg.data.load` name, defaults to `"fashion_mnist"`.
        batch_size: int or None (default): the variant's `DEFAULT_BATCH_SIZE`.
        seed: int, defaults to 0: the model's seed and the data shuffle's.
        model_options: dict, extra constructor arguments of the variant.
        reference: str, the evaluation's reference dataset (test split).
        num_eval_samples: int, defaults to 10,000.
        fid_every_n_epochs: int or None (default). If set, `kg.callbacks.FID` (for
            a model that samples) and `kg.callbacks.Measure` (for each of `measures`)
            also measure the model every that many epochs during training, into
            `history.csv` (a curve per epoch).
        measures: names in `kg.evaluation.measures.MEASURES` (the variant's own
            measure: `"translation"`, `"encoder_probe"`), into `metrics.json`.
        averages: `kg.presets.export`'s `averages`: `"kept"` (default; the file
            holds the trained networks and their averages) or `"in_place"` (only the
            averages, as the networks: for a preset too large to ship both; the
            trained generator's FID is then measured on the model in memory) or
            `"dropped"` (only the trained networks: for a run whose average measured
            worse; the average's FID is then measured on the model in memory).
        continue_options: dict, model options changed when the run starts from a
            preset (`--continue-from`; e.g. a moving average the preset was shipped
            without); the preset keeps the rest of its configuration.
    """

    name: str
    variant: str
    epochs: int
    dataset: str = "fashion_mnist"
    batch_size: int = None
    seed: int = 0
    model_options: dict = dataclasses.field(default_factory=dict)
    reference: str = "fashion_mnist"
    num_eval_samples: int = 10_000
    fid_every_n_epochs: int = None
    measures: tuple = ()
    averages: str = "kept"
    continue_options: dict = dataclasses.field(default_factory=dict)

    def model_class(self):
        import keras_gans as kg

        if self.variant in kg.baselines.BASELINES:
            return kg.baselines.BASELINES[self.variant]
        return kg.models.get(self.variant)

    def batch(self):
        return self.batch_size or self.model_class().DEFAULT_BATCH_SIZE



def _parse(recipe, argv):
    parser = argparse.ArgumentParser(
        description=f"Reproduces the {recipe.name} preset: trains, evaluates, writes "
        "the .keras file, its sha256, metrics.json and grid.png."
    )
    parser.add_argument("--epochs", type=int, default=recipe.epochs)
    parser.add_argument("--out", default=os.path.join("runs", "zoo", recipe.name))
    parser.add_argument("--steps-per-epoch", type=int, default=None,
                        help="fewer steps per epoch (smoke tests only)")
    parser.add_argument("--num-eval-samples", type=int, default=recipe.num_eval_samples)
    parser.add_argument("--continue-from", default=None, metavar="PRESET",
                        help="start from this preset's networks and averages (a preset "
                        "name, fresh optimizers; or a run's .keras file) instead of new "
                        "ones: a further "
                        "--epochs N of training on top of it")
    parser.add_argument("--option", action="append", default=[], type=model_option,
                        metavar="KEY=VALUE",
                        help="a model option on top of the recipe's (its "
                        "continue_options with --continue-from), VALUE read as JSON: "
                        "--option discriminator_dropout=0.2; repeatable")
    parser.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2))
    parser.add_argument("--install", action="store_true",
                        help="copy the .keras file into keras_gans/presets/files/ and "
                        "print the entry for keras_gans/presets/<variant>_presets.py")
    return parser.parse_args(argv)


def _with_options(recipe, options, continuing):
    """The recipe with `--option`s added to the model options the run uses."""
    if not options:
        return recipe
    field = "continue_options" if continuing else "model_options"
    return dataclasses.replace(recipe, **{field: {**getattr(recipe, field), **dict(options)}})


def install(metrics, out):
    """Ships the preset file in the package and prints its registry entry."""
    import pprint
    import shutil

    from keras_gans.io_utils import atomic_path

    files = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                         "keras_gans", "presets", "files")
    target = os.path.join(os.path.normpath(files), metrics["file"])
    with atomic_path(target) as temporary:
        shutil.copyfile(os.path.join(out, metrics["file"]), temporary)
    evaluation = metrics["evaluation"]
    measured = {}
    if evaluation:
        measured = {
            "fid": round(evaluation["fid"], 2),
            "kid": round(evaluation["kid"], 2),
            "kid_std": round(evaluation["kid_std"], 2),
            "inception_score": round(evaluation.get("inception_score", 0.0), 3),
            "num_samples": evaluation["num_samples"],
            "reference": evaluation["reference"],
            "extractor": evaluation["extractor"],
            "command": "keras-gans evaluate keras_gans/presets/files/"
                       f"{metrics['file']} --dataset {metrics['recipe']['reference']} "
                       f"--num {evaluation['num_samples']}",
        }
        for key in ("class_accuracy", "worst_class_accuracy"):
            if key in evaluation:
                measured[key] = round(evaluation[key], 4)
        for key in ("raw_generator", "averaged_generator"):
            if key in evaluation:
                measured[f"{key}_fid"] = round(evaluation[key]["fid"], 2)
    for values in metrics["measures"].values():
        measured.update({key: round(value, 4) if isinstance(value, float) else value
                         for key, value in values.items()})
    entry = {
        "metadata": {
            "description": "...",
            "variant": metrics["variant"],
            "params": metrics["params"],
            "dataset": metrics["recipe"]["dataset"],
            "recipe": f"python zoo/{metrics['preset']}.py --epochs {metrics['epochs']}",
            "train_seconds": round(metrics["train_seconds"]),
            "metrics": measured,
        },
        "file": metrics["file"],
        "url": None,
        "sha256": metrics["sha256"],
    }
    print(f"Copied to {target}. Entry:")
    pprint.pprint({metrics["preset"]: entry}, sort_dicts=False, width=88)


def train_seconds(history_path, epochs):
    """The training time of the run's first `epochs` epochs: history.csv's
    `train_minutes` of epoch `epochs` (wall time of the epochs, summed over every
    resumed or extended run of the command; a run stopped at an epoch boundary and
    finished with `--epochs N --install` counts exactly its N epochs)."""
    history = read_history(history_path)
    return 60.0 * history["train_minutes"][history["epoch"].index(epochs - 1)]


def evaluate_preset(model, evaluator, num_samples, trained=None, averages="kept"):
    """The zoo's evaluation of `model`, a preset file as a user loads it: FID, KID (and
    class accuracy) of `num_samples` images, seed 0; for a model that keeps a moving
    average also `raw_generator`, the trained generator's FID and KID on the same draw
    (`keras-gans evaluate FILE --no-ema`), or, for a file that ships only the averages
    (`averages="in_place"`), the same of `trained`, the model in memory; for a file
    that ships only the trained networks (`averages="dropped"`),
    `averaged_generator`, the same of `trained`'s average."""
    results = evaluator.evaluate(model, num_samples=num_samples, seed=0)
    if getattr(model, "ema_decay", None) is None and trained is not None:
        model = trained  # the other generator is not in the file
    if getattr(model, "ema_decay", None) is not None:
        use_ema = averages == "dropped"
        other = evaluator.evaluate(model, num_samples=num_samples, seed=0, use_ema=use_ema)
        key = "averaged_generator" if use_ema else "raw_generator"
        results[key] = {name: other[name] for name in ("fid", "kid", "kid_std")}
    return results


def train(recipe, epochs, out, steps_per_epoch=None, verbose=2, continue_from=None):
    """Trains the recipe's model under `out` (resuming a run there); returns it.

    `continue_from`: a preset (name or file) to start from instead of a new model; it
    keeps its own configuration but for the recipe's `continue_options` (the
    recipe's `model_options` are not applied)."""
    import keras_gans as kg

    measures = []
    if recipe.fid_every_n_epochs:
        if issubclass(recipe.model_class(), kg.models.GANModel):  # something to sample
            measures.append(kg.callbacks.FID(recipe.reference,
                                             num_samples=recipe.num_eval_samples,
                                             every_n_epochs=recipe.fid_every_n_epochs))
        # The variant's own measure on the same epochs (what does not change during
        # training, the probes on pixels and on the untrained encoder, left out).
        options = {"encoder_probe": dict(with_pixels=False, with_untrained=False)}
        measures += [kg.callbacks.Measure(name, recipe.fid_every_n_epochs,
                                          **options.get(name, {}))
                     for name in recipe.measures]
    return kg.training.run(
        recipe.model_class(), out, epochs, dataset=recipe.dataset,
        batch_size=recipe.batch(), seed=recipe.seed,
        model_options=(recipe.continue_options or None) if continue_from
        else recipe.model_options,
        steps_per_epoch=steps_per_epoch, callbacks=measures, verbose=verbose,
        from_preset=continue_from,
    )


def main(recipe, argv=None):
    import keras

    import keras_gans as kg
    from keras_gans.images import save_grid
    from keras_gans.io_utils import write_bytes

    args = _parse(recipe, argv)
    recipe = _with_options(recipe, args.option, args.continue_from)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    command = "python " + " ".join(shlex.quote(a) for a in [sys.argv[0], *sys.argv[1:]])

    model = train(recipe, args.epochs, out, args.steps_per_epoch, args.verbose,
                  args.continue_from)

    preset_path = os.path.join(out, f"{recipe.name}.keras")
    # float16 weights: measured as shipped
    kg.presets.export(model, preset_path, averages=recipe.averages)
    trained = model
    sha256 = sha256_of(preset_path)
    write_bytes(preset_path + ".sha256", f"{sha256}  {recipe.name}.keras\n".encode())

    # Measured on the file as a user gets it, not on the in-memory model.
    model = keras.saving.load_model(preset_path)
    start = time.time()
    evaluation = None
    if isinstance(model, kg.models.GANModel):  # something to sample: FID and KID
        save_grid(os.path.join(out, "grid.png"), model.grid_samples(64, seed=0))
        evaluator = kg.evaluation.Evaluator(recipe.reference, split="test")
        results = evaluate_preset(model, evaluator, args.num_eval_samples, trained,
                                  recipe.averages)
        evaluation = {
            "reference": f"{recipe.reference} test",
            "extractor": evaluator.extractor.name,
            "extractor_fingerprint": evaluator.extractor.fingerprint(),
            "seed": 0,
            "command": f"keras-gans evaluate {preset_path} --dataset {recipe.reference} "
                       f"--num {args.num_eval_samples}",
            **results,
        }
    else:  # a translator: its grid shows inputs, translations and cycles
        grid = kg.evaluation.measures.translation_grid(model)
        save_grid(os.path.join(out, "grid.png"), grid, columns=8)
    own = {name: kg.evaluation.measures.MEASURES[name](model) for name in recipe.measures}
    plot_history(os.path.join(out, "history.csv"), os.path.join(out, "curve.png"), recipe.name)
    eval_seconds = time.time() - start

    metrics = {
        "preset": recipe.name,
        "variant": recipe.variant,
        "epochs": args.epochs,
        "steps_per_epoch": args.steps_per_epoch,
        "recipe": dataclasses.asdict(recipe),
        "command": command,
        "file": os.path.basename(preset_path),
        "file_bytes": os.path.getsize(preset_path),
        "sha256": sha256,
        "params": int(model.count_params()),
        "generator_params": sum(int(getattr(model, name).count_params())
                                for name in model.NETWORKS if name.startswith("generator")),
        "train_seconds": round(train_seconds(os.path.join(out, "history.csv"), args.epochs), 1),
        "batch_size": recipe.batch(),
        "eval_seconds": round(eval_seconds, 1),
        "evaluation": evaluation,
        "measures": own,
    }
    write_bytes(os.path.join(out, "metrics.json"), json.dumps(metrics, indent=2).encode())
    print(json.dumps({k: metrics[k] for k in ("preset", "epochs", "sha256", "params",
                                              "train_seconds")}, indent=2))
    if args.install:
        install(metrics, out)
    if evaluation:
        print(f"FID {evaluation['fid']:.3f}  KID {evaluation['kid']:.3f}"
              f" +- {evaluation['kid_std']:.3f}")
    for name, values in own.items():
        print(name, json.dumps(values))
    print(f"-> {out}")
    return metrics
