"""Feature statistics of real data, cached on disk and keyed by what produced them.

A reference is a dataset split seen through an extractor. Its statistics (count,
float64 mean and covariance for FID, and up to `kid_features` float32 feature vectors
for KID) are written to

    $KERAS_GANS_HOME/stats/<dataset>-<split>-<extractor name>-<key digest>.npz

(`KERAS_GANS_HOME` defaults to `~/.keras/keras_gans`). The key digest covers the
dataset name and split, a sha256 of the split's pixels, the extractor's name, weights
fingerprint and preprocessing, and the number of images and KID vectors; so a new
extractor, new weights, other preprocessing or changed data files each give a new
file, and a cached file is reused only when all of them match. The key is also stored
inside the file and compared on load.
"""

import hashlib
import io
import json
import os

import numpy as np

from keras_gans import data as kg_data
from keras_gans.evaluation import extractors as kg_extractors
from keras_gans.io_utils import home_dir, write_bytes
from keras_gans.metrics import FeatureStatistics

# Bump when the way statistics are computed changes (invalidates every cache file).
STATS_FORMAT_VERSION = 1


def stats_dir():
    """`$KERAS_GANS_HOME/stats`, or `~/.keras/keras_gans/stats`."""
    return home_dir("stats")


class ReferenceStatistics:
    """Statistics of one feature set: FID moments plus KID vectors.

    Attributes:
        statistics: `keras_gans.metrics.FeatureStatistics`.
        kid_features: float32 array `(m, d)` or None, vectors kept for KID.
        key: dict, what produced the statistics.
        path: str or None, the cache file it was loaded from or written to.
        loaded_from_cache: bool.
    """

    def __init__(self, statistics, kid_features=None, key=None, path=None,
                 loaded_from_cache=False):
        self.statistics = statistics
        self.kid_features = kid_features
        self.key = key or {}
        self.path = path
        self.loaded_from_cache = loaded_from_cache

    @property
    def mean(self):
        return self.statistics.mean

    @property
    def covariance(self):
        return self.statistics.covariance

    def to_bytes(self):
        buffer = io.BytesIO()
        arrays = {
            "count": np.int64(self.statistics.count),
            "mean": self.statistics.mean,
            "covariance": self.statistics.covariance,
            "key": np.array(json.dumps(self.key, sort_keys=True)),
        }
        if self.kid_features is not None:
            arrays["kid_features"] = self.kid_features
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_file(cls, path):
        with np.load(path) as stored:
            count = int(stored["count"])
            statistics = FeatureStatistics(stored["mean"].shape[0])
            # Rebuild the accumulator from (count, mean, covariance).
            statistics.count = count
            statistics._mean = stored["mean"].astype(np.float64)
            statistics._scatter = stored["covariance"].astype(np.float64) * (count - 1)
            kid = stored["kid_features"] if "kid_features" in stored.files else None
            key = json.loads(str(stored["key"]))
        return cls(statistics, kid, key, path, loaded_from_cache=True)


def statistics_of_images(images, extractor, batch_size=1000, kid_features=10_000,
                         seed=0):
    """Streams `images` through `extractor` into a `ReferenceStatistics`.

    Args:
        images: uint8 `(n, H, W, C)` in [0, 255] or float `(n, H, W, C)` in [-1, 1].
        extractor: an extractor (see `extractors.py`).
        batch_size: int, images converted and extracted at a time.
        kid_features: int, at most this many feature vectors (a seeded random
            subset, the same for the same `seed`) are kept for KID.
        seed: int.
    """
    images = np.asarray(images)
    count = images.shape[0]
    keep = np.sort(np.random.default_rng(seed).permutation(count)[:kid_features])
    statistics = FeatureStatistics()
    kept = []
    for start in range(0, count, batch_size):
        batch = images[start : start + batch_size]
        if batch.dtype == np.uint8:
            batch = batch.astype(np.float32) / 127.5 - 1.0
        features, _ = extractor.extract(batch)
        statistics.update(features)
        chosen = keep[(keep >= start) & (keep < start + batch_size)] - start
        kept.append(features[chosen].astype(np.float32))
    return ReferenceStatistics(statistics, np.concatenate(kept) if kept else None)


def reference_key(dataset, split, extractor, num_images, kid_features, images):
    return {
        "format": STATS_FORMAT_VERSION,
        "dataset": dataset,
        "split": split,
        "data_sha256": hashlib.sha256(np.ascontiguousarray(images).tobytes()).hexdigest(),
        "num_images": int(num_images),
        "kid_features": int(kid_features),
        "extractor": extractor.name,
        "extractor_fingerprint": extractor.fingerprint(),
        "preprocessing": extractor.preprocessing,
    }


def reference_statistics(dataset="fashion_mnist", split="test", extractor="auto",
                         num_images=None, kid_features=10_000, cache_dir=None,
                         refresh=False, batch_size=1000):
    """Statistics of a named dataset split, from the cache or computed and cached.

    Args:
        dataset: str, a named dataset of `keras_gans.data` (`"fashion_mnist"`).
        split: `"train"` or `"test"` (default; the split the zoo's numbers use).
        extractor: an extractor or a name for `extractors.get`.
        num_images: int or None (the whole split); else the first `num_images`.
        kid_features: int, feature vectors kept for KID (a seeded subset).
        cache_dir: str or None, defaults to `stats_dir()`.
        refresh: bool, recompute even if a cache file matches.
        batch_size: int.

    Returns:
        A `ReferenceStatistics`; `loaded_from_cache` says whether it was reused.
    """
    extractor = kg_extractors.get(extractor, dataset)
    images, _ = kg_data.load_arrays(dataset, split)
    if num_images is not None:
        if not 2 <= num_images <= images.shape[0]:
            raise ValueError(
                f"`num_images` must be in [2, {images.shape[0]}] for {dataset} "
                f"{split}. Received: num_images={num_images}"
            )
        images = images[:num_images]
    key = reference_key(dataset, split, extractor, images.shape[0], kid_features, images)
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    path = os.path.join(
        cache_dir or stats_dir(), f"{dataset}-{split}-{extractor.name}-{digest}.npz"
    )
    if not refresh and os.path.isfile(path):
        try:
            cached = ReferenceStatistics.from_file(path)
        except Exception:  # a corrupt cache file is recomputed, never trusted
            cached = None
        if cached is not None and cached.key == key:
            return cached
    reference = statistics_of_images(images, extractor, batch_size, kid_features)
    reference.key = key
    reference.path = path
    write_bytes(path, reference.to_bytes())
    return reference
