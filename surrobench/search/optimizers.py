"""Acquisition optimisers: which not-yet-queried architectures a BO step scores.

Each optimiser returns candidate rows of the benchmark (distinct, never
queried) and their acquisition scores; the loop queries the best of them.

* ``pool``: every architecture of the benchmark not yet queried (possible
  because the tables enumerate their spaces).
* ``mutation`` (BANANAS, White et al. 2021): 100 candidates, each 1–3 random
  mutations of one of the 10 best architectures so far.
* ``evolution`` (NASBOT, Kandasamy et al. 2018): a population seeded with
  every queried architecture, scored by the acquisition; for 5 generations,
  100 parents are drawn with probability proportional to their score (shifted
  to be ≥ 0) and each mutated 1–3 times; the children are scored and join
  the population.

A mutant that is not in the table, was queried, or is already a candidate is
dropped; where fewer candidates than asked for turn up (a small or mostly
queried table), random unqueried architectures fill the rest, so that a step
always has something to choose from.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np

from surrobench.errors import unknown_name
from surrobench.search.problem import SearchProblem

Score = Callable[[np.ndarray], np.ndarray]
# Mutation attempts per wanted candidate before falling back to random ones.
ATTEMPTS_PER_CANDIDATE = 20


class AcquisitionOptimizer(ABC):
    """Finds architectures with a high acquisition score."""

    name: str

    @abstractmethod
    def maximise(
        self,
        problem: SearchProblem,
        rewards: np.ndarray,
        score: Score,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Candidates and their scores.

        Args:
            problem: the run; says what was queried.
            rewards: the reward of each queried row, in query order; (k,).
            score: acquisition of rows; (m,) → (m,).
            rng: every random choice.

        Returns:
            distinct unqueried rows, shape (m,), and their scores, shape (m,).
        """


class PoolOptimizer(AcquisitionOptimizer):
    """Score every architecture not yet queried.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> from surrobench.search.multiobjective import Objective
        >>> bench = load_benchmark("nb201-cifar10")
        >>> problem = SearchProblem(bench, Objective(bench), budget=5)
        >>> rows, scores = PoolOptimizer().maximise(
        ...     problem, np.empty(0), lambda rows: -rows, np.random.default_rng(0))
        >>> len(rows), int(rows[np.argmax(scores)])
        (15625, 0)
    """

    name = "pool"

    def maximise(self, problem, rewards, score, rng):
        rows = problem.unqueried_rows()
        return rows, score(rows)


class MutationOptimizer(AcquisitionOptimizer):
    """Mutations of the best architectures so far (BANANAS).

    Args:
        parents: how many of the best queried architectures are mutated.
        candidates: how many candidates a step scores.
        max_edits: each candidate is 1..max_edits mutations from its parent.
    """

    name = "mutation"

    def __init__(
        self, parents: int = 10, candidates: int = 100, max_edits: int = 3
    ) -> None:
        self.parents = parents
        self.candidates = candidates
        self.max_edits = max_edits

    def maximise(self, problem, rewards, score, rng):
        best_first = np.argsort(-np.asarray(rewards), kind="stable")
        parents = problem.queried_rows[best_first[: self.parents]]
        chosen = rng.choice(parents, size=self.candidates)
        rows = mutants(problem, chosen, rng, self.max_edits, self.candidates)
        return rows, score(rows)


class EvolutionOptimizer(AcquisitionOptimizer):
    """NASBOT's evolutionary maximisation of the acquisition.

    Args:
        generations: rounds of mutation.
        offspring: children per generation.
        max_edits: each child is 1..max_edits mutations from its parent.
    """

    name = "evolution"

    def __init__(
        self, generations: int = 5, offspring: int = 100, max_edits: int = 3
    ) -> None:
        self.generations = generations
        self.offspring = offspring
        self.max_edits = max_edits

    def maximise(self, problem, rewards, score, rng):
        population = problem.queried_rows
        population_scores = score(population)
        children: list[np.ndarray] = []
        children_scores: list[np.ndarray] = []
        taken = np.zeros(len(problem.queried), dtype=bool)
        for _ in range(self.generations):
            weights = population_scores - population_scores.min()
            total = weights.sum()
            probabilities = weights / total if total > 0 else None
            parents = rng.choice(population, size=self.offspring, p=probabilities)
            rows = mutants(
                problem, parents, rng, self.max_edits, self.offspring, exclude=taken
            )
            taken[rows] = True
            scores = score(rows)
            children.append(rows)
            children_scores.append(scores)
            population = np.concatenate([population, rows])
            population_scores = np.concatenate([population_scores, scores])
        return np.concatenate(children), np.concatenate(children_scores)


def mutants(
    problem: SearchProblem,
    parents: np.ndarray,
    rng: np.random.Generator,
    max_edits: int,
    wanted: int,
    exclude: np.ndarray | None = None,
) -> np.ndarray:
    """Up to ``wanted`` distinct unqueried rows, each 1..max_edits mutations of
    a parent (cycling through ``parents``), topped up with random unqueried
    rows where mutation finds too few; ``exclude`` marks rows to skip too.

    Returns:
        shape (m,), m = min(wanted, rows left to choose from).
    """
    space = problem.space
    excluded = problem.queried.copy()
    if exclude is not None:
        excluded |= exclude
    found: list[int] = []
    attempts = 0
    while len(found) < wanted and attempts < ATTEMPTS_PER_CANDIDATE * wanted:
        parent = problem.arch(int(parents[attempts % len(parents)]))
        attempts += 1
        child = parent
        for _ in range(int(rng.integers(1, max_edits + 1))):
            child = space.mutate(child, rng)
        row = problem.row_of(child)
        if row is not None and not excluded[row]:
            excluded[row] = True
            found.append(row)
    if len(found) < wanted:
        left = np.flatnonzero(~excluded)
        extra = rng.choice(
            left, size=min(wanted - len(found), len(left)), replace=False
        )
        found.extend(int(row) for row in extra)
    return np.asarray(found, dtype=np.int64)


OPTIMIZERS: dict[str, type[AcquisitionOptimizer]] = {
    cls.name: cls for cls in (PoolOptimizer, MutationOptimizer, EvolutionOptimizer)
}


def make_optimizer(name: object) -> AcquisitionOptimizer:
    """A fresh acquisition optimiser by name, with its default settings."""
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise unknown_name("acquisition optimizer", name, OPTIMIZERS)
    return OPTIMIZERS[name]()
