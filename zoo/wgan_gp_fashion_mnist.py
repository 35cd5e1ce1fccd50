"""The wgan_gp_fashion_mnist preset: kg.WGANGP (Gulrajani et al. 2017) on Fashion-MNIST.

    python zoo/wgan_gp_fashion_mnist.py [--epochs N --out DIR]

Algorithm 1 with the paper's defaults: lambda = 10, n_critic = 5, m = 64 (fit batch
320), Adam(1e-4, beta_1=0, beta_2=0.9), layer-normalized DCGAN critic, seed 0.
See zoo/_common.py.
"""

from _common import Recipe, main

RECIPE = Recipe(name="wgan_gp_fashion_mnist", variant="wgan_gp", epochs=10)

if __name__ == "__main__":
    main(RECIPE)
