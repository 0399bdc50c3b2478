import numpy as np
import pytest

from surrobench.errors import SurrobenchError
from surrobench.search.multiobjective import (
    Objective,
    ObjectiveSpec,
    hypervolume,
    parego,
    pareto_front,
)


def test_hypervolume_of_a_hand_computed_front():
    points = np.array(
        [[0.9, 0.1], [0.6, 0.5], [0.5, 0.4], [0.2, 0.8], [0.2, 0.7], [0.0, 1.0]]
    )
    # Front: (0.9, 0.1), (0.6, 0.5), (0.2, 0.8); (0, 1) adds no area above x = 0.
    # Area = 0.9·0.1 + 0.6·(0.5 − 0.1) + 0.2·(0.8 − 0.5) = 0.09 + 0.24 + 0.06.
    assert hypervolume(points) == pytest.approx(0.39)
    assert pareto_front(points).tolist() == [0, 1, 3, 5]
    # A reference point moves every rectangle's corner.
    assert hypervolume(points, reference=(0.1, 0.1)) == pytest.approx(
        0.5 * 0.4 + 0.1 * 0.3
    )
    assert hypervolume(np.empty((0, 2))) == 0.0


def test_hypervolume_ignores_dominated_points_and_order():
    rng = np.random.default_rng(0)
    points = rng.random((50, 2))
    front = points[pareto_front(points)]
    assert hypervolume(points) == hypervolume(front)
    assert hypervolume(points[::-1]) == pytest.approx(hypervolume(points))


def test_parego_by_hand():
    minimised = np.array([[0.2, 0.6], [0.0, 0.0]])
    # λ = 0.25: weighted (0.05, 0.45); max 0.45 + 0.05·0.5.
    assert parego(minimised, 0.25).tolist() == pytest.approx([-0.475, 0.0])


def test_scalarised_reward_is_monas_on_normalised_objectives(nb201):
    objective = Objective(nb201, ObjectiveSpec("params", alpha=0.3))
    accuracy = nb201.values()
    quality = (accuracy - accuracy.min()) / (accuracy.max() - accuracy.min())
    params = objective.cost
    cost = (params - params.min()) / (params.max() - params.min())
    rows = np.arange(0, 15625, 997)
    expected = 0.3 * quality[rows] - 0.7 * cost[rows]
    assert objective.rewards(rows) == pytest.approx(expected)
    best, regret = objective.best(rows)
    assert best == pytest.approx(expected.max())
    assert regret == pytest.approx((0.3 * quality - 0.7 * cost).max() - best)


def test_pareto_regret_is_zero_once_the_whole_front_is_found(cora):
    objective = Objective(cora, ObjectiveSpec("latency", pareto=True))
    front = pareto_front(objective.points)
    assert objective.best(front) == (objective.optimum, 0.0)
    best, regret = objective.best(front[:-1])
    assert regret > 0 and best < objective.optimum


def test_single_objective_regret(cora):
    objective = Objective(cora)
    best_row = int(np.argmax(cora.values()))
    assert objective.best(np.array([best_row, 0])) == (cora.values().max(), 0.0)
    assert objective.value(0) == cora.values()[0]
    assert np.isnan(objective.hypervolume([0, 1]))


@pytest.mark.parametrize(
    "spec, message",
    [
        (dict(alpha=0.5), "name one with --cost"),
        (dict(pareto=True), "name one with --cost"),
        (dict(cost="para"), "exactly one of --alpha"),
        (dict(cost="para", alpha=0.5, pareto=True), "exactly one of --alpha"),
        (dict(cost="para", alpha=1.5), r"--alpha must be in \[0, 1\], got 1.5"),
        (dict(cost="para", alpha=float("nan")), "--alpha must be in"),
        (dict(cost="para", alpha="0.5"), "--alpha must be a number"),
        (dict(cost="para", pareto="yes"), "pareto must be True or False"),
        (dict(pareto=1), "pareto must be True or False"),
    ],
)
def test_bad_objectives(spec, message):
    with pytest.raises(SurrobenchError, match=message):
        ObjectiveSpec(**spec)


def test_unknown_cost_names_the_choices(cora):
    with pytest.raises(SurrobenchError, match="did you mean 'latency'"):
        Objective(cora, ObjectiveSpec("latncy", alpha=0.5))


def test_objective_refuses_wrong_types(cora):
    with pytest.raises(SurrobenchError, match="expected a Benchmark"):
        Objective("nbgraph-cora")
    with pytest.raises(SurrobenchError, match="spec must be an ObjectiveSpec"):
        Objective(cora, {"cost": "para", "alpha": 0.5})


@pytest.mark.parametrize(
    "points, message",
    [
        # Two rows of three used to be read silently as three points.
        (np.ones((2, 3)), r"shape \(n, 2\), got \(2, 3\)"),
        (np.ones(2), r"shape \(n, 2\), got \(2,\)"),
        ([[np.nan, 1.0], [0.5, 0.5]], "must be finite"),
        ("abc", "must be numbers"),
    ],
)
def test_front_and_hypervolume_refuse_malformed_points(points, message):
    for function in (pareto_front, hypervolume):
        with pytest.raises(SurrobenchError, match=message):
            function(points)
