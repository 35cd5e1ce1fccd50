"""keras-gans: a tested zoo of Generative Adversarial Networks for Keras 3."""

import os as _os

_os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from keras_gans import callbacks  # noqa: E402
from keras_gans import data  # noqa: E402
from keras_gans import distribute  # noqa: E402
from keras_gans import losses  # noqa: E402
from keras_gans import models  # noqa: E402
from keras_gans import training  # noqa: E402
from keras_gans import evaluation, metrics  # noqa: E402
from keras_gans import presets  # noqa: E402
from keras_gans import baselines  # noqa: E402
from keras_gans.models import (  # noqa: E402
    CGAN, DCGAN, GAN, WGAN, WGANGP, BiGAN, CycleGAN, GANModel,
)

__version__ = "0.1.0"

__all__ = [
    "GAN", "DCGAN", "WGAN", "WGANGP", "CycleGAN", "BiGAN", "GANModel",
    "baselines", "callbacks", "data", "distribute", "evaluation", "losses", "metrics", "models",
    "presets", "training",
]
