"""FID, KID, Inception Score and per-class accuracy of a generator, in one pass.

`Evaluator` holds an extractor and the cached reference statistics; `evaluate(model)`
draws samples in chunks (`model.generate`), quantizes them to the 256 levels of the
real uint8 data (so both sides see identical preprocessing, as clean-fid argues),
streams their features into float64 moments, keeps the feature vectors for KID, and
compares. `evaluate_images(images)` does the same for images already in memory (real
data: the floor of the metric).
"""

import inspect
import zlib

import numpy as np

from keras_gans import metrics
from keras_gans.evaluation import extractors as kg_extractors
from keras_gans.evaluation.reference import reference_statistics


def quantize(images):
    """Float images in [-1, 1] -> the nearest of the 256 levels uint8 data can take."""
    levels = np.round((np.clip(images, -1.0, 1.0) + 1.0) * 127.5)
    return (levels / 127.5 - 1.0).astype(np.float32)


def accepts_labels(model):
    """Whether `model.generate` takes a `labels=` argument (checked, not assumed)."""
    try:
        return "labels" in inspect.signature(model.generate).parameters
    except (TypeError, ValueError):
        return False


def balanced_labels(num_samples, num_classes):
    """0, 1, ..., num_classes - 1, 0, 1, ...: every class equally often (+-1)."""
    return np.arange(num_samples, dtype=np.int64) % num_classes


