"""Bayesian optimisation with any registered predictor as the surrogate.

Every strategy starts from the same initial design: ``initial`` distinct
random architectures drawn first from the run's random stream, so that
strategies run with one seed share it and can be compared pair by pair.
Then each BO step

1. fits a fresh surrogate (``make_predictor(...).fit``) to every query so far
   (in Pareto mode, to this step's ParEGO scalarisation of them);
2. scores candidates from the acquisition optimiser with the acquisition of
   the surrogate's ``predict_dist``;
3. queries the ``batch_size`` best candidates (ties broken at random), or
   fewer where the budget runs out.

A step's ``fit_seconds`` and ``acquisition_seconds`` are shared equally among
the queries of its batch, so that they sum to the run's time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import numpy as np

from surrobench.errors import SurrobenchError, check_int
from surrobench.predictors import make_predictor
from surrobench.search.acquisition import acquisition_for_step
from surrobench.search.optimizers import AcquisitionOptimizer, make_optimizer
from surrobench.search.problem import SearchProblem

logger = logging.getLogger(__name__)

DEFAULT_INITIAL = 10


def initial_design(
    problem: SearchProblem, rng: np.random.Generator, initial: int
) -> np.ndarray:
    """Query ``initial`` random architectures (fewer if the budget is
    smaller); returns their rows, shape (initial,)."""
    if not isinstance(rng, np.random.Generator):
        raise SurrobenchError(
            f"rng must be a numpy.random.Generator (numpy.random.default_rng(seed)), "
            f"got {rng!r}"
        )
    initial = check_int("--initial", initial, 1)
    rows = problem.random_unqueried(rng, min(initial, problem.remaining))
    for row in rows:
        problem.query(row)
    return rows


def bayesian_optimisation(
    problem: SearchProblem,
    rng: np.random.Generator,
    surrogate: str = "gp",
    acquisition: str = "ei",
    optimizer: str | AcquisitionOptimizer = "pool",
    initial: int = DEFAULT_INITIAL,
    batch_size: int = 1,
    encoding: str | None = None,
    seed: int = 0,
    params: Mapping[str, object] | None = None,
) -> None:
    """Run BO on ``problem`` until its budget is spent.

    Args:
        problem: the benchmark and budget; records every step.
        rng: the run's random stream (initial design, acquisition draws,
            optimiser mutations, ParEGO weights).
        surrogate: predictor name (:func:`~surrobench.predictors.make_predictor`).
        acquisition: ``ei``, ``ucb``, ``pi``, ``ts`` or ``its``.
        optimizer: ``pool``, ``mutation``, ``evolution`` or an instance.
        initial: random architectures before the first fit (at least 2).
        batch_size: queries per surrogate fit.
        encoding: the surrogate's encoding (its default when None).
        seed: the surrogate's seed, the same at every step.
        params: other constructor parameters of the surrogate.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> from surrobench.search.multiobjective import Objective
        >>> bench = load_benchmark("nb201-cifar10")
        >>> problem = SearchProblem(bench, Objective(bench), budget=12)
        >>> bayesian_optimisation(problem, np.random.default_rng(0), "blr")
        >>> len(problem.steps), problem.steps[-1]["fit_seconds"] > 0
        (12, True)
    """
    if isinstance(optimizer, str):
        optimizer = make_optimizer(optimizer)
    elif not isinstance(optimizer, AcquisitionOptimizer):
        raise SurrobenchError(
            f"optimizer must be a name or an AcquisitionOptimizer, got {optimizer!r}"
        )
    # A batch of 0 would query nothing and loop forever.
    batch_size = check_int("--batch-size", batch_size, 1)
    check_int("--initial", initial, 2)
    initial_design(problem, rng, initial)

    while problem.remaining > 0:
        weight = problem.objective.draw_weight(rng)
        rewards = problem.rewards(weight)

        start = time.perf_counter()
        model = make_predictor(surrogate, encoding=encoding, seed=seed, params=params)
        model.fit(problem.archs(problem.rows), rewards)
        fit_seconds = time.perf_counter() - start

        start = time.perf_counter()
        acquire = acquisition_for_step(acquisition, float(rewards.max()), rng)

        def score(rows: np.ndarray, model=model, acquire=acquire) -> np.ndarray:
            mean, std = model.predict_dist(problem.archs(rows))
            return acquire(mean, std)

        candidates, scores = optimizer.maximise(problem, rewards, score, rng)
        chosen = best_rows(candidates, scores, min(batch_size, problem.remaining), rng)
        acquisition_seconds = time.perf_counter() - start

        share = len(chosen)
        for row in chosen:
            problem.query(
                row,
                fit_seconds=fit_seconds / share,
                acquisition_seconds=acquisition_seconds / share,
                candidates=len(candidates),
            )
        logger.debug(
            "fit %.2fs, acquisition %.2fs over %d candidates",
            fit_seconds,
            acquisition_seconds,
            len(candidates),
        )
        del model, score  # the next step's model is fit afresh


def best_rows(
    rows: np.ndarray, scores: np.ndarray, count: int, rng: np.random.Generator
) -> np.ndarray:
    """The ``count`` rows of highest score, ties in random order; NaN scores
    count as −∞.

    Example:
        >>> best_rows(np.array([7, 8, 9]), np.array([1.0, np.nan, 3.0]), 2,
        ...           np.random.default_rng(0)).tolist()
        [9, 7]
    """
    scores = np.where(np.isnan(scores), -np.inf, np.asarray(scores, dtype=float))
    order = np.lexsort((rng.random(len(rows)), -scores))
    return np.asarray(rows)[order[:count]]
