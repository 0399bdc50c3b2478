"""Fit and query time of each predictor at 400 training cells, 1,000 queries."""

import pytest

from surrobench.predictors import PREDICTORS, make_predictor, predictor_names

# Zero-cost predictors cost what their proxy costs: see test_zerocost.py.
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

    predictions = benchmark(fit_and_predict)
    assert predictions.shape == (1000,)
