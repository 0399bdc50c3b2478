"""Search baselines that learn no surrogate: random, evolution, local search.

Each starts from the shared initial design (:func:`~surrobench.search.loop.
initial_design`). In Pareto mode they climb ParEGO scalarisations
(:mod:`~surrobench.search.multiobjective`): evolution draws a fresh weight
for every tournament, local search one per climb (each restart aims at
another part of the front); random search ignores the objective.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from surrobench.errors import unknown_name
from surrobench.search.loop import DEFAULT_INITIAL, initial_design
from surrobench.search.optimizers import mutants
from surrobench.search.problem import SearchProblem

TOURNAMENT_SIZE = 3
LOCAL_SEARCH_MODES = ("best", "first")


def random_search(
    problem: SearchProblem, rng: np.random.Generator, initial: int = DEFAULT_INITIAL
) -> None:
    """Query distinct architectures drawn uniformly until the budget is spent.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> from surrobench.search.multiobjective import Objective
        >>> bench = load_benchmark("nb201-cifar10")
        >>> problem = SearchProblem(bench, Objective(bench), budget=20)
        >>> random_search(problem, np.random.default_rng(0))
        >>> len(set(problem.rows))
        20
    """
    initial_design(problem, rng, initial)
    # A permutation of the whole pool, so that a run's first k queries do not
    # depend on its budget (drawing just ``remaining`` rows made them).
    order = rng.permutation(problem.unqueried_rows())
    for row in order[: problem.remaining]:
        problem.query(row)


def regularized_evolution(
    problem: SearchProblem,
    rng: np.random.Generator,
    initial: int = DEFAULT_INITIAL,
    tournament_size: int = TOURNAMENT_SIZE,
) -> None:
    """Regularised (aging) evolution, Real et al. 2019.

    The population is the initial design (``P = initial``). Each step samples
    ``S = min(tournament_size, P)`` members uniformly, mutates the best of
    them once, queries the child, adds it and removes the oldest member. A
    child that was queried before or is not in the table is drawn again (20
    tries per step, then a random unqueried architecture), since a table
    look-up cannot be repeated.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> from surrobench.search.multiobjective import Objective
        >>> bench = load_benchmark("nb201-cifar10")
        >>> problem = SearchProblem(bench, Objective(bench), budget=20)
        >>> regularized_evolution(problem, np.random.default_rng(0))
        >>> len(set(problem.rows))
        20
    """
    population = deque(int(row) for row in initial_design(problem, rng, initial))
    while problem.remaining > 0:
        members = np.fromiter(population, dtype=np.int64)
        sample = rng.choice(
            members, size=min(tournament_size, len(members)), replace=False
        )
        weight = problem.objective.draw_weight(rng)
        parent = sample[int(np.argmax(problem.objective.rewards(sample, weight)))]
        child = int(mutants(problem, np.array([parent]), rng, 1, 1)[0])
        problem.query(child, candidates=1)
        population.append(child)
        population.popleft()


def local_search(
    problem: SearchProblem,
    rng: np.random.Generator,
    initial: int = DEFAULT_INITIAL,
    improvement: str = "best",
) -> None:
    """Local search as in White et al. 2020 ("Local search is state of the art
    for neural architecture search benchmarks").

    Start from the best architecture of the initial design. Query its
    neighbours (:meth:`~surrobench.spaces.SearchSpace.neighbours`, in random
    order; those already queried cost nothing and are compared by their known
    value): with ``improvement="best"`` all of them, moving to the best if it
    beats the current one; with ``"first"`` until one beats it, moving there.
    Where no neighbour is better (a local optimum), restart from a random
    unqueried architecture.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> from surrobench.search.multiobjective import Objective
        >>> bench = load_benchmark("nb201-cifar10")
        >>> problem = SearchProblem(bench, Objective(bench), budget=40)
        >>> local_search(problem, np.random.default_rng(0))
        >>> len(set(problem.rows))
        40
    """
    if improvement not in LOCAL_SEARCH_MODES:
        raise unknown_name("local search improvement", improvement, LOCAL_SEARCH_MODES)
    objective = problem.objective
    weight = objective.draw_weight(rng)
    start = initial_design(problem, rng, initial)
    current = int(start[np.argmax(objective.rewards(start, weight))])

    while problem.remaining > 0:
        rows = _neighbour_rows(problem, current)
        rng.shuffle(rows)
        best_row, best_reward = None, float(objective.rewards([current], weight)[0])
        for row in rows:
            if not problem.queried[row]:
                if problem.remaining == 0:
                    return
                problem.query(row, candidates=len(rows))
            reward = float(objective.rewards([row], weight)[0])
            if reward > best_reward:
                best_row, best_reward = row, reward
                if improvement == "first":
                    break
        if best_row is not None:
            current = best_row
        elif problem.remaining > 0:  # a local optimum: restart at random
            weight = objective.draw_weight(rng)
            current = int(problem.random_unqueried(rng, 1)[0])
            problem.query(current, candidates=1)


def _neighbour_rows(problem: SearchProblem, row: int) -> np.ndarray:
    """Table rows of ``row``'s neighbours, each once; shape (m,)."""
    found = {
        problem.row_of(arch) for arch in problem.space.neighbours(problem.arch(row))
    }
    found.discard(None)
    return np.array(sorted(found), dtype=np.int64)
