"""The dcgan_fashion_mnist preset: kg.DCGAN with its paper's defaults on Fashion-MNIST.

    python zoo/dcgan_fashion_mnist.py [--epochs N --out DIR]

Default networks (filters=64, latent_dim=100, z ~ U[-1, 1]), Adam(2e-4, beta_1=0.5)
for both networks, batch 128, seed 0. See zoo/_common.py for what is written.
"""

from _common import Recipe, main

RECIPE = Recipe(name="dcgan_fashion_mnist", variant="dcgan", epochs=10)

if __name__ == "__main__":
    main(RECIPE)
