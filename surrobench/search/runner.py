"""Many searches (strategy × seed) on one benchmark, resumable, in processes.

Each finished run (one strategy configuration, one seed) is committed to a
:class:`~surrobench.eval.store.ResultStore` as it ends, keyed by everything
that determines it; running the same plan again skips finished runs, and an
interrupted plan keeps every run it finished.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from surrobench.datasets import Benchmark, check_benchmark
from surrobench.errors import SurrobenchError, check_int, check_seed
from surrobench.eval.store import ResultStore, config_key
from surrobench.predictors import make_predictor
from surrobench.search.loop import DEFAULT_INITIAL
from surrobench.search.multiobjective import Objective, ObjectiveSpec
from surrobench.search.problem import SearchProblem
from surrobench.search.strategies import (
    MODEL_BASED,
    StrategyConfig,
    check_config,
    configure,
    run_strategy,
)
from surrobench.workers import in_processes

logger = logging.getLogger(__name__)

# Bump when a strategy or the recorded columns change, so that stored runs
# are not reused.
SEARCH_VERSION = 2  # 2: random search draws a permutation of the pool
TRAJECTORY_COLUMNS = [
    "strategy",
    "surrogate",
    "acquisition",
    "seed",
    "step",
    "arch",
    "value",
    "best_value",
    "regret",
    "seconds",
    "optimizer",
    "encoding",
    "batch_size",
    "initial",
    "budget",
    "fit_seconds",
    "acquisition_seconds",
    "candidates",
    "objective",
    "cost_value",
    "hypervolume",
    "benchmark",
]
MAX_BATCH_SIZE = 10_000


@dataclass(frozen=True)
class SearchJob:
    """One search run: a strategy configuration, a seed and a budget."""

    config: StrategyConfig
    seed: int
    budget: int
    initial: int = DEFAULT_INITIAL
    batch_size: int = 1
    objective: ObjectiveSpec = field(default_factory=ObjectiveSpec)

    def __post_init__(self) -> None:
        # A job built by hand gets the checks plan_search makes: a batch size
        # of 0 would loop forever, an initial design of 0 fail deep in numpy.
        config = check_config(self.config)
        check_seed(self.seed)
        budget = check_int("--budget", self.budget, 1)
        initial = check_int("--initial", self.initial, 2 if config.model_based else 1)
        if budget < initial:
            raise SurrobenchError(
                f"--budget {budget} is smaller than --initial {initial}: the "
                "budget counts the initial random architectures too"
            )
        check_int("--batch-size", self.batch_size, 1, MAX_BATCH_SIZE)
        if not isinstance(self.objective, ObjectiveSpec):
            raise SurrobenchError(
                f"objective must be an ObjectiveSpec, got {self.objective!r}"
            )


def plan_search(
    strategies: Sequence[str],
    seeds: Iterable[int],
    budget: int,
    initial: int = DEFAULT_INITIAL,
    batch_size: int = 1,
    surrogate: str | None = None,
    acquisition: str | None = None,
    optimizer: str | None = None,
    encoding: str | None = None,
    objective: ObjectiveSpec | None = None,
) -> list[SearchJob]:
    """Every run of a plan, strategy by strategy, then seed.

    ``surrogate``, ``acquisition``, ``optimizer`` and ``encoding`` set ``bo``'s
    (and are refused when ``bo`` is not among the strategies); ``batch_size``
    applies to the model-based strategies (the others query one at a time).

    Example:
        >>> jobs = plan_search(["random", "bo"], range(2), budget=20)
        >>> [(job.config.strategy, job.seed) for job in jobs]
        [('random', 0), ('random', 1), ('bo', 0), ('bo', 1)]
    """
    if isinstance(strategies, str) or not hasattr(strategies, "__iter__"):
        raise SurrobenchError(f"strategies must be a list, got {strategies!r}")
    strategies = list(dict.fromkeys(strategies))
    if not strategies:
        raise SurrobenchError("name at least one strategy")
    if isinstance(seeds, str) or not hasattr(seeds, "__iter__"):
        raise SurrobenchError(f"seeds must be a list of integers, got {seeds!r}")
    seeds = list(dict.fromkeys(check_seed(seed) for seed in seeds))
    if not seeds:
        raise SurrobenchError("name at least one seed")
    budget = check_int("--budget", budget, 1)
    initial = check_int("--initial", initial, 1)
    if budget < initial:
        raise SurrobenchError(
            f"--budget {budget} is smaller than --initial {initial}: the budget "
            "counts the initial random architectures too"
        )
    batch_size = check_int("--batch-size", batch_size, 1, MAX_BATCH_SIZE)
    objective = ObjectiveSpec() if objective is None else objective
    if not isinstance(objective, ObjectiveSpec):
        raise SurrobenchError(f"objective must be an ObjectiveSpec, got {objective!r}")

    settings = {
        "--surrogate": surrogate,
        "--acquisition": acquisition,
        "--optimizer": optimizer,
        "--encoding": encoding,
    }
    given = [flag for flag, value in settings.items() if value is not None]
    if given and "bo" not in strategies:
        raise SurrobenchError(
            f"{', '.join(given)} configure{'s' if len(given) == 1 else ''} strategy "
            f"bo only, which is not among {','.join(strategies)} (bananas and "
            "nasbot fix their own surrogate, acquisition and optimizer)"
        )
    configs = []
    for name in strategies:
        config = configure(name, surrogate, acquisition, optimizer, encoding)
        if config.model_based and initial < 2:
            raise SurrobenchError(
                f"strategy {name!r} fits a surrogate to the initial design: "
                f"--initial must be at least 2, got {initial}"
            )
        configs.append(config)
    if batch_size != 1 and not any(config.model_based for config in configs):
        raise SurrobenchError(
            f"--batch-size {batch_size} sets the queries per surrogate fit of "
            f"{', '.join(MODEL_BASED)}, none of which is among {','.join(strategies)}"
        )
    return [
        SearchJob(
            config,
            seed,
            budget,
            initial,
            batch_size if config.model_based else 1,
            objective,
        )
        for config in configs
        for seed in seeds
    ]


def check_search_jobs(benchmark: Benchmark, jobs: Sequence[SearchJob]) -> None:
    """Raise for a run that cannot start on ``benchmark``, before any runs."""
    check_benchmark(benchmark)
    for job in jobs:
        if not isinstance(job, SearchJob):
            raise SurrobenchError(f"expected SearchJob objects, got {job!r}")
        if job.budget > len(benchmark):
            raise SurrobenchError(
                f"--budget {job.budget} exceeds the {len(benchmark)} architectures "
                f"of {benchmark.name}"
            )
        if job.config.strategy == "tpe":
            from surrobench.search.tpe import import_optuna

            import_optuna()
            benchmark.space.choices()  # a space TPE cannot describe fails here
        if job.config.strategy == "local":
            benchmark.space.neighbours(benchmark.archs[0])
    for spec in {job.objective for job in jobs}:
        Objective(benchmark, spec)  # unknown costs, NaN targets or costs fail here


def job_config(job: SearchJob, benchmark: Benchmark) -> dict:
    """Everything that determines a run's trajectory: its key in the store."""
    config = job.config
    params = {}
    if config.model_based:
        params = make_predictor(
            config.surrogate, encoding=config.encoding or None, seed=job.seed
        ).get_params()
    return {
        "kind": "search",
        "search_version": SEARCH_VERSION,
        "benchmark": benchmark.name,
        "benchmark_fingerprint": benchmark.fingerprint,
        "strategy": config.strategy,
        "surrogate": config.surrogate,
        "surrogate_params": params,
        "acquisition": config.acquisition,
        "optimizer": config.optimizer,
        "encoding": config.encoding,
        "seed": job.seed,
        "budget": job.budget,
        "initial": job.initial,
        "batch_size": job.batch_size,
        "cost": job.objective.cost,
        "alpha": job.objective.alpha,
        "pareto": job.objective.pareto,
        **_zero_cost_config(config),
    }


