"""Zero-cost predictors: the conformance checks, on real proxy scores."""

import numpy as np
import pandas as pd
import pytest

from surrobench.errors import SurrobenchError
from surrobench.eval import evaluate, kendall_tau, plan
from surrobench.predictors import PREDICTORS, make_predictor
from surrobench.zerocost import PROXY_NAMES
from surrobench.zerocost.runner import compute_proxies
from surrobench.zerocost.values import ComputedValues, TableValues, use_values

pytestmark = pytest.mark.usefixtures("one_torch_thread")

CHEAP = ["synflow", "params", "flops", "l2_norm"]


@pytest.fixture(scope="module")
def data(nb201, tiny_network):
    archs = nb201.sample(80, seed=4)
    train, test = archs[:30], archs[30:]
    scores = compute_proxies(archs, CHEAP, size=tiny_network)[CHEAP]
    values = TableValues(archs, scores, "test scores")
    return train, nb201.query(train), test, nb201.query(test), values


@pytest.fixture(autouse=True)
def scores_of_the_test_cells(data):
    use_values(data[4])
    yield
    use_values(None)


def test_every_proxy_is_registered_with_its_needs():
    for proxy in PROXY_NAMES:
        cls = PREDICTORS[proxy]
        assert cls.proxy == proxy and "zero_cost" in cls.needs
        assert "target_direction" in cls.needs and "encoding" not in cls.needs


@pytest.mark.parametrize("name", CHEAP)
def test_predictions_rank_exactly_as_the_proxy(name, data):
    train, y, test, _y_test, values = data
    predictions = make_predictor(name).fit(train, y).predict(test)
    assert predictions.shape == (len(test),) and np.isfinite(predictions).all()
    assert kendall_tau(values.column(test, name), predictions) == pytest.approx(1.0)
    # In the target's units: centred on the train targets' mean.
    assert abs(predictions.mean() - y.mean()) < 3 * y.std()


def test_direction_follows_the_target(data):
    train, y, test, _, _values = data
    up = make_predictor("synflow", higher_is_better=True).fit(train, y).predict(test)
    down = make_predictor("synflow", higher_is_better=False).fit(train, -y)
    assert kendall_tau(up, down.predict(test)) == pytest.approx(-1.0)


def test_the_harness_passes_the_targets_direction(nb201, tmp_path, tiny_network):
    from surrobench.datasets import load_table

    archs = nb201.sample(300, seed=8)
    accuracy = nb201.query(archs)
    path = tmp_path / "cells.csv"
    pd.DataFrame(
        {
            "arch": [nb201.space.format(arch) for arch in archs],
            "accuracy": accuracy,
            "error": 100 - accuracy,  # lower is better, by its name
        }
    ).to_csv(path, index=False)
    use_values(ComputedValues(["params"], size=tiny_network))  # on demand
    taus = []
    for target in ("accuracy", "error"):
        bench = load_table(path, "nb201", "arch", target)
        row = evaluate(bench, plan(["params"], [20], [0], test_size=200)).iloc[0]
        taus.append(row["kendall_tau"])
    # More parameters predict a higher accuracy and a lower error alike.
    assert taus[0] > 0.2 and taus[1] == pytest.approx(taus[0])


def test_protocol_edge_cases(data):
    train, y, test, _, _ = data
    constant = make_predictor("params").fit(train, np.full(len(train), 42.0))
    np.testing.assert_allclose(constant.predict(test), 42.0)
    two = make_predictor("params").fit(train[:2], y[:2]).predict(test)
    assert np.isfinite(two).all()
    doubled = make_predictor("params").fit(train[:10] * 2, np.tile(y[:10], 2))
    assert np.isfinite(doubled.predict(test)).all()
    base = make_predictor("synflow").fit(train, y).predict(test)
    for shift, scale in ((1e9, 1.0), (0.0, 1e-300)):
        moved = make_predictor("synflow").fit(train, y * scale + shift).predict(test)
        assert kendall_tau(base, moved) > 0.99
    first = make_predictor("synflow", seed=3).fit(train, y).predict(test)
    np.testing.assert_array_equal(first, base)


def test_missing_proxies_and_bad_directions_are_named(data):
    train, y, _, _, _ = data
    with pytest.raises(SurrobenchError, match="no 'snip' scores"):
        make_predictor("snip").fit(train, y)
    with pytest.raises(SurrobenchError, match="higher_is_better"):
        PREDICTORS["params"](higher_is_better="yes").fit(train, y)
    with pytest.raises(SurrobenchError, match="takes no --encoding"):
        make_predictor("params", encoding="onehot")
