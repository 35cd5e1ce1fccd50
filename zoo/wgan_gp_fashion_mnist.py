"""The wgan_gp_fashion_mnist preset: kg.WGANGP (Gulrajani et al. 2017) on Fashion-MNIST.

    python zoo/wgan_gp_fashion_mnist.py [--epochs N --out DIR]

Algorithm 1 with the paper's defaults: lambda = 10, n_critic = 5, m = 64 (fit batch
320), Adam(1e-4, beta_1=0, beta_2=0.9), layer-normalized DCGAN critic, seed 0.
An epoch is 188 train steps (the last one partial), each 5 critic updates and 1
generator update.

**Beyond the paper:** a moving average of the generator (Yazici et al. 2019,
`kg.models.ema`). The first 36 epochs (`ema_decay=0.995` after 500 steps) measured
their average behind the trained generator (340.1 against 321.0) and shipped without
it. The shipped file continues them 77 epochs (`--continue-from wgan_gp_fashion_mnist`,
`continue_options`: decay 0.999 from step 0): the average 138.9, the trained generator
139.9, so both ship (`averages="kept"`). FID is measured every epoch (of the average)
into history.csv; zoo/README.md has the curve.
See zoo/_common.py.
"""

from _common import Recipe, main

RECIPE = Recipe(name="wgan_gp_fashion_mnist", variant="wgan_gp", epochs=36,
                model_options={"ema_decay": 0.995, "ema_start": 500},
                fid_every_n_epochs=1, averages="kept",
                continue_options={"ema_decay": 0.999, "ema_start": 0})

if __name__ == "__main__":
    main(RECIPE)
