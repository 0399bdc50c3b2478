import numpy as np
import pandas as pd
import pytest
from scipy import stats

from surrobench.errors import SurrobenchError
from surrobench.search.runner import TRAJECTORY_COLUMNS
from surrobench.search.summary import format_summary, summarise


def synthetic(strategy: str, regret_at_step, seeds=range(6), budget=120):
    rows = []
    for seed in seeds:
        for step in range(1, budget + 1):
            row = dict.fromkeys(TRAJECTORY_COLUMNS, "")
            row |= {
                "strategy": strategy,
                "seed": seed,
                "step": step,
                "regret": regret_at_step(seed, step),
                "seconds": 0.5 if strategy == "bo" else 0.0,
                "batch_size": 1,
                "budget": budget,
                "initial": 10,
                "benchmark": "toy",
                "objective": "target",
            }
            if strategy == "bo":
                row |= {"surrogate": "gp", "acquisition": "ei", "optimizer": "pool"}
            rows.append(row)
    return pd.DataFrame(rows)


def test_summary_medians_quartiles_and_paired_test():
    random = synthetic("random", lambda seed, step: 10.0 / step + seed)
    bo = synthetic("bo", lambda seed, step: 5.0 / step + seed * (seed % 2))
    summary = summarise(pd.concat([random, bo]))
    assert list(summary["strategy"]) == ["random", "bo"]
    assert "regret_150_median" not in summary  # beyond the budget
    # The whole budget is reported too (it used to stop at the last of 50, 100).
    at_120 = np.array([5.0 / 120 + seed * (seed % 2) for seed in range(6)])
    assert summary.set_index("strategy").loc["bo", "regret_120_median"] == (
        pytest.approx(np.median(at_120))
    )
    row = summary.set_index("strategy").loc["bo"]
    at_100 = np.array([0.05 + seed * (seed % 2) for seed in range(6)])
    assert row["regret_100_median"] == pytest.approx(np.median(at_100))
    assert row["regret_100_q25"] == pytest.approx(np.quantile(at_100, 0.25))
    assert row["seconds_per_step"] == 0.5
    random_100 = np.array([0.1 + seed for seed in range(6)])
    assert row["p_vs_random"] == pytest.approx(
        stats.wilcoxon(random_100 - at_100).pvalue
    )
    assert row["gain_vs_random"] == pytest.approx(np.median(random_100 - at_100))
    assert row["pairs"] == 6 and row["compared_at"] == 100

    text = format_summary(summary)
    assert "| bo(gp, ei, pool) | 6 |" in text and "regret @50" in text
    assert "regret @120" in text and "(6 pairs)" in text


def test_pairs_only_on_common_seeds_and_ties():
    random = synthetic("random", lambda seed, step: 1.0, seeds=range(4), budget=30)
    bo = synthetic("bo", lambda seed, step: 1.0, seeds=range(2, 8), budget=30)
    row = summarise(pd.concat([random, bo])).set_index("strategy").loc["bo"]
    assert row["compared_at"] == 30 and row["pairs"] == 2
    one = synthetic("bo", lambda seed, step: 0.5 * seed, seeds=range(3, 4), budget=30)
    text = format_summary(summarise(pd.concat([random, one])))
    assert "(1 pair)" in text
    assert row["p_vs_random"] == 1.0 and row["gain_vs_random"] == 0.0


def test_summary_refuses_what_is_not_a_trajectory_table():
    with pytest.raises(SurrobenchError, match="trajectories must be a DataFrame"):
        summarise(None)
    with pytest.raises(SurrobenchError, match="summary must be a DataFrame"):
        format_summary(None)
    with pytest.raises(SurrobenchError, match="lacks the column"):
        format_summary(pd.DataFrame({"regret": [0.1]}))


def test_an_empty_summary_formats_without_a_table():
    empty = summarise(pd.DataFrame(columns=TRAJECTORY_COLUMNS))
    assert format_summary(empty, "toy").endswith("No search has finished.\n")
