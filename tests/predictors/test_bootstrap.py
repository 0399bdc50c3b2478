import numpy as np
import pytest

from surrobench.errors import SurrobenchError
from surrobench.eval import coverage, kendall_tau
from surrobench.predictors import make_predictor
from surrobench.predictors.bootstrap import BootstrapEnsemble


@pytest.fixture(scope="module")
def data(nb201):
    train = nb201.sample(200, seed=0)
    test = nb201.sample(500, seed=1)
    return train, nb201.query(train), test, nb201.query(test)


def test_members_are_fit_on_different_resamples(data):
    train, y, test, _ = data
    ensemble = BootstrapEnsemble(make_predictor("lgb"), num_models=4, seed=0)
    ensemble.fit(train, y)
    members = np.stack([model.predict(test) for model in ensemble.models_])
    assert len({tuple(row) for row in members.round(6)}) == 4
    mean, std = ensemble.predict_dist(test)
    np.testing.assert_allclose(mean, members.mean(axis=0))
    np.testing.assert_allclose(std, members.std(axis=0))


def test_seeded_and_deterministic(data):
    train, y, test, _ = data
    first = BootstrapEnsemble(make_predictor("xgb"), 3, seed=5).fit(train, y)
    second = BootstrapEnsemble(make_predictor("xgb"), 3, seed=5).fit(train, y)
    other = BootstrapEnsemble(make_predictor("xgb"), 3, seed=6).fit(train, y)
    np.testing.assert_array_equal(first.predict_dist(test), second.predict_dist(test))
    assert not np.array_equal(first.predict(test), other.predict(test))


def test_intervals_are_informative_on_real_cells(data):
    train, y, test, y_test = data
    mean, std = make_predictor("lgb").fit(train, y).predict_dist(test)
    assert kendall_tau(y_test, mean) > 0.4
    # Model variance alone: intervals are narrower than calibrated, not empty.
    assert 0.3 < coverage(y_test, mean, std, 0.95) <= 1.0


def test_refit_replaces_the_bootstrap(data):
    train, y, test, _ = data
    model = make_predictor("nusvr").fit(train, y)
    _, before = model.predict_dist(test)
    model.fit(train[:50], y[:50])
    _, after = model.predict_dist(test)
    assert not np.allclose(before, after)


def test_bad_arguments(data):
    train, y, _, _ = data
    with pytest.raises(SurrobenchError, match="num_models"):
        BootstrapEnsemble(make_predictor("lgb"), num_models=1).fit(train, y)
    with pytest.raises(SurrobenchError, match="Predictor to copy"):
        BootstrapEnsemble("lgb").fit(train, y)
