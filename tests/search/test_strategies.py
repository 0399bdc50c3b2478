"""Every strategy end to end on small real slices, checked step by step."""

import itertools
import signal

import numpy as np
import pytest

from surrobench.errors import SurrobenchError
from surrobench.search.loop import bayesian_optimisation
from surrobench.search.multiobjective import Objective, ObjectiveSpec
from surrobench.search.problem import QueryError, SearchProblem
from surrobench.search.runner import (
    SearchJob,
    plan_search,
    run_search_job,
    run_searches,
    stored_trajectories,
)
from surrobench.search.strategies import (
    BASELINES,
    StrategyConfig,
    configure,
    run_strategy,
)

JOB = SearchJob(configure("random"), seed=0, budget=12)

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


def one_of_each(surrogate: str) -> list[tuple[str, dict]]:
    """Every baseline, and ``bo`` with ``surrogate``."""
    return [(name, {}) for name in ("random", "evolution", "local", "tpe")] + [
        ("bo", {"surrogate": surrogate})
    ]


@pytest.mark.parametrize("strategy, settings", one_of_each("blr"))
def test_a_shorter_budget_runs_a_prefix_of_a_longer_one(
    nb201_slice, strategy, settings
):
    # Random search's draws after the initial design depended on the budget,
    # so its regret at 50 queries changed with --budget.
    runs = []
    for budget in (20, 35):
        problem = SearchProblem(nb201_slice, Objective(nb201_slice), budget)
        run_strategy(configure(strategy, **settings), problem, seed=3, initial=10)
        runs.append(problem.rows)
    assert runs[1][:20] == runs[0]


def test_same_seed_same_trajectory(nb201_slice):
    runs = []
    for _ in range(2):
        problem = SearchProblem(nb201_slice, Objective(nb201_slice), 20)
        run_strategy(configure("bo", surrogate="blr"), problem, seed=1, initial=10)
        runs.append(problem.rows)
    assert runs[0] == runs[1]


@pytest.mark.parametrize("strategy, settings", one_of_each("lgb"))
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
        ("bo", {"surrogate": ""}, "unknown predictor ''"),
        ("bo", {"acquisition": ""}, "unknown acquisition ''"),
        ("bo", {"optimizer": ""}, "unknown acquisition optimizer ''"),
        ("bo", {"surrogate": "synflow"}, "synflow is a zero-cost proxy"),
    ],
)
def test_bad_strategy_settings(strategy, settings, message):
    with pytest.raises(SurrobenchError, match=message):
        configure(strategy, **settings)


@pytest.mark.parametrize(
    "fields, message",
    [
        (dict(batch_size=0), "--batch-size must be in 1.."),
        (dict(initial=0), "--initial must be in 2.."),
        (dict(initial=30), "--budget 20 is smaller than --initial 30"),
        (dict(budget="20"), "--budget must be an integer"),
        (dict(seed=-1), "seed must be in 0.."),
        (dict(objective=None), "objective must be an ObjectiveSpec"),
        (dict(config="bo"), "expected a StrategyConfig"),
        (dict(config=StrategyConfig("foo")), "unknown strategy 'foo'"),
        (
            dict(config=StrategyConfig("bananas", "blr", "ei", "pool", "path")),
            "not a configuration of strategy 'bananas'",
        ),
    ],
)
def test_a_search_job_built_by_hand_is_checked(fields, message):
    # A batch of 0 used to loop forever; an initial design of 0 failed in numpy.
    job = dict(config=configure("bo", surrogate="blr"), seed=0, budget=20) | fields
    with pytest.raises(SurrobenchError, match=message):
        SearchJob(**job)


@pytest.mark.parametrize(
    "strategy, settings, message",
    [
        ("random", {"initial": -1}, "--initial must be in 1.."),
        ("evolution", {"initial": 0}, "--initial must be in 1.."),
        ("local", {"initial": 0}, "--initial must be in 1.."),
        ("random", {"rng": 0}, "rng must be a numpy.random.Generator"),
    ],
)
def test_search_loops_refuse_bad_arguments(nb201_slice, strategy, settings, message):
    problem = SearchProblem(nb201_slice, Objective(nb201_slice), 12)
    with pytest.raises(SurrobenchError, match=message):
        BASELINES[strategy](problem, **({"rng": np.random.default_rng(0)} | settings))
    assert problem.steps == []


def test_bo_refuses_a_batch_of_zero_instead_of_looping_forever(nb201_slice):
    def too_long(signum, frame):
        raise TimeoutError("a batch of 0 queries nothing and loops forever")

    problem = SearchProblem(nb201_slice, Objective(nb201_slice), 12)
    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(5)
    try:
        with pytest.raises(SurrobenchError, match=r"--batch-size must be in 1\.\."):
            bayesian_optimisation(
                problem, np.random.default_rng(0), "blr", batch_size=0
            )
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(budget="3"), "budget must be an integer"),
        (dict(budget=3.5), "budget must be an integer"),
        (dict(objective=None), "objective must be an Objective"),
        (dict(benchmark="nb201-cifar10"), "expected a Benchmark"),
    ],
)
def test_search_problem_refuses_wrong_types(nb201_slice, arguments, message):
    given = dict(benchmark=nb201_slice, objective=Objective(nb201_slice), budget=3)
    with pytest.raises(SurrobenchError, match=message):
        SearchProblem(**(given | arguments))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda bench: plan_search(["random"], 3, 12), "seeds must be a list"),
        (lambda bench: plan_search(["random"], None, 12), "seeds must be a list"),
        (lambda bench: plan_search(["random"], [[0]], 12), "seed must be an integer"),
        (lambda bench: run_searches(bench, None), "jobs must be a list of SearchJob"),
        (lambda bench: run_searches(bench, JOB), "jobs must be a list of SearchJob"),
        (
            lambda bench: run_searches(bench, [JOB], on_result=5),
            "on_result must be callable",
        ),
        (lambda bench: run_search_job("random", bench), "expected a SearchJob"),
        (lambda bench: run_search_job(JOB, "nb201"), "expected a Benchmark"),
        (lambda bench: stored_trajectories("x.sqlite"), "store must be a ResultStore"),
    ],
)
def test_the_runner_api_refuses_wrong_types(nb201_slice, call, message):
    with pytest.raises(SurrobenchError, match=message):
        call(nb201_slice)
