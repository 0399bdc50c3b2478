"""The evaluation harness, its scores, the results store and leaderboards."""

from surrobench.eval.harness import RESULT_COLUMNS, Job, evaluate, plan, run_job, split
from surrobench.eval.leaderboard import format_leaderboard, leaderboard
from surrobench.eval.metrics import (
    coverage,
    gaussian_nll,
    kendall_tau,
    mae,
    pearson,
    precision_at_k,
    rmse,
    score,
    sparse_kendall_tau,
    spearman,
    uncertainty_scores,
)
from surrobench.eval.store import ResultStore

__all__ = [
    "RESULT_COLUMNS",
    "Job",
    "ResultStore",
    "coverage",
    "evaluate",
    "format_leaderboard",
    "gaussian_nll",
    "kendall_tau",
    "leaderboard",
    "mae",
    "pearson",
    "plan",
    "precision_at_k",
    "rmse",
    "run_job",
    "score",
    "sparse_kendall_tau",
    "spearman",
    "split",
    "uncertainty_scores",
]
