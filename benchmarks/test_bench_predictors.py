"""Fit and query time of each predictor: 400 training cells; 1,000 and all queries.

OTMANN distances are cached for the process, so every round starts from an
empty cache: otherwise rounds after the first would time only ``otmann_gp``'s GP.
"""

import pytest

from surrobench.predictors import PREDICTORS, make_predictor, predictor_names
from surrobench.predictors.graph_kernels import clear_distance_cache

# Zero-cost predictors cost what their proxy costs: see test_bench_zerocost.py.
MODELS = [
    name for name in predictor_names() if "zero_cost" not in PREDICTORS[name].needs
]


@pytest.mark.parametrize("name", MODELS)
def test_fit_400_predict_1000(benchmark, nb201, name):
    train = nb201.sample(400, seed=0)
    test = nb201.sample(1000, seed=1)
    y = nb201.query(train)

    def fit_and_predict():
        return make_predictor(name, seed=0).fit(train, y).predict(test)

    # Fits take up to a minute: three rounds, not pytest-benchmark's calibration.
    predictions = benchmark.pedantic(
        fit_and_predict, setup=clear_distance_cache, rounds=3, iterations=1
    )
    assert predictions.shape == (1000,)


# otmann_gp solves one transport problem per (query, train) pair: 6 million
# for this benchmark, about ten minutes; test_fit_400_predict_1000 times it on
# 1,000 queries instead.
@pytest.mark.parametrize("name", [name for name in MODELS if name != "otmann_gp"])
def test_predict_dist_all_15625_cells(benchmark, nb201, name):
    """Query time over the whole NB201 space, as a search loop's acquisition needs."""
    train = nb201.sample(400, seed=0)
    model = make_predictor(name, seed=0).fit(train, nb201.query(train))
    model.predict_dist(train[:2])  # fit a bootstrap, if any, outside the timing

    mean, std = benchmark(model.predict_dist, nb201.archs)
    assert mean.shape == std.shape == (len(nb201.archs),)
