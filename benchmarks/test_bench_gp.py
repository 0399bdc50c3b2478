"""Speed of the Gaussian processes: exact fit at 1,000 NB201 cells, sparse fit at
5,000, and the exact GP's predictive distribution over all 15,625 cells."""

import pytest

from surrobench.predictors.gp import ExactGPPredictor, SparseGPPredictor


@pytest.fixture(scope="module")
def train_1000(nb201):
    train = nb201.sample(1000, seed=0)
    return train, nb201.query(train)


def test_gp_fit_1000(benchmark, train_1000):
    train, y = train_1000
    # A fit takes seconds: three rounds, not pytest-benchmark's calibration.
    model = benchmark.pedantic(
        lambda: ExactGPPredictor(seed=0).fit(train, y), rounds=3, iterations=1
    )
    assert model.lengthscales_.shape == (36,)


def test_sparse_gp_fit_5000(benchmark, nb201):
    train = nb201.sample(5000, seed=0)
    y = nb201.query(train)
    model = benchmark.pedantic(
        lambda: SparseGPPredictor(seed=0).fit(train, y), rounds=3, iterations=1
    )
    assert len(model.posterior_.points) == 256


def test_gp_predict_dist_all_15625_cells(benchmark, nb201, train_1000):
    train, y = train_1000
    model = ExactGPPredictor(seed=0).fit(train, y)

    mean, std = benchmark.pedantic(
        model.predict_dist, args=(nb201.archs,), rounds=3, iterations=1
    )
    assert mean.shape == std.shape == (len(nb201.archs),)
