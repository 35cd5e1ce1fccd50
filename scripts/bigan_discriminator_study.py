"""Which joint discriminator lets a BiGAN's encoder learn? Trains kg.BiGAN (the zoo
preset's configuration: convolutional G and E, z of 100, EMA 0.999 after 1,000 steps)
with one of several discriminators on Fashion-MNIST and measures after every epoch:

    python scripts/bigan_discriminator_study.py --d base --epochs 3 --out runs/bigan_study/base

- `fid`, `fid_raw`: domain FID of 5,000 samples of the averaged and the trained G;
- `reconstruction_keeps_class`, `reconstruction_l1`: kg.evaluation.measures';
- `nn1`: 1-NN (cosine) test accuracy on E(x), trained on E of the 60,000 training images;
- `D_xE`, `D_xzrand`, `D_Gz_z`, `D_Gz_zshuf`: D's mean sigmoid score on 2,000 test images
  paired with their codes E(x) and with random codes, and on G(z) paired with its own z
  and with another sample's z. A D that judges the pair scores a real image with its
  own code apart from one with a random code; one that judges x alone does not.

Discriminators (`--d`): `base` the preset's (kg's `discriminator_type="bigan"`, units
256); `branches` ALI's layout (an x-branch to `--units`, a z-branch MLP of `--zunits`
x2, a joint MLP of 2 x 2*units); `bn` the preset's with DCGAN's batch-norm trunk;
`drop` ALI's dropout (`--dropout`) after every D layer and on z, no normalisation.
`--dlr` gives D its own Adam learning rate. Writes rows.json after every epoch and
model.keras at the end. docs/variants.md has the results.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.evaluation import measures  # noqa: E402
from keras_gans.models.dcgan import dcgan_image_features  # noqa: E402
from keras_gans.models.layers import LayerSeeds, batch_norm  # noqa: E402

SHAPE = (28, 28, 1)


def dense(units, seeds):
    return layers.Dense(units, kernel_initializer=seeds.normal(0.02))


def head(h, seeds):
    return layers.Dense(1, kernel_initializer=seeds.normal(0.02), dtype="float32")(h)


def lrelu(h):
    return layers.LeakyReLU(0.2)(h)


def discriminator(kind, latent, units, zunits, rate, seed=2):
    """The study's joint discriminators D(x, z) -> logit (None: kg's own)."""
    if kind == "base":
        return None
    seeds = LayerSeeds(seed)
    images, z = keras.Input(SHAPE), keras.Input((latent,))
    if kind == "branches":
        fx = lrelu(dense(units, seeds)(dcgan_image_features(images, 64, seeds, normalization=None)))
        fz = z
        for _ in range(2):
            fz = lrelu(dense(zunits, seeds)(fz))
        h = layers.Concatenate()([fx, fz])
        widths = (2 * units, 2 * units)
    elif kind == "bn":
        h = layers.Concatenate()([dcgan_image_features(images, 64, seeds, normalization=batch_norm), z])
        widths = (units, units)
    elif kind == "drop":
        x = images
        for i in range(2):
            x = layers.Conv2D(64 * 2**i, 5, strides=2, padding="same",
                              kernel_initializer=seeds.normal(0.02))(x)
            x = layers.Dropout(rate, seed=seed + 10 + i)(lrelu(x))
        h = layers.Concatenate()([layers.Flatten()(x), layers.Dropout(rate, seed=seed + 20)(z)])
        widths = (units, units)
    else:
        raise ValueError(f"--d {kind!r}: use base, branches, bn or drop.")
    for i, width in enumerate(widths):
        h = lrelu(dense(width, seeds)(h))
        if rate:
            h = layers.Dropout(rate, seed=seed + 30 + i)(h)
    return keras.Model([images, z], head(h, seeds), name="discriminator")


def scaled(x):
    return (x.astype("float32") / 127.5 - 1.0).reshape((-1,) + SHAPE)


def measure(model, evaluator, train, test, rng):
    """One epoch's row (see the module docstring)."""
    (train_x, train_y), (test_x, test_y) = train, test
    row = {"fid": evaluator.evaluate(model, num_samples=5000, seed=0)["fid"],
           "fid_raw": evaluator.evaluate(model, num_samples=5000, seed=0, use_ema=False)["fid"]}
    row.update(measures.reconstruction_measures(model, test_data=(test_x, test_y)))
    row["nn1"] = measures.nearest_neighbour_accuracy(
        model.encode(train_x), train_y, model.encode(test_x), test_y)
    x = test_x[:2000]
    codes = model.encode(x, use_ema=False)
    z = rng.uniform(-1, 1, codes.shape).astype("float32")
    fakes = np.asarray(model.generator(z, training=False))

    def mean_score(images, zs):
        return float((1.0 / (1.0 + np.exp(-model.score(images, zs)))).mean())

    row.update(D_xE=mean_score(x, codes), D_xzrand=mean_score(x, z),
               D_Gz_z=mean_score(fakes, z), D_Gz_zshuf=mean_score(fakes, z[::-1]))
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--d", default="base", choices=("base", "branches", "bn", "drop"))
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--zunits", type=int, default=256)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--latent", type=int, default=100)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--dlr", type=float, default=None, help="D's learning rate (default --lr)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    options = dict(architecture="dcgan", units=args.units, latent_dim=args.latent, seed=0,
                   ema_decay=0.999, ema_start=1000)
    d = discriminator(args.d, args.latent, args.units, args.zunits, args.dropout)
    if d is not None:
        options["discriminator"] = d
    model = kg.BiGAN(**options)
    model.compile(generator_optimizer=keras.optimizers.Adam(args.lr, beta_1=0.5),
                  discriminator_optimizer=keras.optimizers.Adam(args.dlr or args.lr, beta_1=0.5))
    print("D params", model.discriminator.count_params(), flush=True)
    data = kg.data.load("fashion_mnist", batch_size=128, seed=0)
    evaluator = kg.evaluation.Evaluator("fashion_mnist", split="test")
    train_x, train_y = kg.data.load_arrays("fashion_mnist", split="train")
    test_x, test_y = kg.data.load_arrays("fashion_mnist", split="test")
    train, test = (scaled(train_x), train_y), (scaled(test_x), test_y)
    rng = np.random.default_rng(0)
    train_by_epoch(model, data, args.epochs, args.out,
                   lambda epoch: measure(model, evaluator, train, test, rng))


def train_by_epoch(model, data, epochs, out, measure):
    """`epochs` one-epoch fits of `model` on `data`, each followed by a row: the
    epoch, training minutes so far, the last losses and `measure(epoch)`'s dict;
    printed and written to `out`/rows.json after every epoch, model.keras at the end."""
    rows, train_seconds = [], 0.0
    for epoch in range(1, epochs + 1):
        start = time.time()
        history = model.fit(data, epochs=1, verbose=0).history
        train_seconds += time.time() - start
        row = {"epoch": epoch, "train_minutes": train_seconds / 60,
               "d_loss": float(history["discriminator_loss"][-1]),
               "g_loss": float(history["generator_loss"][-1])}
        row.update(measure(epoch))
        rows.append(row)
        print(json.dumps({k: round(v, 4) if isinstance(v, float) else v
                          for k, v in row.items()}), flush=True)
        with open(os.path.join(out, "rows.json"), "w") as f:
            json.dump(rows, f, indent=1)
    model.save(os.path.join(out, "model.keras"))


if __name__ == "__main__":
    main()
