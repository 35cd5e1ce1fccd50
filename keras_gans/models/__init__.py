"""The variants, and a registry from command-line names to classes."""

from keras_gans.models.base import GANModel
from keras_gans.models.bigan import BiGAN
from keras_gans.models.cgan import CGAN
from keras_gans.models.cyclegan import CycleGAN
from keras_gans.models.dcgan import DCGAN
from keras_gans.models.gan import GAN
from keras_gans.models.wgan import WGAN
from keras_gans.models.wgan_gp import WGANGP

VARIANTS = {
    "gan": GAN,
    "dcgan": DCGAN,
    "wgan": WGAN,
    "wgan_gp": WGANGP,
    "cgan": CGAN,
    "cyclegan": CycleGAN,
    "bigan": BiGAN,
}


def get(name):
    """The variant class registered under `name` (e.g. "dcgan")."""
    key = name.lower().replace("-", "_")
    if key not in VARIANTS:
        raise ValueError(
            f"Unknown variant. Expected one of {sorted(VARIANTS)}. Received: {name!r}"
        )
    return VARIANTS[key]
