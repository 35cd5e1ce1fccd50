"""Sample-quality metrics from features: FID, KID, Inception Score.

Pure NumPy, in float64, no SciPy at run time. This module only holds the formulas and
the statistics they need; which network produces the features lives in
`keras_gans.evaluation.extractors`, and the cached statistics of real data in
`keras_gans.evaluation.reference` (the split torch-fidelity makes: extractor,
statistics, formula).

- `frechet_distance(mu1, sigma1, mu2, sigma2)`: the Frechet (2-Wasserstein) distance
  between two Gaussians, Heusel et al. 2017 ("GANs Trained by a Two Time-Scale Update
  Rule...", eq. 6): ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)).
- `FeatureStatistics`: mean and covariance accumulated batch by batch in one pass
  (memory O(d^2), never all features at once), mergeable.
- `kernel_inception_distance(x, y)`: Binkowski et al. 2018 ("Demystifying MMD GANs",
  sec. 4): the unbiased MMD^2 with the cubic kernel k(x, y) = (x.y / d + 1)^3, averaged
  over random subsets; mean and standard deviation.
- `inception_score(probabilities)`: Salimans et al. 2016, exp(E_x KL(p(y|x) || p(y))),
  over splits; mean and standard deviation.

Example:

```python
stats = kg.metrics.FeatureStatistics()
for batch in feature_batches:
    stats.update(batch)
fid = kg.metrics.frechet_distance(stats.mean, stats.covariance, mu_ref, sigma_ref)
```
"""

import numpy as np

__all__ = [
    "FeatureStatistics",
    "frechet_distance",
    "trace_sqrt_product",
    "kernel_inception_distance",
    "inception_score",
]


# ---------------------------------------------------------------------- Frechet distance


def _check_gaussian(mu, sigma, which):
    mu = np.asarray(mu, dtype=np.float64)
    sigma = np.asarray(sigma, dtype=np.float64)
    if mu.ndim != 1 or mu.shape[0] == 0:
        raise ValueError(
            f"`mu{which}` must be a non-empty vector of shape (d,). "
            f"Received shape {mu.shape}."
        )
    d = mu.shape[0]
    if sigma.shape != (d, d):
        raise ValueError(
            f"`sigma{which}` must be a (d, d) = ({d}, {d}) covariance matching "
            f"`mu{which}`. Received shape {sigma.shape}."
        )
    for name, value in ((f"mu{which}", mu), (f"sigma{which}", sigma)):
        if not np.all(np.isfinite(value)):
            bad = int(np.size(value) - np.count_nonzero(np.isfinite(value)))
            raise ValueError(
                f"`{name}` contains {bad} NaN or inf value(s): the features were not "
                "finite (a diverged generator, or too few samples for a covariance)."
            )
    scale = max(float(np.max(np.abs(sigma))), np.finfo(np.float64).tiny)
    asymmetry = float(np.max(np.abs(sigma - sigma.T))) / scale
    if asymmetry > 1e-6:
        raise ValueError(
            f"`sigma{which}` is not symmetric (max |S - S^T| / max |S| = "
            f"{asymmetry:.2g}); expected a covariance matrix."
        )
    return mu, (sigma + sigma.T) / 2.0


def _psd_sqrt(matrix):
    """Symmetric square root of a symmetric PSD matrix; round-off negatives -> 0."""
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    roots = np.sqrt(np.clip(eigenvalues, 0.0, None))
    return (eigenvectors * roots) @ eigenvectors.T


def trace_sqrt_product(sigma1, sigma2):
    """Tr((S1 S2)^(1/2)) for symmetric positive semi-definite S1, S2, in float64.

    S1 S2 is not symmetric, but it is similar to the PSD matrix
    M = S1^(1/2) S2 S1^(1/2) (conjugate by S1^(1/2)), so its eigenvalues are M's,
    real and >= 0, and the trace of its principal square root is sum(sqrt(eig(M))).
    Two symmetric eigendecompositions (`eigh`): stable for singular covariances
    (fewer samples than dimensions, dead ReLU units), where `scipy.linalg.sqrtm`
    returns complex parts and needs an added eps * I. Eigenvalues below zero are
    round-off and are clipped to zero.
    """
    root1 = _psd_sqrt(sigma1)
    middle = root1 @ sigma2 @ root1
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2.0)
    return float(np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None))))


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """The Frechet distance between N(mu1, sigma1) and N(mu2, sigma2), in float64.

    d^2 = ||mu1 - mu2||^2 + Tr(sigma1) + Tr(sigma2) - 2 Tr((sigma1 sigma2)^(1/2))
    (Heusel et al. 2017, eq. 6). With Inception features this is the FID.

    Args:
        mu1: array `(d,)`, mean of the first set of features.
        sigma1: array `(d, d)`, its covariance.
        mu2: array `(d,)`, mean of the second set.
        sigma2: array `(d, d)`, its covariance.

    Returns:
        A Python float >= 0 (a round-off negative is returned as 0.0).

    Raises:
        ValueError: on mismatched shapes, non-finite values or a non-symmetric sigma.

    Example:

    ```python
    kg.metrics.frechet_distance(np.zeros(2), np.eye(2), np.ones(2), 4 * np.eye(2))
    # 2 + (1 + 1 - 2)^2 * 2 = 4.0
    ```
    """
    mu1, sigma1 = _check_gaussian(mu1, sigma1, 1)
    mu2, sigma2 = _check_gaussian(mu2, sigma2, 2)
    if mu1.shape != mu2.shape:
        raise ValueError(
            "The two Gaussians have different dimensions: "
            f"mu1 has shape {mu1.shape}, mu2 has shape {mu2.shape}."
        )
    difference = mu1 - mu2
    distance = (
        difference @ difference
        + np.trace(sigma1)
        + np.trace(sigma2)
        - 2.0 * trace_sqrt_product(sigma1, sigma2)
    )
    return max(float(distance), 0.0)