class Evaluator:
    """Compares generated images with a reference dataset split.

    Args:
        reference: str, a named dataset (`"fashion_mnist"`), defaults to it.
        split: `"test"` (default) or `"train"`: the reference split.
        extractor: `"auto"` (the domain classifier for Fashion-MNIST), `"domain"`,
            `"inception_v3"` or an extractor object (see `extractors.py`).
        kid_subsets: int, defaults to 100.
        kid_subset_size: int, defaults to 1000 (smaller sets shrink it).
        inception_score_splits: int, defaults to 10.
        cache_dir: str or None, where reference statistics are cached.
        reference_images: int or None, use only the first N images of the split.

    Example:

    ```python
    evaluator = kg.evaluation.Evaluator("fashion_mnist")
    results = evaluator.evaluate(model, num_samples=10_000)
    results["fid"], results["kid"]
    ```
    """

    def __init__(self, reference="fashion_mnist", split="test", extractor="auto",
                 kid_subsets=100, kid_subset_size=1000, inception_score_splits=10,
                 cache_dir=None, reference_images=None):
        self.extractor = kg_extractors.get(extractor, reference)
        self.reference = reference_statistics(
            reference, split, self.extractor, num_images=reference_images,
            cache_dir=cache_dir,
        )
        self.dataset = reference
        self.split = split
        self.kid_subsets = kid_subsets
        self.kid_subset_size = kid_subset_size
        self.inception_score_splits = inception_score_splits

    # ------------------------------------------------------------------ generation

    def generated_batches(self, model, num_samples, seed=0, batch_size=500, use_ema=None):
        """Yields `(images, labels or None)` chunks drawn from `model`.

        A model whose class sets `CONDITIONAL = True` and whose `generate` accepts
        `labels=` is asked for balanced labels (each class equally often); any other
        model is called as `generate(n, seed=...)`. Each chunk has its own seed,
        derived from `seed` and the chunk index, so the whole draw is reproducible.
        `use_ema=False` draws from the trained generator of a model that keeps a
        moving average (`ema_decay`); None (default) leaves `generate`'s default.
        """
        options = {} if use_ema is None else {"use_ema": use_ema}
        conditional = bool(getattr(model, "CONDITIONAL", False)) and accepts_labels(model)
        num_classes = getattr(model, "num_classes", None) or self.extractor.num_classes
        if conditional and not num_classes:
            raise ValueError(
                f"{type(model).__name__} is conditional but has no `num_classes` and "
                "the extractor is not a classifier: cannot choose labels."
            )
        labels = balanced_labels(num_samples, num_classes) if conditional else None
        for index, start in enumerate(range(0, num_samples, batch_size)):
            count = min(batch_size, num_samples - start)
            chunk_seed = zlib.crc32(f"{seed}:{index}".encode()) >> 1
            if conditional:
                chunk_labels = labels[start : start + count]
                images = model.generate(count, seed=chunk_seed, labels=chunk_labels,
                                        **options)
            else:
                chunk_labels = None
                images = model.generate(count, seed=chunk_seed, **options)
            yield np.asarray(images, dtype=np.float32), chunk_labels

    # ------------------------------------------------------------------ metrics

    def evaluate(self, model, num_samples=10_000, seed=0, batch_size=500, use_ema=None):
        """Metrics of `num_samples` images from `model`; see `evaluate_batches`.

        `use_ema=False` measures the trained generator of a model that keeps a moving
        average (see `generated_batches`)."""
        if not isinstance(num_samples, (int, np.integer)) or num_samples < 2:
            raise ValueError(
                f"`num_samples` must be an int >= 2. Received: {num_samples!r}"
            )
        return self.evaluate_batches(
            self.generated_batches(model, int(num_samples), seed, batch_size, use_ema)
        )

    def evaluate_images(self, images, labels=None, batch_size=1000):
        """Metrics of images in memory: uint8 [0, 255] or float [-1, 1]."""
        images = np.asarray(images)

        def batches():
            for start in range(0, images.shape[0], batch_size):
                batch = images[start : start + batch_size]
                if batch.dtype == np.uint8:
                    batch = batch.astype(np.float32) / 127.5 - 1.0
                yield batch, None if labels is None else labels[start : start + batch_size]

        return self.evaluate_batches(batches())

    def evaluate_batches(self, batches):
        """Metrics of `(images, labels or None)` batches of float images in [-1, 1].

        Returns:
            A dict of Python floats: `fid`, `kid`, `kid_std`, the number of samples
            `num_samples`; with a classifier extractor also `inception_score` and
            `inception_score_std`; when labels are given (conditional models) also
            `class_accuracy` (mean over classes) and `class_accuracy_<k>` for each
            class k: how often the classifier recognizes the requested class, and the
            lowest of them, `worst_class_accuracy`.
        """
        statistics = metrics.FeatureStatistics()
        features_kept, probabilities, all_labels = [], [], []
        for images, labels in batches:
            features, probs = self.extractor.extract(quantize(images))
            statistics.update(features)
            features_kept.append(features)
            if probs is not None:
                probabilities.append(probs)
            if labels is not None:
                all_labels.append(np.asarray(labels))
        results = {
            "num_samples": statistics.count,
            "fid": statistics.frechet_distance(self.reference.statistics),
        }
        reference_features = self.reference.kid_features
        if reference_features is not None:
            kid, kid_std = metrics.kernel_inception_distance(
                np.concatenate(features_kept), reference_features,
                num_subsets=self.kid_subsets, subset_size=self.kid_subset_size,
            )
            results.update(kid=kid, kid_std=kid_std)
        if probabilities:
            probabilities = np.concatenate(probabilities)
            if probabilities.shape[0] >= self.inception_score_splits:
                score, score_std = metrics.inception_score(
                    probabilities, self.inception_score_splits
                )
                results.update(inception_score=score, inception_score_std=score_std)
            if all_labels:
                results.update(
                    per_class_accuracy(np.concatenate(all_labels), probabilities)
                )
        return results


def per_class_accuracy(labels, probabilities):
    """`class_accuracy_<k>` = P(classifier says k | generated for class k), their mean
    `class_accuracy` and their minimum `worst_class_accuracy`."""
    predictions = np.argmax(probabilities, axis=1)
    results = {}
    for label in np.unique(labels):
        mask = labels == label
        results[f"class_accuracy_{int(label)}"] = float(np.mean(predictions[mask] == label))
    per_class = list(results.values())
    results["class_accuracy"] = float(np.mean(per_class))
    results["worst_class_accuracy"] = float(np.min(per_class))
    return results
