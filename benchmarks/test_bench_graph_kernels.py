"""Fit at 400 NB201 cells and predict 1,000 with the graph-kernel GPs.

OTMANN distances are cached for the process, so each round starts from an
empty cache: otherwise every round after the first would time only the GP.
"""

import pytest

from surrobench.predictors import make_predictor
from surrobench.predictors.graph_kernels import clear_distance_cache


@pytest.mark.parametrize("name", ["gpwl", "otmann_gp"])
def test_graph_gp_fit_400_predict_1000(benchmark, nb201, name):
    train = nb201.sample(400, seed=0)
    test = nb201.sample(1000, seed=1)
    y = nb201.query(train)

    def fit_and_predict():
        return make_predictor(name, seed=0).fit(train, y).predict(test)

    predictions = benchmark.pedantic(
        fit_and_predict, setup=clear_distance_cache, rounds=3, iterations=1
    )
    assert predictions.shape == (1000,)
