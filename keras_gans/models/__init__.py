"""The variants, their bases, and a registry from command-line names to classes.

    AdversarialModel              base.py: optimizers, updates, noise, saving, fit checks
    ├── GANModel                  generative.py: a generator from a latent prior
    │   ├── GAN ── DCGAN          gan.py, dcgan.py (Goodfellow et al.; Radford et al.)
    │   │    └──── CGAN           cgan.py: GAN's step, conditioned on labels
    │   ├── CriticGAN             critic.py: the critic loop of the Wasserstein GANs
    │   │   ├── WGAN              wgan.py: weight clipping
    │   │   └── WGANGP            wgan_gp.py: gradient penalty
    │   └── BiGAN                 bigan.py: a generator and an encoder
    └── Translator                translator.py: two domains, `translate`
        └── CycleGAN              cyclegan.py
"""

from keras_gans.models.base import AdversarialModel
from keras_gans.models.bigan import BiGAN
from keras_gans.models.cgan import CGAN
from keras_gans.models.critic import CriticGAN
from keras_gans.models.cyclegan import CycleGAN
from keras_gans.models.dcgan import DCGAN
from keras_gans.models.gan import GAN
from keras_gans.models.generative import GANModel
from keras_gans.models.translator import Translator
from keras_gans.models.wgan import WGAN
from keras_gans.models.wgan_gp import WGANGP

VARIANTS = {cls.VARIANT: cls for cls in (GAN, DCGAN, WGAN, WGANGP, CGAN, CycleGAN, BiGAN)}


def get(name):
    """The variant class registered under `name` (e.g. "dcgan")."""
    key = name.lower().replace("-", "_")
    if key not in VARIANTS:
        raise ValueError(
            f"Unknown variant. Expected one of {sorted(VARIANTS)}. Received: {name!r}"
        )
    return VARIANTS[key]


__all__ = [
    "AdversarialModel", "BiGAN", "CGAN", "CriticGAN", "CycleGAN", "DCGAN", "GAN", "GANModel",
    "Translator", "VARIANTS", "WGAN", "WGANGP", "get",
]
