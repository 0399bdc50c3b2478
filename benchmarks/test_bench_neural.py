"""Speed of the Bayesian and ensemble neural predictors: fit on 400 NB201 cells,
then the predictive distribution of 1,000 others."""

import pytest

from surrobench.predictors.bayesian import (
    BayesianLinearRegression,
    BOHAMIANNPredictor,
    DNGOPredictor,
)
from surrobench.predictors.mlp import BANANASPredictor

MODELS = [BayesianLinearRegression, DNGOPredictor, BOHAMIANNPredictor, BANANASPredictor]


@pytest.fixture(scope="module")
def cells(nb201):
    train = nb201.sample(400, seed=0)
    return train, nb201.query(train), nb201.sample(1000, seed=1)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.name)
def test_fit_400(benchmark, cells, cls):
    train, y, _ = cells
    # A fit takes seconds: three rounds, not pytest-benchmark's calibration.
    model = benchmark.pedantic(
        lambda: cls(seed=0).fit(train, y), rounds=3, iterations=1
    )
    assert model.target_scale_ > 0


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.name)
def test_predict_dist_1000(benchmark, cells, cls):
    train, y, test = cells
    model = cls(seed=0).fit(train, y)
    mean, std = benchmark(model.predict_dist, test)
    assert mean.shape == std.shape == (1000,)
