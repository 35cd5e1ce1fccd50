"""The cgan_fashion_mnist preset: kg.CGAN (Mirza & Osindero 2014), class-conditional.

    python zoo/cgan_fashion_mnist.py [--epochs N --out DIR]

The shipped preset is this recipe's 18 epochs, then 8 more on top of that file:
`python zoo/cgan_fashion_mnist.py --epochs 8 --continue-from cgan_fashion_mnist --out
runs/zoo/cgan_fashion_mnist_plus8` (fresh optimizers; zoo/README.md).

The ten Fashion-MNIST classes as the condition y: one-hot, joined to z and as
constant channels to the discriminator's input and feature maps (the conditional
DCGAN, `architecture="dcgan"`, the default), z ~ U[-1, 1] of 100, Adam(2e-4,
beta_1=0.5), batch 128, seed 0. Besides FID and KID (10,000 samples, 1,000 per
class), metrics.json has the per-class accuracy (how often the shipped classifier
recognizes the class each image was generated for) and, under "measures", the
within-class diversity `kg.evaluation.measures.class_diversity` (1: as varied as the
real images of the class, 0: one image per class).

**Beyond the paper:** `ema_decay=0.999` after 1,000 warm-up steps (Yazici et al. 2019,
`kg.models.ema`); the file holds the trained generator too (`use_ema=False`), and
metrics.json the FID of both. Shipped without optimizer state.
"""

from _common import Recipe, main

RECIPE = Recipe(name="cgan_fashion_mnist", variant="cgan", epochs=18,
                model_options={"ema_decay": 0.999, "ema_start": 1000},
                fid_every_n_epochs=1,
                measures=("class_diversity",))

if __name__ == "__main__":
    main(RECIPE)