def _zero_cost_config(config: StrategyConfig) -> dict:
    """Which proxy scores a ``zc`` encoding reads: part of a run's key, so that
    runs on other scores are not reused."""
    if "zc" not in config.encoding.split("+"):
        return {}
    from surrobench.zerocost.values import default_values

    return {"zero_cost_values": default_values().identity}


def run_search_job(job: SearchJob, benchmark: Benchmark) -> list[dict]:
    """Run one search; one dict per step with :data:`TRAJECTORY_COLUMNS`."""
    if not isinstance(job, SearchJob):
        raise SurrobenchError(f"expected a SearchJob (see plan_search), got {job!r}")
    problem = SearchProblem(benchmark, Objective(benchmark, job.objective), job.budget)
    run_strategy(job.config, problem, job.seed, job.initial, job.batch_size)
    if len(problem.steps) != job.budget:
        raise RuntimeError(
            f"{job.config.label} stopped after {len(problem.steps)} of "
            f"{job.budget} queries"
        )
    fixed = {
        "strategy": job.config.strategy,
        "surrogate": job.config.surrogate,
        "acquisition": job.config.acquisition,
        "seed": job.seed,
        "optimizer": job.config.optimizer,
        "encoding": job.config.encoding,
        "batch_size": job.batch_size,
        "initial": job.initial,
        "budget": job.budget,
        "objective": job.objective.label,
        "benchmark": benchmark.name,
    }
    return [
        {column: ({**step, **fixed})[column] for column in TRAJECTORY_COLUMNS}
        for step in problem.steps
    ]


