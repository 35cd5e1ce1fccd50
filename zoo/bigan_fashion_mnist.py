"""The bigan_fashion_mnist preset: kg.BiGAN (Donahue et al. 2017) on Fashion-MNIST.

    python zoo/bigan_fashion_mnist.py [--epochs N --out DIR]

Encoder E, generator G and a discriminator on (x, z) pairs, z ~ U[-1, 1] of 50
(the paper's default), Adam(2e-4, beta_1=0.5), batch 128, seed 0. Besides FID and
KID of G's samples, metrics.json has the encoder's probe accuracy (linear and 1-NN on
E(x), Fashion-MNIST test) beside the same probes on raw pixels. Shipped without the
optimizer state (5.7 M parameters: with Adam's moments the file would be 69 MB).
"""

from _common import Recipe, main

RECIPE = Recipe(name="bigan_fashion_mnist", variant="bigan", epochs=10,
                measures=("encoder_probe",), include_optimizer=False)

if __name__ == "__main__":
    main(RECIPE)
