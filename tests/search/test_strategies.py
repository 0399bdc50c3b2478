"""Every strategy end to end on small real slices, checked step by step."""

import itertools

import numpy as np
import pytest

from surrobench.errors import SurrobenchError
from surrobench.search.multiobjective import Objective, ObjectiveSpec
from surrobench.search.problem import QueryError, SearchProblem
from surrobench.search.strategies import configure, run_strategy

# (strategy, bo settings, budget, batch size): cheap surrogates for bo.
RUNS = [
    ("random", {}, 40, 1),
    ("evolution", {}, 40, 1),
    ("local", {}, 40, 1),
    ("tpe", {}, 40, 1),
    ("bo", {"surrogate": "blr"}, 30, 1),
    ("bo", {"surrogate": "lgb", "acquisition": "ucb", "optimizer": "mutation"}, 24, 2),
    ("bo", {"surrogate": "blr", "acquisition": "pi", "optimizer": "evolution"}, 20, 1),
    ("bo", {"surrogate": "blr", "acquisition": "ts"}, 20, 1),
    ("bananas", {}, 20, 5),
    ("nasbot", {}, 16, 3),
]


def check_trajectory(problem: SearchProblem, budget: int) -> None:
    steps = problem.steps
    bench, objective = problem.benchmark, problem.objective
    assert len(steps) == budget == len(problem.rows)
    assert len(set(problem.rows)) == budget  # no architecture twice
    assert [step["step"] for step in steps] == list(range(1, budget + 1))
    best = [step["best_value"] for step in steps]
    assert all(b >= a for a, b in itertools.pairwise(best))  # monotone
    regret = np.array([step["regret"] for step in steps])
    assert (regret >= 0).all() and (np.diff(regret) <= 0).all()
    values = np.array([step["value"] for step in steps])
    if objective.spec.cost is None:
        assert np.array_equal(values, bench.values()[problem.rows])
        optimum = bench.values().max()
        found = np.flatnonzero(values == optimum)
        if found.size:  # regret is 0 exactly from the step the optimum came
            assert (regret[found[0] :] == 0).all() and (regret[: found[0]] > 0).all()
        else:
            assert (regret > 0).all()
    for step in steps:
        assert step["seconds"] == pytest.approx(
            step["fit_seconds"] + step["acquisition_seconds"]
        )
        assert bench.space.format(bench.archs[step["row"]]) == step["arch"]


@pytest.mark.parametrize("strategy, settings, budget, batch", RUNS)
def test_every_strategy_on_an_nb201_slice(
    nb201_slice, strategy, settings, budget, batch
):
    config = configure(strategy, **settings)
    problem = SearchProblem(nb201_slice, Objective(nb201_slice), budget)
    run_strategy(config, problem, seed=3, initial=10, batch_size=batch)
    check_trajectory(problem, budget)
    if config.model_based:
        fitted = [step for step in problem.steps[10:]]
        assert all(step["fit_seconds"] > 0 for step in fitted)


@pytest.mark.parametrize(
    "strategy, settings", [("local", {}), ("tpe", {}), ("bo", {"surrogate": "lgb"})]
)
def test_strategies_on_a_nas_bench_graph_slice(cora_slice, strategy, settings):
    problem = SearchProblem(cora_slice, Objective(cora_slice), 30)
    run_strategy(configure(strategy, **settings), problem, seed=0, initial=10)
    check_trajectory(problem, 30)


def test_exhausting_a_slice_reaches_zero_regret(nb201_slice):
    problem = SearchProblem(nb201_slice, Objective(nb201_slice), len(nb201_slice))
    run_strategy(configure("local"), problem, seed=0, initial=10)
    check_trajectory(problem, len(nb201_slice))
    assert problem.steps[-1]["regret"] == 0.0


def test_seeds_share_the_initial_design(nb201_slice):
    initial = []
    for strategy in ("random", "evolution", "bo"):
        settings = {"surrogate": "blr"} if strategy == "bo" else {}
        problem = SearchProblem(nb201_slice, Objective(nb201_slice), 12)
        run_strategy(configure(strategy, **settings), problem, seed=5, initial=10)
        initial.append(problem.rows[:10])
    assert initial[0] == initial[1] == initial[2]


