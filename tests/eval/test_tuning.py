import numpy as np
import pytest

from surrobench.errors import SurrobenchError
from surrobench.eval import evaluate, plan
from surrobench.eval.tuning import tune
from surrobench.predictors import make_predictor


@pytest.fixture(scope="module")
def train(nb201):
    archs = nb201.sample(80, seed=0)
    return archs, nb201.query(archs)


def test_tuning_tries_the_defaults_first_then_draws(train):
    archs, y = train
    none = tune("nusvr", archs, y, seconds=0)
    assert none.params == {} and none.candidates == 0
    result = tune("nusvr", archs, y, seconds=1.0, seed=3)
    assert result.candidates >= 2
    assert -1 <= result.cv_kendall_tau <= 1
    assert set(result.params) <= {"nu", "C", "gamma"}
    # The winner is a valid set of constructor parameters.
    make_predictor("nusvr", params=result.params).fit(archs, y)


def test_tuning_sees_only_the_train_set(nb201, monkeypatch):
    """Every architecture a candidate is fit or scored on is in the job's train set."""
    from surrobench.eval import harness, tuning

    seen: set = set()
    original = tuning.make_predictor

    def spy(*args, **kwargs):
        model = original(*args, **kwargs)
        fit, predict = model.fit, model.predict

        def fit_spy(archs, y):
            seen.update(archs)
            return fit(archs, y)

        def predict_spy(archs):
            seen.update(archs)
            return predict(archs)

        model.fit, model.predict = fit_spy, predict_spy
        return model

    monkeypatch.setattr(tuning, "make_predictor", spy)
    job = plan(["nusvr"], [60], [2], test_size=300, hpo_seconds=0.5)[0]
    row = harness.run_job(job, nb201)
    train_rows, _ = harness.split(len(nb201), 60, 300, 2)
    assert seen and seen <= {nb201.archs[i] for i in train_rows}
    assert row["tuning_seconds"] > 0


def test_the_budget_is_part_of_the_job_and_checked(nb201):
    tuned = plan(["lgb"], [40], [0], test_size=200, hpo_seconds=0.3)
    untuned = plan(["lgb"], [40], [0], test_size=200)
    results = evaluate(nb201, tuned + untuned)
    assert results.tuning_seconds.iloc[0] > 0 and results.tuning_seconds.iloc[1] == 0
    for bad in (-1, float("nan"), float("inf"), 1e300, "5", True):
        with pytest.raises(SurrobenchError, match="tuning budget"):
            plan(["lgb"], [40], [0], hpo_seconds=bad)


def test_unknown_parameters_are_named():
    with pytest.raises(SurrobenchError, match="unknown parameter of 'lgb' 'n_trees'"):
        make_predictor("lgb", params={"n_trees": 5})
    with pytest.raises(SurrobenchError, match="unknown parameter"):
        make_predictor("lgb", params={"seed": 5})


def test_tiny_train_sets_keep_the_defaults(nb201):
    archs = nb201.sample(3, seed=0)
    result = tune("lgb", archs, np.array([1.0, 2.0, 3.0]), seconds=1.0)
    assert result.params == {} and result.candidates == 0
