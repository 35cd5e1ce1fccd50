"""The formulas of keras_gans.metrics against closed forms and independent code."""

import numpy as np
import pytest
import scipy.linalg

import keras_gans as kg
from keras_gans import metrics


def _random_statistics(rng, n, d, offset=0.0):
    features = rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) * 0.5 + offset
    return features.mean(axis=0), np.cov(features, rowvar=False)


def test_frechet_distance_of_diagonal_gaussians_matches_closed_form():
    rng = np.random.default_rng(0)
    d = 64
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
    var1, var2 = rng.uniform(0.1, 3.0, size=d), rng.uniform(0.1, 3.0, size=d)
    # For commuting (diagonal) covariances, Tr(S1 + S2 - 2 (S1 S2)^1/2) is
    # sum (sqrt(v1) - sqrt(v2))^2.
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(var1) - np.sqrt(var2)) ** 2)
    got = kg.metrics.frechet_distance(mu1, np.diag(var1), mu2, np.diag(var2))
    assert got == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("d", [8, 128])
def test_frechet_distance_matches_scipy_sqrtm(d):
    rng = np.random.default_rng(d)
    mu1, sigma1 = _random_statistics(rng, 4 * d, d)
    mu2, sigma2 = _random_statistics(rng, 4 * d, d, offset=0.3)
    root = scipy.linalg.sqrtm(sigma1 @ sigma2)
    expected = (
        np.sum((mu1 - mu2) ** 2)
        + np.trace(sigma1)
        + np.trace(sigma2)
        - 2 * np.trace(np.real(root))
    )
    got = metrics.frechet_distance(mu1, sigma1, mu2, sigma2)
    assert got == pytest.approx(expected, rel=1e-6)
    # Symmetric in its two arguments.
    assert metrics.frechet_distance(mu2, sigma2, mu1, sigma1) == pytest.approx(got, rel=1e-9)


def test_frechet_distance_is_zero_for_identical_singular_statistics():
    # Fewer samples than dimensions: a rank-deficient covariance, where sqrtm-based
    # code returns complex or inflated values.
    rng = np.random.default_rng(1)
    mu, sigma = _random_statistics(rng, 20, 64)
    assert np.linalg.matrix_rank(sigma) < 64
    assert metrics.frechet_distance(mu, sigma, mu, sigma) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_rejects_non_finite_and_mis_shaped_statistics():
    mu, sigma = np.zeros(3), np.eye(3)
    bad = sigma.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or inf"):
        metrics.frechet_distance(mu, bad, mu, sigma)
    with pytest.raises(ValueError, match="NaN or inf"):
        metrics.frechet_distance(mu, sigma, np.array([0.0, np.inf, 0.0]), sigma)
    with pytest.raises(ValueError, match=r"\(3, 3\)"):
        metrics.frechet_distance(mu, np.eye(4), mu, sigma)
    with pytest.raises(ValueError, match="different dimensions"):
        metrics.frechet_distance(mu, sigma, np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="symmetric"):
        metrics.frechet_distance(mu, np.triu(np.ones((3, 3))), mu, sigma)


def test_streamed_statistics_equal_one_shot_statistics():
    rng = np.random.default_rng(2)
    # A large common offset: the naive E[xx^T] - mu mu^T loses digits here.
    features = rng.normal(size=(1000, 32)) * 0.01 + 1000.0
    streamed = metrics.FeatureStatistics()
    for batch in np.array_split(features, [1, 7, 300, 301, 999]):  # uneven, tiny
        streamed.update(batch)
    assert streamed.count == 1000
    np.testing.assert_allclose(streamed.mean, features.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(
        streamed.covariance, np.cov(features, rowvar=False), rtol=1e-6, atol=1e-12
    )
    # Merging two halves equals the one-shot statistics too.
    merged = metrics.FeatureStatistics.from_features(features[:400]).merge(
        metrics.FeatureStatistics.from_features(features[400:])
    )
    np.testing.assert_allclose(merged.covariance, streamed.covariance, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(merged.mean, streamed.mean, rtol=1e-12)
    with pytest.raises(ValueError, match="dimension"):
        streamed.update(np.zeros((2, 31)))
    with pytest.raises(ValueError, match="NaN or inf"):
        streamed.update(np.full((2, 32), np.nan))


def _mmd2_by_loops(x, y):
    """The unbiased MMD^2 of Binkowski et al. (eq. 3), written out term by term."""
    d = x.shape[1]
    kernel = lambda a, b: (a @ b / d + 1.0) ** 3  # noqa: E731
    m = len(x)
    xx = sum(kernel(x[i], x[j]) for i in range(m) for j in range(m) if i != j)
    yy = sum(kernel(y[i], y[j]) for i in range(m) for j in range(m) if i != j)
    xy = sum(kernel(x[i], y[j]) for i in range(m) for j in range(m))
    return xx / (m * (m - 1)) + yy / (m * (m - 1)) - 2 * xy / (m * m)


def test_kid_matches_the_unbiased_mmd_written_out():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(25, 6)), rng.normal(size=(25, 6)) + 0.5
    # One subset holding every vector: MMD does not depend on the order.
    mean, std = metrics.kernel_inception_distance(x, y, num_subsets=1, subset_size=25)
    assert mean == pytest.approx(_mmd2_by_loops(x, y), rel=1e-10)
    assert std == 0.0


def test_kid_is_near_zero_for_one_distribution_and_grows_with_a_shift():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(2000, 16)), rng.normal(size=(2000, 16))
    same, same_std = metrics.kernel_inception_distance(x, y, num_subsets=20, subset_size=500)
    shifted, _ = metrics.kernel_inception_distance(x, y + 0.5, num_subsets=20, subset_size=500)
    assert abs(same) < 3 * same_std + 1e-3
    assert shifted > 50 * max(abs(same), same_std)


def test_inception_score_bounds():
    one_hot = np.eye(10)[np.arange(1000) % 10]
    assert metrics.inception_score(one_hot)[0] == pytest.approx(10.0, rel=1e-9)
    same_class = np.tile(np.eye(10)[3], (1000, 1))
    assert metrics.inception_score(same_class)[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="softmax"):
        metrics.inception_score(np.full((100, 10), 2.0))
