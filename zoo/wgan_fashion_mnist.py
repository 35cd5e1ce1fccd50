"""The wgan_fashion_mnist preset: kg.WGAN (Arjovsky et al. 2017) on Fashion-MNIST.

    python zoo/wgan_fashion_mnist.py [--epochs N --out DIR]

Algorithm 1 with the paper's defaults: RMSProp(5e-5), clipping c = 0.01,
n_critic = 5, m = 64 (a fit batch of 320 = 5 critic minibatches), DCGAN networks,
z ~ N(0, I) of 100, seed 0. An epoch is 187 generator updates. See zoo/_common.py.

The shipped file continues the 10 epochs 69 more (`--continue-from wgan_fashion_mnist`;
`continue_options` add a moving average, decay 0.999, beyond the paper), then 100 more
from that run's `model.keras`, then 105 more from that 179-epoch file (`--continue-from
wgan_fashion_mnist` at a086af8). Each time its 0.999 average measured behind the
still-improving trained generator (last: 389.5 against 381.3), so those files held the
trained networks alone. Then 4 more from that file with `--option ema_decay=0.99` (an
average over ~100 generator updates): 374.2 against the trained 377.5, so the file
holds both (`averages="kept"`); zoo/README.md.
"""

from _common import Recipe, main

RECIPE = Recipe(name="wgan_fashion_mnist", variant="wgan", epochs=10,
                fid_every_n_epochs=1, continue_options={"ema_decay": 0.999},
                averages="kept")

if __name__ == "__main__":
    main(RECIPE)
