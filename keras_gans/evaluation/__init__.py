"""Evaluation of generators: feature extractors, cached reference statistics, FID/KID.

The formulas are in `keras_gans.metrics`; the protocol is in docs/evaluation.md.

```python
evaluator = kg.evaluation.Evaluator("fashion_mnist", split="test")
evaluator.evaluate(model, num_samples=10_000)  # {"fid": ..., "kid": ..., ...}
```
"""

from keras_gans.evaluation import extractors, measures
from keras_gans.evaluation.evaluator import Evaluator
from keras_gans.evaluation.extractors import (
    DomainClassifierExtractor,
    InceptionV3Extractor,
    KerasFeatureExtractor,
)
from keras_gans.evaluation.reference import (
    ReferenceStatistics,
    reference_statistics,
    statistics_of_images,
    stats_dir,
)

__all__ = [
    "DomainClassifierExtractor",
    "Evaluator",
    "InceptionV3Extractor",
    "KerasFeatureExtractor",
    "ReferenceStatistics",
    "extractors",
    "measures",
    "reference_statistics",
    "statistics_of_images",
    "stats_dir",
]
