"""Leaderboards: mean and 95 % interval over seeds, ranked by Kendall τ."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from surrobench.errors import SurrobenchError

GROUP = ["benchmark", "predictor", "encoding", "train_size"]
SHOWN = [
    "kendall_tau",
    "spearman",
    "precision_at_10",
    "nll",
    "coverage_95",
    "fit_seconds",
    "query_seconds",
]


def _interval(values: pd.Series) -> float:
    """Half-width of the 95 % Student-t interval of the mean (NaN for one seed)."""
    n = values.count()
    if n < 2:
        return float("nan")
    return float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n))


def leaderboard(results: pd.DataFrame) -> pd.DataFrame:
    """One row per (benchmark, predictor, encoding, train size), ranked by mean τ.

    Columns: the group keys, ``rank`` (1 = best mean Kendall τ at that train
    size), ``seeds``, then ``<score>_mean`` and ``<score>_ci95`` for the scores
    in :data:`SHOWN`.
    """
    missing = [c for c in [*GROUP, "seed", *SHOWN] if c not in results.columns]
    if missing:
        raise SurrobenchError(f"results lack the column(s) {missing}")
    grouped = results.groupby(GROUP, sort=False)
    board = grouped.size().rename("seeds").to_frame()
    for column in SHOWN:
        board[f"{column}_mean"] = grouped[column].mean()
        board[f"{column}_ci95"] = grouped[column].agg(_interval)
    board = board.reset_index()
    board = board.sort_values(
        ["benchmark", "train_size", "kendall_tau_mean"], ascending=[True, True, False]
    )
    board.insert(
        4,
        "rank",
        board.groupby(["benchmark", "train_size"])["kendall_tau_mean"]
        .rank(ascending=False, method="min")
        .astype(int),
    )
    return board.reset_index(drop=True)


def _cell(mean: float, half_width: float, digits: int) -> str:
    if np.isnan(half_width):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {half_width:.{digits}f}"


def format_leaderboard(board: pd.DataFrame, markdown: bool = False) -> str:
    """The leaderboard as a text or Markdown table, mean ± 95 % half-width."""
    header = [
        "train_size",
        "rank",
        "predictor",
        "encoding",
        "seeds",
        "kendall_tau",
        "spearman",
        "precision_at_10",
        "nll",
        "coverage_95",
        "fit_s",
        "query_s",
    ]
    lines = []
    for _, row in board.iterrows():
        lines.append(
            [
                str(row.train_size),
                str(row["rank"]),
                row.predictor,
                row.encoding or "-",
                str(row.seeds),
                _cell(row.kendall_tau_mean, row.kendall_tau_ci95, 3),
                _cell(row.spearman_mean, row.spearman_ci95, 3),
                _cell(row.precision_at_10_mean, row.precision_at_10_ci95, 2),
                f"{row.nll_mean:.2f}",
                f"{row.coverage_95_mean:.2f}",
                f"{row.fit_seconds_mean:.3f}",
                f"{row.query_seconds_mean:.3f}",
            ]
        )
    if markdown:
        rows = [header, ["---"] * len(header), *lines]
        return "\n".join("| " + " | ".join(cells) + " |" for cells in rows)
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()
        for cells in [header, *lines]
    )
