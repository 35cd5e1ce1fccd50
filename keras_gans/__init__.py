"""keras-gans: a tested zoo of Generative Adversarial Networks for Keras 3."""

import importlib as _importlib
import os as _os

_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# TensorFlow turns its oneDNN kernels on by default only on CPUs with AVX-512 VNNI/BF16
# or AMX; elsewhere (AVX2-only CPUs) its convolutions are Eigen's, and a DCGAN step took
# about 1.5x the CPU time (docs/performance.md). Effective only if TensorFlow is not
# imported yet (the CLI and the zoo import us first); TF_ENABLE_ONEDNN_OPTS=0 opts out.
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

from keras_gans import callbacks  # noqa: E402
from keras_gans import data  # noqa: E402
from keras_gans import distribute  # noqa: E402
from keras_gans import losses  # noqa: E402
from keras_gans import metrics  # noqa: E402
from keras_gans import models  # noqa: E402
from keras_gans import training  # noqa: E402
from keras_gans.models import (  # noqa: E402
    CGAN, DCGAN, GAN, WGAN, WGANGP, BiGAN, CycleGAN, GANModel,
)

__version__ = "0.1.0"

# Imported on first use (`kg.presets`, `kg.evaluation`, `kg.baselines`, `kg.plots`): they sit above
# the models and are not needed to build or train one.
_LAZY_MODULES = ("baselines", "evaluation", "plots", "presets")


def __getattr__(name):
    if name in _LAZY_MODULES:
        return _importlib.import_module(f"keras_gans.{name}")
    raise AttributeError(f"module 'keras_gans' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_MODULES))


__all__ = [
    "GAN", "DCGAN", "WGAN", "WGANGP", "CGAN", "CycleGAN", "BiGAN", "GANModel",
    "baselines", "callbacks", "data", "distribute", "evaluation", "losses", "metrics", "models",
    "plots", "presets", "training",
]
