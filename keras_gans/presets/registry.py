"""The preset registry: every variant's `<variant>_presets.py` gathered into `PRESETS`."""

import copy

from keras_gans.presets.bigan_presets import bigan_presets
from keras_gans.presets.cgan_presets import cgan_presets
from keras_gans.presets.cyclegan_presets import cyclegan_presets
from keras_gans.presets.dcgan_presets import dcgan_presets
from keras_gans.presets.gan_presets import gan_presets
from keras_gans.presets.wgan_gp_presets import wgan_gp_presets
from keras_gans.presets.wgan_presets import wgan_presets

PRESETS = {**gan_presets, **dcgan_presets, **wgan_presets, **wgan_gp_presets,
           **cgan_presets, **cyclegan_presets, **bigan_presets}


def names():
    """The preset names, sorted."""
    return sorted(PRESETS)


def get(name):
    """A copy of preset `name`'s entry; `ValueError` listing the presets if unknown."""
    if name not in PRESETS:
        listing = "\n".join(
            f"  {key}: {PRESETS[key]['metadata']['description']}" for key in names()
        )
        raise ValueError(
            f"Unknown preset. Expected one of {names()}. Received: name={name!r}\n"
            f"The presets:\n{listing}"
        )
    return copy.deepcopy(PRESETS[name])


def list():  # noqa: A001 (kg.presets.list(), as the design names it)
    """`{name: one-line description}` of every preset, sorted by name."""
    return {name: PRESETS[name]["metadata"]["description"] for name in names()}