def test_same_seed_same_trajectory(nb201_slice):
    runs = []
    for _ in range(2):
        problem = SearchProblem(nb201_slice, Objective(nb201_slice), 20)
        run_strategy(configure("bo", surrogate="blr"), problem, seed=1, initial=10)
        runs.append(problem.rows)
    assert runs[0] == runs[1]


@pytest.mark.parametrize(
    "strategy, settings",
    [
        ("random", {}),
        ("evolution", {}),
        ("local", {}),
        ("tpe", {}),
        ("bo", {"surrogate": "lgb"}),
    ],
)
def test_pareto_search_tracks_hypervolume(cora_slice, strategy, settings):
    objective = Objective(cora_slice, ObjectiveSpec("latency", pareto=True))
    problem = SearchProblem(cora_slice, objective, 25)
    run_strategy(configure(strategy, **settings), problem, seed=2, initial=10)
    check_trajectory(problem, 25)
    volume = [step["hypervolume"] for step in problem.steps]
    assert volume == [step["best_value"] for step in problem.steps]
    assert all(0 < v <= objective.optimum for v in volume)
    assert problem.steps[-1]["regret"] == pytest.approx(objective.optimum - volume[-1])
    costs = [step["cost_value"] for step in problem.steps]
    assert costs == cora_slice.values("latency")[problem.rows].tolist()


def test_scalarised_search_records_the_reward(nb201_slice):
    objective = Objective(nb201_slice, ObjectiveSpec("flops", alpha=0.5))
    problem = SearchProblem(nb201_slice, objective, 20)
    run_strategy(configure("bo", surrogate="blr"), problem, seed=0, initial=10)
    check_trajectory(problem, 20)
    rewards = objective.rewards(problem.rows)
    assert [step["value"] for step in problem.steps] == rewards.tolist()
    assert problem.steps[-1]["best_value"] == rewards.max()


def test_a_repeated_query_or_one_past_the_budget_is_refused(nb201_slice):
    problem = SearchProblem(nb201_slice, Objective(nb201_slice), 2)
    problem.query(0)
    with pytest.raises(QueryError, match="queried already"):
        problem.query(0)
    problem.query(1)
    with pytest.raises(QueryError, match="budget of 2 queries is spent"):
        problem.query(2)


def test_tpe_never_repeats_on_a_tiny_space(nb201_slice):
    # 40 of 300 cells: TPE proposes many cells outside the slice or already
    # queried; none of them is queried or costs budget.
    problem = SearchProblem(nb201_slice, Objective(nb201_slice), 60)
    run_strategy(configure("tpe"), problem, seed=0, initial=10)
    check_trajectory(problem, 60)
    assert max(step["candidates"] for step in problem.steps) > 1


def test_tpe_without_optuna_says_how_to_install(monkeypatch, nb201_slice):
    monkeypatch.setitem(__import__("sys").modules, "optuna", None)
    problem = SearchProblem(nb201_slice, Objective(nb201_slice), 12)
    with pytest.raises(SurrobenchError, match=r"pip install surrobench\[optuna\]"):
        run_strategy(configure("tpe"), problem, seed=0, initial=10)


@pytest.mark.parametrize(
    "strategy, settings, message",
    [
        ("bananna", {}, "did you mean 'bananas'"),
        ("bo", {"surrogate": "gpp"}, "did you mean 'gp'"),
        ("bo", {"acquisition": "uc"}, "unknown acquisition 'uc'"),
        ("bo", {"optimizer": "pools"}, "did you mean 'pool'"),
        ("bo", {"surrogate": "gin", "encoding": "onehot"}, "takes no --encoding"),
        ("bo", {"encoding": "paths"}, "unknown encoding 'paths'"),
    ],
)
def test_bad_strategy_settings(strategy, settings, message):
    with pytest.raises(SurrobenchError, match=message):
        configure(strategy, **settings)
