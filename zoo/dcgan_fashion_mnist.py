"""The dcgan_fashion_mnist preset: kg.DCGAN with its paper's defaults on Fashion-MNIST.

    python zoo/dcgan_fashion_mnist.py [--epochs N --out DIR]

Default networks (filters=64, latent_dim=100, z ~ U[-1, 1]), Adam(2e-4, beta_1=0.5)
for both networks, batch 128, seed 0. See zoo/_common.py for what is written.

The preset was trained before kg.DCGAN's default became one shared generator pass per
step (docs/performance.md); the recipe keeps the fresh-noise step it was trained with
(`shared_generator_pass=False`, Algorithm 1 of the GAN paper), so this command
reproduces the shipped file.
"""

from _common import Recipe, main

RECIPE = Recipe(name="dcgan_fashion_mnist", variant="dcgan", epochs=10,
                model_options={"shared_generator_pass": False})

if __name__ == "__main__":
    main(RECIPE)