# ---------------------------------------------------------------------- streaming statistics


class FeatureStatistics:
    """Mean and covariance of feature vectors, accumulated batch by batch in float64.

    Keeps the count, the mean and the sum of squared deviations (d x d), never the
    features; each batch is folded in with the pairwise update of Chan, Golub &
    LeVeque (1979), which stays accurate when the mean is far from zero (unlike
    sum(x x^T) / n - mu mu^T). `merge` combines two accumulators exactly the same
    way, so statistics computed in pieces (or on several workers) equal the one-shot
    ones up to round-off.

    Args:
        dim: int or None. Feature dimension; `None` takes it from the first batch.

    Attributes:
        count: int, number of vectors seen.
        mean: float64 array `(d,)`.
        covariance: float64 array `(d, d)`, unbiased (divides by count - 1), as
            `np.cov(features, rowvar=False)` and the reference FID code (TTUR).

    Example:

    ```python
    stats = FeatureStatistics()
    for batch in np.array_split(features, 10):
        stats.update(batch)
    np.allclose(stats.covariance, np.cov(features, rowvar=False))  # True
    ```
    """

    def __init__(self, dim=None):
        self.count = 0
        self.dim = None if dim is None else int(dim)
        self._mean = None
        self._scatter = None  # sum over vectors of (x - mean)(x - mean)^T
        if self.dim is not None:
            self._mean = np.zeros(self.dim)
            self._scatter = np.zeros((self.dim, self.dim))

    def update(self, features):
        """Folds a batch `(n, d)` of feature vectors in. Returns `self`."""
        features = np.asarray(features, dtype=np.float64)
        if features.ndim != 2:
            raise ValueError(
                "Features must be a 2-D batch (n, d). Received shape "
                f"{features.shape}."
            )
        if self.dim is None:
            self.__init__(features.shape[1])
        if features.shape[1] != self.dim:
            raise ValueError(
                f"Features have dimension {features.shape[1]}, but these statistics "
                f"hold dimension {self.dim}."
            )
        if not np.all(np.isfinite(features)):
            raise ValueError(
                "Features contain NaN or inf values (a diverged generator or "
                "extractor?); they cannot enter the statistics."
            )
        if features.shape[0] == 0:
            return self
        batch_mean = features.mean(axis=0)
        centered = features - batch_mean
        self._combine(features.shape[0], batch_mean, centered.T @ centered)
        return self

    def merge(self, other):
        """Folds the statistics of another accumulator in. Returns `self`."""
        if not isinstance(other, FeatureStatistics):
            raise ValueError(
                f"Can only merge FeatureStatistics. Received: {type(other).__name__}"
            )
        if other.count == 0:
            return self
        if self.dim is None:
            self.__init__(other.dim)
        if other.dim != self.dim:
            raise ValueError(
                f"Cannot merge statistics of dimension {other.dim} into {self.dim}."
            )
        self._combine(other.count, other._mean, other._scatter)
        return self

    def _combine(self, count, mean, scatter):
        total = self.count + count
        delta = mean - self._mean
        self._mean = self._mean + delta * (count / total)
        self._scatter = (
            self._scatter + scatter + np.outer(delta, delta) * (self.count * count / total)
        )
        self.count = total

    @property
    def mean(self):
        if self.count == 0:
            raise ValueError("No features were added to these statistics.")
        return self._mean.copy()

    @property
    def covariance(self):
        if self.count < 2:
            raise ValueError(
                f"A covariance needs at least 2 feature vectors; received {self.count}."
            )
        scatter = self._scatter / (self.count - 1)
        return (scatter + scatter.T) / 2.0

    @classmethod
    def from_features(cls, features):
        """One-shot statistics of a `(n, d)` array."""
        return cls().update(features)

    def frechet_distance(self, other):
        """`frechet_distance` between these statistics and `other`'s."""
        return frechet_distance(self.mean, self.covariance, other.mean, other.covariance)


# ---------------------------------------------------------------------- KID


