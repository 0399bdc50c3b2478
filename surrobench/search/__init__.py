"""Search loops: Bayesian optimisation with any predictor as the surrogate,
BANANAS, NASBOT, TPE and baselines, run against benchmark tables."""

from surrobench.search.acquisition import ACQUISITIONS, ei, its, pi, ts, ucb
from surrobench.search.costs import cost_names, cost_values
from surrobench.search.multiobjective import (
    Objective,
    ObjectiveSpec,
    hypervolume,
    pareto_front,
)
from surrobench.search.optimizers import OPTIMIZERS
from surrobench.search.problem import SearchProblem
from surrobench.search.runner import (
    TRAJECTORY_COLUMNS,
    SearchJob,
    plan_search,
    run_search_job,
    run_searches,
    stored_trajectories,
)
from surrobench.search.strategies import STRATEGIES, configure
from surrobench.search.summary import format_summary, summarise

__all__ = [
    "ACQUISITIONS",
    "OPTIMIZERS",
    "STRATEGIES",
    "TRAJECTORY_COLUMNS",
    "Objective",
    "ObjectiveSpec",
    "SearchJob",
    "SearchProblem",
    "configure",
    "cost_names",
    "cost_values",
    "ei",
    "format_summary",
    "hypervolume",
    "its",
    "pareto_front",
    "pi",
    "plan_search",
    "run_search_job",
    "run_searches",
    "stored_trajectories",
    "summarise",
    "ts",
    "ucb",
]
