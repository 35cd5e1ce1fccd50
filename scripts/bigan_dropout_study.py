"""Does a higher rate of ALI's dropout in BiGAN's D let G go on improving? Continues a
zoo run's full state (its `model.keras`: networks, averages and Adam's moments) under
another `discriminator_dropout`, and measures after every epoch:

    python scripts/bigan_dropout_study.py --rate 0.6 --epochs 2 \\
        --start runs/zoo/bigan_fashion_mnist_drop/model.keras --out runs/bigan_dropout/0.6

- `fid`, `fid_raw`: domain FID of 10,000 samples of the averaged and the trained G
  (the zoo's evaluation: `kg.evaluation.Evaluator("fashion_mnist")`, seed 0);
- every second epoch and the last: `kg.evaluation.measures.encoder_probe` on the
  averaged E (linear and 1-NN probes on E(x), how often G(E(x)) keeps x's class).

Unlike `python zoo/bigan_fashion_mnist.py --continue-from PRESET --option
discriminator_dropout=R` (fresh optimizers from a preset file, which holds none), the
run keeps its optimizer state, so the rate is the only change. Writes rows.json and
model.keras at the end (`bigan_discriminator_study.train_by_epoch`).
docs/variants.md has the results.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.evaluation import measures  # noqa: E402
from keras_gans.models.layers import StatelessDropout  # noqa: E402
from bigan_discriminator_study import train_by_epoch  # noqa: E402  (beside this file)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, required=True, help="D's new dropout rate")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--start", default="runs/zoo/bigan_fashion_mnist_drop/model.keras",
                        help="a BiGAN run's .keras file with its optimizer state")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    model = keras.saving.load_model(args.start)
    if not model.discriminator_dropout:
        raise SystemExit(f"{args.start} has no dropout in D to change.")
    for layer in model.discriminator.layers:  # traced at the first fit: takes effect
        if isinstance(layer, StatelessDropout):
            layer.rate = args.rate
    model.discriminator_dropout = args.rate
    print("continuing after", int(model.generator_optimizer.iterations.numpy()), "steps",
          flush=True)
    data = kg.data.load("fashion_mnist", batch_size=128, seed=1)
    evaluator = kg.evaluation.Evaluator("fashion_mnist", split="test")

    def measure(epoch):
        row = {"fid": evaluator.evaluate(model, num_samples=10000, seed=0)["fid"],
               "fid_raw": evaluator.evaluate(model, num_samples=10000, seed=0,
                                             use_ema=False)["fid"]}
        if epoch % 2 == 0 or epoch == args.epochs:
            probes = measures.encoder_probe(model, with_pixels=False, with_untrained=False)
            row.update({k: v for k, v in probes.items() if isinstance(v, (int, float))})
        return row

    train_by_epoch(model, data, args.epochs, args.out, measure)


if __name__ == "__main__":
    main()
