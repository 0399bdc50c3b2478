"""A benchmark seen as a black box with a budget: the one place queries happen.

Every strategy asks :class:`SearchProblem` for values. A query is a table
look-up standing in for a training run; the problem refuses a second query of
the same architecture and any query past the budget (both are bugs of the
calling strategy, not bad input), and records each step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from surrobench.architecture import Architecture
from surrobench.datasets import check_benchmark
from surrobench.errors import SurrobenchError, check_int
from surrobench.search.multiobjective import Objective

logger = logging.getLogger(__name__)


class QueryError(RuntimeError):
    """A strategy queried an architecture twice, or past its budget."""


class SearchProblem:
    """One search run's access to a benchmark.

    Args:
        benchmark: the table queried.
        objective: what the search maximises (see
            :class:`~surrobench.search.multiobjective.Objective`).
        budget: queries allowed, the initial random ones included.
        on_step: called with each recorded step (a dict), as it happens.

    Each recorded step has ``step`` (1-based), ``row``, ``arch`` (the space's
    native string), ``value``, ``best_value``, ``regret``, ``fit_seconds``,
    ``acquisition_seconds``, ``seconds`` (their sum), ``candidates`` (how many
    architectures the strategy scored or proposed to choose this query),
    ``cost_value`` and ``hypervolume`` (NaN without a cost).

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> problem = SearchProblem(bench, Objective(bench), budget=2)
        >>> problem.query(int(np.argmax(bench.values())))
        >>> problem.steps[-1]["regret"], problem.remaining
        (0.0, 1)
    """

    def __init__(
        self,
        benchmark,
        objective: Objective,
        budget: int,
        on_step: Callable[[dict], None] | None = None,
    ) -> None:
        check_benchmark(benchmark)
        if not isinstance(objective, Objective):
            raise SurrobenchError(
                f"objective must be an Objective of the benchmark, got {objective!r}"
            )
        budget = check_int("budget", budget)
        if not 1 <= budget <= len(benchmark):
            raise SurrobenchError(
                f"budget must be in 1..{len(benchmark)} (the benchmark's size), "
                f"got {budget}"
            )
        self.benchmark = benchmark
        self.space = benchmark.space
        self.objective = objective
        self.budget = int(budget)
        self.on_step = on_step
        self.queried = np.zeros(len(benchmark), dtype=bool)
        self.rows: list[int] = []
        self.steps: list[dict] = []

    @property
    def remaining(self) -> int:
        return self.budget - len(self.rows)

    @property
    def queried_rows(self) -> np.ndarray:
        """Rows queried so far, in query order; shape (k,)."""
        return np.asarray(self.rows, dtype=np.int64)

    def row_of(self, arch: Architecture) -> int | None:
        """The benchmark row of ``arch`` (after canonicalisation), or None
        where the table has no such architecture."""
        try:
            return int(self.benchmark.rows([arch])[0])
        except SurrobenchError:
            return None

    def arch(self, row: int) -> Architecture:
        return self.benchmark.archs[row]

    def archs(self, rows: Sequence[int]) -> list[Architecture]:
        return [self.benchmark.archs[row] for row in rows]

    def unqueried_rows(self) -> np.ndarray:
        """Every row not yet queried, ascending; shape (n − k,)."""
        return np.flatnonzero(~self.queried)

    def random_unqueried(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """``count`` distinct rows not yet queried (fewer if fewer remain),
        drawn uniformly; shape (count,)."""
        pool = self.unqueried_rows()
        count = min(count, len(pool))
        return rng.choice(pool, size=count, replace=False)

    def rewards(self, weight: float | None = None) -> np.ndarray:
        """What the strategy maximises, for each query so far; shape (k,)."""
        return self.objective.rewards(self.queried_rows, weight)

    def query(
        self,
        row: int,
        fit_seconds: float = 0.0,
        acquisition_seconds: float = 0.0,
        candidates: int = 0,
    ) -> None:
        """Look up ``row`` (one training run's worth of budget) and record it."""
        row = int(row)
        if self.remaining <= 0:
            raise QueryError(f"budget of {self.budget} queries is spent")
        if self.queried[row]:
            raise QueryError(f"{self.space.format(self.arch(row))} was queried already")
        self.queried[row] = True
        self.rows.append(row)
        objective = self.objective
        best_value, regret = objective.best(self.queried_rows)
        step = {
            "step": len(self.rows),
            "row": row,
            "arch": self.space.format(self.arch(row)),
            "value": objective.value(row),
            "best_value": best_value,
            "regret": regret,
            "fit_seconds": float(fit_seconds),
            "acquisition_seconds": float(acquisition_seconds),
            "seconds": float(fit_seconds) + float(acquisition_seconds),
            "candidates": int(candidates),
            "cost_value": (
                float("nan") if objective.cost is None else float(objective.cost[row])
            ),
            "hypervolume": objective.hypervolume(self.queried_rows),
        }
        self.steps.append(step)
        logger.debug(
            "step %d: %s value=%.4g", step["step"], step["arch"], step["value"]
        )
        if self.on_step is not None:
            self.on_step(step)