def run_searches(
    benchmark: Benchmark,
    jobs: Sequence[SearchJob],
    store: ResultStore | None = None,
    on_result: Callable[[int, int, SearchJob, list[dict], bool], None] | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """Run ``jobs`` (skipping those ``store`` has finished).

    Args:
        benchmark: the table searched.
        jobs: from :func:`plan_search`.
        store: finished runs; each new one is committed as soon as it ends.
        on_result: called as ``on_result(done, total, job, steps, reused)``
            as each run finishes (``done`` counts from 0).
        workers: processes running searches side by side; trajectories do not
            depend on it (every run is seeded on its own), times do.

    Returns:
        Every step of every run of ``jobs``, in plan order, with
        :data:`TRAJECTORY_COLUMNS`.
    """
    if isinstance(jobs, SearchJob) or not hasattr(jobs, "__iter__"):
        raise SurrobenchError(
            f"jobs must be a list of SearchJob (see plan_search), got {jobs!r}"
        )
    jobs = list(jobs)
    check_search_jobs(benchmark, jobs)
    workers = check_int("workers", workers, 1)
    if on_result is not None and not callable(on_result):
        raise SurrobenchError(f"on_result must be callable, got {on_result!r}")
    if store is None:
        store = ResultStore()
    elif not isinstance(store, ResultStore):
        raise SurrobenchError(f"store must be a ResultStore, got {store!r}")

    results: list[list[dict] | None] = [None] * len(jobs)
    pending = []
    finished = 0

    def finish(index: int, steps: list[dict], reused: bool) -> None:
        nonlocal finished
        results[index] = steps
        if on_result is not None:
            on_result(finished, len(jobs), jobs[index], steps, reused)
        finished += 1

    for index, job in enumerate(jobs):
        config = job_config(job, benchmark)
        stored = store.get(config)
        if stored is None:
            pending.append((index, job, config))
        else:
            finish(index, stored["steps"], reused=True)

    for index, job, config, steps in _run_pending(benchmark, pending, workers):
        store.put(config, {"steps": steps})
        logger.info(
            "%s %s seed=%d: regret %.4g after %d queries",
            benchmark.name,
            job.config.label,
            job.seed,
            steps[-1]["regret"],
            len(steps),
        )
        finish(index, steps, reused=False)
    return trajectories([steps for steps in results if steps is not None])


def trajectories(runs: Iterable[list[dict]]) -> pd.DataFrame:
    """The steps of ``runs`` as one table with :data:`TRAJECTORY_COLUMNS`."""
    rows = [step for steps in runs for step in steps]
    return pd.DataFrame(rows, columns=TRAJECTORY_COLUMNS)


def stored_trajectories(
    store: ResultStore,
    benchmark: Benchmark | None = None,
    jobs: Sequence[SearchJob] = (),
) -> pd.DataFrame:
    """Every finished search run in ``store``, whatever command ran it: the
    runs of ``jobs`` (on ``benchmark``) first in plan order, then the others
    in the order stored, so that the table does not depend on which runs
    finished first (workers, an interrupted and resumed plan)."""
    if not isinstance(store, ResultStore):
        raise SurrobenchError(f"store must be a ResultStore, got {store!r}")
    stored = {
        config_key(config): result["steps"]
        for config, result in store.items()
        if config.get("kind") == "search"
        and config.get("search_version") == SEARCH_VERSION
    }
    first = [config_key(job_config(job, benchmark)) for job in jobs]
    order = [key for key in dict.fromkeys(first) if key in stored]
    order += [key for key in stored if key not in set(order)]
    return trajectories(stored[key] for key in order)


def check_store_setting(
    store: ResultStore, benchmark: Benchmark, jobs: Sequence[SearchJob]
) -> None:
    """Refuse a store holding searches of another benchmark (or another version
    of its table) or budget: their runs would join these outputs unasked."""
    wanted = {(benchmark.name, benchmark.fingerprint, job.budget) for job in jobs}
    budgets = ",".join(str(budget) for budget in sorted({job.budget for job in jobs}))
    for config, _ in store.items():
        if (
            config.get("kind") != "search"
            or config.get("search_version") != SEARCH_VERSION
        ):
            continue
        setting = (
            config.get("benchmark"),
            config.get("benchmark_fingerprint"),
            config.get("budget"),
        )
        if setting not in wanted:
            name, fingerprint, budget = setting
            renamed = name == benchmark.name and fingerprint != benchmark.fingerprint
            other = "another table named " if renamed else ""
            raise SurrobenchError(
                f"{store.path} holds searches of {other}{name} with --budget "
                f"{budget}; this one is {benchmark.name} with --budget {budgets}: "
                "choose another --out (one folder holds one benchmark and budget)"
            )


def _run_pending(benchmark: Benchmark, pending: list, workers: int):
    """Yield ``(index, job, config, steps)`` as each pending run finishes."""
    if workers == 1 or len(pending) < 2:
        for index, job, config in pending:
            start = time.perf_counter()
            steps = run_search_job(job, benchmark)
            logger.debug("run took %.1fs", time.perf_counter() - start)
            yield index, job, config, steps
        return
    # Each worker receives the benchmark once; one search per worker at a time.
    calls = (((index, job, config), (job,)) for index, job, config in pending)
    for key, steps in in_processes(
        _run_in_worker,
        calls,
        min(workers, len(pending)),
        _start_worker,
        (benchmark,),
        what="searches",
    ):
        yield *key, steps


_worker_benchmark: Benchmark | None = None


def _start_worker(benchmark: Benchmark) -> None:
    global _worker_benchmark
    _worker_benchmark = benchmark


def _run_in_worker(job: SearchJob) -> list[dict]:
    return run_search_job(job, _worker_benchmark)
