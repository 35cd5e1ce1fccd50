"""The gan_fashion_mnist preset: kg.GAN (Goodfellow et al. 2014) on Fashion-MNIST.

    python zoo/gan_fashion_mnist.py [--epochs N --out DIR]

The paper's MNIST configuration (mnist.yaml of its code): MLP generator ReLU
1200-1200, maxout discriminator 240x5 with dropout, z ~ N(0, I) of 100, SGD(0.1
decayed by 1.000004 per step, momentum 0.5 -> 0.7 over updates 500-125,000) for both
networks, batch 100, k = 1, seed 0. See zoo/_common.py for what is written.

**Beyond the paper:** `ema_decay=0.999` after 1,000 warm-up steps (Yazici et al. 2019,
`kg.models.ema`). The file ships the average as the generator (`averages="in_place"`
of `kg.presets.export`: the paper's 1200-1200 MLP twice would take 5 MB of the zoo's
40 MB), with the trained discriminator; metrics.json has the FID of the average and of
the trained generator (measured before export). FID is measured every epoch into
history.csv.

The shipped file is this recipe's 40 epochs continued twice (zoo/README.md):
95 epochs with `--continue-from gan_fashion_mnist` (at commit 19aa04c, when
`continue_options` was a new average of decay 0.999), then 61 with `--continue-from
runs/zoo/gan_fashion_mnist_plus/model.keras` and today's `continue_options`, a longer
average (0.9999) that carries the previous one on: the trained generator oscillates,
and averaging over more updates measured better (scripts/average_checkpoints.py).
"""

from _common import Recipe, main

RECIPE = Recipe(name="gan_fashion_mnist", variant="gan", epochs=40,
                model_options={"ema_decay": 0.999, "ema_start": 1000},
                fid_every_n_epochs=1, averages="in_place",
                continue_options={"ema_decay": 0.9999, "ema_start": 0})

if __name__ == "__main__":
    main(RECIPE)
