"""Summaries of search trajectories: regret at fixed budgets, time, and a
paired test against random search.

For each strategy configuration (one row per configuration, benchmark,
objective, budget and initial design) the summary gives, over seeds, the
median and interquartile range of the regret after 50, 100 and 150 queries
(those below the budget) and after the whole budget, the mean seconds
per query, and a two-sided Wilcoxon signed-rank test of the regret after 100
queries (or the budget, if smaller) against random search run with the same
seeds: the regrets are paired by seed, and seeds share the initial design.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from surrobench.errors import SurrobenchError

CHECKPOINTS = (50, 100, 150)
COMPARED_AT = 100
SETTING = ["benchmark", "objective", "budget", "initial"]
CONFIG = ["strategy", "surrogate", "acquisition", "optimizer", "encoding", "batch_size"]


def checkpoints(budget: int) -> list[int]:
    """The query counts the summary reports at.

    Example:
        >>> checkpoints(150), checkpoints(120), checkpoints(30)
        ([50, 100, 150], [50, 100, 120], [30])

    The paired test's point, ``min(100, budget)``, is always among them.
    """
    return [c for c in CHECKPOINTS if c < budget] + [budget]


def regret_at(trajectories: pd.DataFrame, step: int) -> pd.Series:
    """Regret after ``step`` queries, one value per seed (indexed by seed)."""
    rows = trajectories[trajectories["step"] == step]
    return rows.set_index("seed")["regret"].sort_index()


def paired_wilcoxon(regret: pd.Series, baseline: pd.Series) -> tuple[int, float, float]:
    """``(pairs, median of baseline − regret, two-sided p)`` over the seeds
    both have; p is 1 where every pair ties and NaN without pairs.

    Example:
        >>> a = pd.Series([0.1, 0.2, 0.0, 0.3, 0.1, 0.0])
        >>> pairs, gain, p = paired_wilcoxon(a, a + 1.0)
        >>> pairs, gain, round(p, 4)
        (6, 1.0, 0.0312)
    """
    common = regret.index.intersection(baseline.index)
    if len(common) == 0:
        return 0, float("nan"), float("nan")
    differences = baseline[common].to_numpy() - regret[common].to_numpy()
    gain = float(np.median(differences))
    if np.all(differences == 0):
        return len(common), gain, 1.0
    return len(common), gain, float(stats.wilcoxon(differences).pvalue)


def summarise(trajectories: pd.DataFrame) -> pd.DataFrame:
    """One row per configuration and setting: seeds, ``regret_<c>_median``,
    ``regret_<c>_q25``, ``regret_<c>_q75`` for each checkpoint ``c``,
    ``seconds_per_step``, and against random search ``compared_at``,
    ``pairs``, ``gain_vs_random`` (median paired regret of random minus this
    one: positive is better) and ``p_vs_random``."""
    if not isinstance(trajectories, pd.DataFrame):
        raise SurrobenchError(
            f"trajectories must be a DataFrame (see run_searches), got "
            f"{type(trajectories).__name__}"
        )
    missing = [
        c
        for c in [*SETTING, *CONFIG, "seed", "step", "regret", "seconds"]
        if c not in trajectories.columns
    ]
    if missing:
        raise SurrobenchError(f"trajectories lack the column(s) {missing}")
    frame = trajectories.copy()
    for column in ("surrogate", "acquisition", "optimizer", "encoding"):
        frame[column] = frame[column].fillna("")
    rows = []
    for setting, runs in frame.groupby(SETTING, sort=False):
        budget = int(setting[2])
        compared_at = min(COMPARED_AT, budget)
        random_runs = runs[runs["strategy"] == "random"]
        baseline = regret_at(random_runs, compared_at)
        for config, group in runs.groupby(CONFIG, sort=False):
            row = dict(zip(SETTING + CONFIG, (*setting, *config)))
            row["seeds"] = group["seed"].nunique()
            for checkpoint in checkpoints(budget):
                regret = regret_at(group, checkpoint)
                row[f"regret_{checkpoint}_median"] = regret.median()
                row[f"regret_{checkpoint}_q25"] = regret.quantile(0.25)
                row[f"regret_{checkpoint}_q75"] = regret.quantile(0.75)
            row["seconds_per_step"] = group["seconds"].mean()
            row["compared_at"] = compared_at
            if config[0] == "random" or baseline.empty:
                row["pairs"], row["gain_vs_random"], row["p_vs_random"] = (
                    0,
                    float("nan"),
                    float("nan"),
                )
            else:
                pairs, gain, p = paired_wilcoxon(
                    regret_at(group, compared_at), baseline
                )
                row["pairs"], row["gain_vs_random"], row["p_vs_random"] = pairs, gain, p
            rows.append(row)
    return pd.DataFrame(rows)


def config_label(row) -> str:
    """``bo(gp/onehot, ei, pool) ×5`` style name of a summary row."""
    if not row["surrogate"]:
        return str(row["strategy"])
    model = row["surrogate"] + (f"/{row['encoding']}" if row["encoding"] else "")
    label = f"{row['strategy']}({model}, {row['acquisition']}, {row['optimizer']})"
    batch = int(row["batch_size"])
    return label + (f" ×{batch}" if batch > 1 else "")


def _number(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.4g}"


def format_summary(summary: pd.DataFrame, header: str = "") -> str:
    """The summary as Markdown: one table per benchmark, objective, budget
    and initial design."""
    if not isinstance(summary, pd.DataFrame):
        raise SurrobenchError(
            f"summary must be a DataFrame (see summarise), got {type(summary).__name__}"
        )
    title = f"# Search summary\n\n{header}".rstrip()
    if len(summary) == 0:
        return f"{title}\n\nNo search has finished.\n"
    missing = [
        c for c in [*SETTING, *CONFIG, "compared_at"] if c not in summary.columns
    ]
    if missing:
        raise SurrobenchError(f"the summary lacks the column(s) {missing}")
    lines = [title, ""]
    lines.append(
        "Regret = the benchmark's optimum − the best found so far (target units; "
        "scalarised reward when `--alpha`; normalised hypervolume of the true "
        "front − found when `--pareto`): median [25 %, 75 %] over seeds. "
        "`×B`: B queries per surrogate fit. Gain = median over seeds of random's "
        "regret − this one's (positive: better than random), with the two-sided "
        "Wilcoxon signed-rank p over the seeds both ran."
    )
    for setting, table in summary.groupby(SETTING, sort=False):
        benchmark, objective, budget, initial = setting
        points = checkpoints(int(budget))
        compared_at = int(table["compared_at"].iloc[0])
        lines += [
            "",
            f"## {benchmark}: {objective}, budget {budget}, initial {initial}",
            "",
        ]
        head = ["strategy", "seeds", *(f"regret @{c}" for c in points)]
        head += ["s / step", f"gain vs random @{compared_at}", "p"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for _, row in table.iterrows():
            cells = [config_label(row), str(int(row["seeds"]))]
            for c in points:
                cells.append(
                    f"{_number(row[f'regret_{c}_median'])} "
                    f"[{_number(row[f'regret_{c}_q25'])}, "
                    f"{_number(row[f'regret_{c}_q75'])}]"
                )
            cells.append(f"{row['seconds_per_step']:.3g}")
            cells.append(_number(row["gain_vs_random"]))
            p = row["p_vs_random"]
            pairs = int(row["pairs"])
            plural = "" if pairs == 1 else "s"
            cells.append("–" if pd.isna(p) else f"{p:.3g} ({pairs} pair{plural})")
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
