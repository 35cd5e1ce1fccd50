"""The dcgan_fashion_mnist preset: kg.DCGAN with its paper's defaults on Fashion-MNIST,
plus a moving average of the generator.

    python zoo/dcgan_fashion_mnist.py [--epochs N --out DIR]

Default networks (filters=64, latent_dim=100, z ~ U[-1, 1]), Adam(2e-4, beta_1=0.5)
for both networks, batch 128, seed 0, kg.DCGAN's default step (one shared generator
pass, docs/performance.md).

**Beyond the paper:** `ema_decay=0.999` after a warm-up of 1,000 steps (Yazici et al.
2019; `kg.models.ema`): the shipped generator is the moving average, which
`generate` uses by default; the trained generator is in the file too
(`generate(..., use_ema=False)`), and metrics.json gives the FID of both. FID is
measured every 2 epochs into history.csv. See zoo/_common.py for what is written.
"""

from _common import Recipe, main

RECIPE = Recipe(name="dcgan_fashion_mnist", variant="dcgan", epochs=50,
                model_options={"ema_decay": 0.999, "ema_start": 1000},
                fid_every_n_epochs=1)

if __name__ == "__main__":
    main(RECIPE)