def _polynomial_kernel(x, y, degree, gamma, coef0):
    kernel = x @ y.T
    kernel *= gamma
    kernel += coef0
    if degree != int(degree) or degree < 1:
        return kernel ** degree
    # In place, by repeated products: numpy's `**` calls pow() per element, which
    # made KID (300 kernels of 1000 x 1000) about 3x slower and half of an evaluation.
    result = kernel.copy()
    for _ in range(int(degree) - 1):
        result *= kernel
    return result


def _unbiased_mmd2(x, y, degree, gamma, coef0):
    m = x.shape[0]
    k_xx = _polynomial_kernel(x, x, degree, gamma, coef0)
    k_yy = _polynomial_kernel(y, y, degree, gamma, coef0)
    k_xy = _polynomial_kernel(x, y, degree, gamma, coef0)
    # The unbiased estimator drops the i == j terms of the within-set sums.
    sum_xx = k_xx.sum() - np.trace(k_xx)
    sum_yy = k_yy.sum() - np.trace(k_yy)
    return (sum_xx + sum_yy) / (m * (m - 1)) - 2.0 * k_xy.sum() / (m * m)


def kernel_inception_distance(
    features1,
    features2,
    num_subsets=100,
    subset_size=1000,
    degree=3,
    gamma=None,
    coef0=1.0,
    seed=0,
):
    """KID: the unbiased MMD^2 between two feature sets, averaged over subsets.

    Binkowski et al. 2018, sec. 4, with their cubic kernel k(x, y) = (x.y / d + 1)^3;
    `num_subsets` times, `subset_size` vectors are drawn without replacement from
    each set and the unbiased MMD^2 estimate is computed; the mean and (population)
    standard deviation of the estimates are returned, as torch-fidelity does.

    Every subset's estimate is unbiased whatever its size, so when a set has fewer
    than `subset_size` vectors the subsets shrink to the smaller set's size (the
    estimate gets noisier, not biased). Unlike FID, KID needs the feature vectors,
    not just their moments: memory is O(n d) for the two sets.

    Args:
        features1: array `(n1, d)`.
        features2: array `(n2, d)`.
        num_subsets: int, defaults to 100.
        subset_size: int, defaults to 1000.
        degree: int, defaults to 3.
        gamma: float or None; `None` means 1 / d.
        coef0: float, defaults to 1.
        seed: int, seeds the subset draws, defaults to 0.

    Returns:
        A tuple `(mean, std)` of Python floats. The mean can be slightly negative
        (it is unbiased) when the two sets come from the same distribution.
    """
    x = np.asarray(features1, dtype=np.float64)
    y = np.asarray(features2, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ValueError(
            "KID needs two feature sets of shapes (n1, d) and (n2, d). Received "
            f"{x.shape} and {y.shape}."
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("KID received features containing NaN or inf values.")
    size = min(int(subset_size), x.shape[0], y.shape[0])
    if size < 2:
        raise ValueError(
            f"KID needs at least 2 vectors per set. Received {x.shape[0]} and "
            f"{y.shape[0]}."
        )
    if num_subsets < 1:
        raise ValueError(f"`num_subsets` must be >= 1. Received {num_subsets}.")
    gamma = 1.0 / x.shape[1] if gamma is None else float(gamma)
    rng = np.random.default_rng(seed)
    estimates = np.empty(int(num_subsets))
    for index in range(int(num_subsets)):
        subset_x = x[rng.choice(x.shape[0], size, replace=False)]
        subset_y = y[rng.choice(y.shape[0], size, replace=False)]
        estimates[index] = _unbiased_mmd2(subset_x, subset_y, degree, gamma, coef0)
    return float(estimates.mean()), float(estimates.std())


# ---------------------------------------------------------------------- Inception Score


def inception_score(probabilities, num_splits=10):
    """IS = exp(E_x KL(p(y|x) || p(y))) over `num_splits` splits; mean and std.

    Salimans et al. 2016, sec. 4. `p(y)` is the mean of `p(y|x)` within each split,
    as in their code. Only meaningful when the extractor is a classifier (the
    domain classifier: 10 classes, so IS <= 10).

    Args:
        probabilities: array `(n, num_classes)` of softmax outputs (rows sum to 1).
        num_splits: int, defaults to 10.

    Returns:
        A tuple `(mean, std)` of Python floats.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] < num_splits or num_splits < 1:
        raise ValueError(
            "`probabilities` must have shape (n, num_classes) with n >= num_splits "
            f"({num_splits}). Received shape {p.shape}."
        )
    if not np.all(np.isfinite(p)) or p.min() < 0 or not np.allclose(p.sum(1), 1, atol=1e-3):
        raise ValueError(
            "`probabilities` must be finite, >= 0 and sum to 1 over each row "
            "(softmax outputs, not logits)."
        )
    scores = []
    for part in np.array_split(p, num_splits):
        marginal = part.mean(axis=0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(part > 0, part * (np.log(part) - np.log(marginal)), 0.0)
        scores.append(np.exp(terms.sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))
