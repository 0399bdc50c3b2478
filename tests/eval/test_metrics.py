import numpy as np
import pytest
from scipy import stats

from surrobench.errors import SurrobenchError
from surrobench.eval import metrics


@pytest.fixture(scope="module")
def pairs():
    rng = np.random.default_rng(0)
    y = rng.normal(size=300)
    return y, y + rng.normal(scale=0.8, size=300)


def test_correlations_match_scipy(pairs):
    y, p = pairs
    assert metrics.kendall_tau(y, p) == pytest.approx(stats.kendalltau(y, p).statistic)
    assert metrics.spearman(y, p) == pytest.approx(stats.spearmanr(y, p).statistic)
    assert metrics.pearson(y, p) == pytest.approx(stats.pearsonr(y, p).statistic)


def test_correlations_on_ties_match_scipy():
    y = np.array([1, 2, 2, 3, 4, 4, 5.0])
    p = np.array([1, 1, 2, 3, 3, 5, 4.0])
    assert metrics.kendall_tau(y, p) == pytest.approx(stats.kendalltau(y, p).statistic)


def test_errors_match_numpy(pairs):
    y, p = pairs
    assert metrics.mae(y, p) == pytest.approx(np.abs(y - p).mean())
    assert metrics.rmse(y, p) == pytest.approx(np.sqrt(((y - p) ** 2).mean()))


def test_precision_at_k_by_hand():
    y = np.array([10.0, 9, 8, 7, 6, 5])
    p = np.array([10.0, 1, 9, 8, 2, 3])  # predicted top 3: rows 0, 2, 3
    assert metrics.precision_at_k(y, p, 3) == pytest.approx(2 / 3)  # true: 0, 1, 2
    # Lower is better: true best 3 are rows 3, 4, 5; predicted best 1, 4, 5.
    assert metrics.precision_at_k(y, p, 3, higher_is_better=False) == pytest.approx(
        2 / 3
    )
    # With k ≥ n both top sets are everything: the score is undefined.
    assert np.isnan(metrics.precision_at_k(y, p, 6))
    assert np.isnan(metrics.precision_at_k(y, p, 100))


def test_sparse_kendall_tau_ties_differences_below_the_resolution():
    y = np.array([0.0, 1.0, 2.0, 3.0, 100.0])
    p = np.array([0.0, 0.01, 0.02, 0.03, 100.0])  # steps below 0.1 % of the range
    assert metrics.kendall_tau(y, p) == pytest.approx(1.0)
    sparse = metrics.sparse_kendall_tau(y, p)
    rounded = np.round(p / 0.1) * 0.1
    assert sparse == pytest.approx(stats.kendalltau(y, rounded).statistic)
    assert sparse < 1.0


def test_constant_predictions_rank_nothing():
    y = np.arange(10.0)
    assert metrics.kendall_tau(y, np.ones(10)) == 0.0
    assert metrics.spearman(y, np.ones(10)) == 0.0


@pytest.mark.parametrize(
    "y, p",
    [
        ([1.0, 2.0], [1.0]),
        ([1.0], [1.0]),
        ([1.0, np.nan], [1.0, 2.0]),
        ([[1.0]], [[1.0]]),
    ],
)
def test_bad_shapes_and_values(y, p):
    with pytest.raises(SurrobenchError):
        metrics.kendall_tau(y, p)


def test_direction_matters_for_top_k_only(pairs):
    y, p = pairs
    high = metrics.score(y, p, higher_is_better=True)
    low = metrics.score(y, p, higher_is_better=False)
    assert high["kendall_tau"] == low["kendall_tau"]
    flipped = metrics.score(-y, -p, higher_is_better=False)
    assert flipped["precision_at_50"] == high["precision_at_50"]


@pytest.mark.parametrize(
    "values",
    [["a", "b"], [1 + 2j, 3j], [True, False], "12", {"a": 1}, [[1.0], [2.0, 3]]],
)
def test_non_numbers_are_refused(values):
    with pytest.raises(SurrobenchError):
        metrics.kendall_tau(values, values)


@pytest.mark.parametrize("resolution", [-1, 1.5, float("nan")])
def test_sparse_resolution_is_checked(resolution):
    with pytest.raises(SurrobenchError, match="resolution"):
        metrics.sparse_kendall_tau([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], resolution)


def test_direction_must_be_a_boolean(pairs):
    y, p = pairs
    for direction in ("no", None, 1):
        with pytest.raises(SurrobenchError, match="higher_is_better"):
            metrics.precision_at_k(y, p, 10, higher_is_better=direction)
        with pytest.raises(SurrobenchError, match="higher_is_better"):
            metrics.score(y, p, direction)
    for resolution in ("a", None, [0.1]):
        with pytest.raises(SurrobenchError, match="resolution"):
            metrics.sparse_kendall_tau(y, p, resolution)


def test_precision_of_a_constant_target_is_undefined():
    assert np.isnan(metrics.precision_at_k(np.ones(100), np.arange(100.0), 10))


def test_gaussian_nll_matches_scipy():
    from surrobench.eval import gaussian_nll

    rng = np.random.default_rng(0)
    y, mean, std = rng.normal(size=50), rng.normal(size=50), rng.uniform(0.5, 2, 50)
    expected = -stats.norm.logpdf(y, mean, std).mean()
    assert gaussian_nll(y, mean, std) == pytest.approx(expected)
    # A zero std is floored, not a division by zero.
    assert np.isfinite(gaussian_nll([1.0, 2.0], [1.0, 2.5], [0.0, 0.0]))


def test_coverage_counts_the_central_interval():
    from surrobench.eval import coverage

    y = np.array([0.0, 0.9, 1.5, 2.5, -3.0])
    mean, std = np.zeros(5), np.ones(5)
    assert coverage(y, mean, std, 0.68) == pytest.approx(2 / 5)
    assert coverage(y, mean, std, 0.95) == pytest.approx(3 / 5)
    draws = np.random.default_rng(1).normal(size=20000)
    assert coverage(draws, np.zeros(20000), np.ones(20000), 0.95) == pytest.approx(
        0.95, abs=0.01
    )
    for level in (0, 1, 1.5, "0.9"):
        with pytest.raises(SurrobenchError, match="coverage level"):
            coverage(y, mean, std, level)
    with pytest.raises(SurrobenchError, match="non-negative"):
        coverage(y, mean, -std, 0.95)
    with pytest.raises(SurrobenchError, match="shape"):
        coverage(y, mean, std[:3], 0.95)
