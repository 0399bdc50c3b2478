import numpy as np
import pandas as pd
import pytest

from surrobench.errors import SurrobenchError
from surrobench.eval import (
    RESULT_COLUMNS,
    ResultStore,
    evaluate,
    harness,
    leaderboard,
    plan,
    split,
)


def test_split_is_disjoint_seeded_and_nested():
    train, test = split(1000, 100, 300, seed=4)
    assert len(train) == 100 and len(test) == 300
    assert not set(train) & set(test)
    again_train, again_test = split(1000, 100, 300, seed=4)
    np.testing.assert_array_equal(train, again_train)
    np.testing.assert_array_equal(test, again_test)
    bigger, _ = split(1000, 200, 300, seed=4)
    assert set(train) <= set(bigger)
    _, rest = split(1000, 900, 300, seed=4)
    assert len(rest) == 100  # all the rest when fewer than asked remain


def test_train_size_at_or_above_the_pool_is_refused(nb201):
    for size in (15625, 15624, 99999):
        with pytest.raises(SurrobenchError, match="largest is 15623"):
            evaluate(nb201, plan(["rf"], [size], [0]))


def test_a_run_scores_every_job_with_exact_columns(nb201):
    jobs = plan(["rf", "nusvr"], [20, 40], [0, 1], test_size=300)
    results = evaluate(nb201, jobs)
    assert list(results.columns) == RESULT_COLUMNS
    assert len(results) == 8
    assert (results.test_size == 300).all()
    assert results.kendall_tau.between(-1, 1).all()
    assert (results.fit_seconds > 0).all()
    assert set(results.encoding) == {"onehot"}


def test_predictors_share_splits_and_the_store_skips_finished_jobs(
    nb201, tmp_path, monkeypatch
):
    jobs = plan(["rf", "lgb"], [30], [0, 1], test_size=200)
    with ResultStore(tmp_path / "store.sqlite") as store:
        first = evaluate(nb201, jobs, store=store)
        assert len(store) == 4

    def fail(*args, **kwargs):
        raise AssertionError("a finished job ran again")

    monkeypatch.setattr(harness, "run_job", fail)
    with ResultStore(tmp_path / "store.sqlite") as store:
        second = evaluate(nb201, jobs, store=store)
    pd.testing.assert_frame_equal(first, second)


def test_interrupted_run_keeps_finished_jobs(nb201, tmp_path, monkeypatch):
    jobs = plan(["nusvr"], [30], [0, 1, 2], test_size=200)
    real_run_job = harness.run_job
    calls = []

    def interrupt_third(job, bench):
        calls.append(job)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_run_job(job, bench)

    monkeypatch.setattr(harness, "run_job", interrupt_third)
    with ResultStore(tmp_path / "s.sqlite") as store, pytest.raises(KeyboardInterrupt):
        evaluate(nb201, jobs, store=store)
    with ResultStore(tmp_path / "s.sqlite") as store:
        assert len(store) == 2


def test_other_metric_changes_the_job_identity(cora):
    jobs = plan(["nusvr"], [30], [0], test_size=200, metric="latency")
    store = ResultStore()
    latency = evaluate(cora, jobs, store=store)
    accuracy = evaluate(cora, plan(["nusvr"], [30], [0], test_size=200), store=store)
    assert len(store) == 2
    assert latency.mae[0] != accuracy.mae[0]


def _rows(taus_by_predictor):
    rows = []
    for name, taus in taus_by_predictor.items():
        for seed, tau in enumerate(taus):
            rows.append(
                {
                    "benchmark": "x",
                    "predictor": name,
                    "encoding": "onehot",
                    "train_size": 10,
                    "seed": seed,
                    "kendall_tau": tau,
                    "spearman": tau,
                    "precision_at_10": 0.1,
                    "nll": 1.0,
                    "coverage_95": 0.9,
                    "fit_seconds": 1.0,
                    "query_seconds": 0.1,
                }
            )
    return pd.DataFrame(rows)


def test_leaderboard_ranks_by_mean_tau_with_intervals():
    board = leaderboard(_rows({"b": [0.55, 0.55, 0.55], "a": [0.5, 0.7, 0.6]}))
    assert list(board.predictor) == ["a", "b"]
    assert list(board["rank"]) == [1, 2]
    assert list(board.seeds) == [3, 3]
    a = board[board.predictor == "a"].iloc[0]
    assert a.kendall_tau_mean == pytest.approx(0.6)
    # t(0.975, 2) · sd / √3 with sd = 0.1
    assert a.kendall_tau_ci95 == pytest.approx(4.302652729911275 * 0.1 / np.sqrt(3))
    assert board[board.predictor == "b"].iloc[0].kendall_tau_ci95 == pytest.approx(0)


def test_equal_means_share_a_rank_and_one_seed_has_no_interval():
    board = leaderboard(_rows({"a": [0.6], "b": [0.6]}))
    assert list(board["rank"]) == [1, 1]
    assert board.kendall_tau_ci95.isna().all()


def test_plan_rejects_bad_names_before_any_work():
    with pytest.raises(SurrobenchError, match="unknown predictor"):
        plan(["rf", "gpp"], [10], [0])
    with pytest.raises(SurrobenchError, match="unknown encoding"):
        plan(["rf"], [10], [0], encoding="pth")
    with pytest.raises(SurrobenchError, match="test size"):
        plan(["rf"], [10], [0], test_size=1)


def test_an_encoding_reaches_only_the_predictors_that_read_one():
    jobs = plan(["gin", "lgb", "synflow"], [10], [0], encoding="path")
    assert {job.predictor: job.encoding for job in jobs} == {
        "gin": None,
        "lgb": "path",
        "synflow": None,
    }
    with pytest.raises(SurrobenchError, match="none of gin, synflow reads"):
        plan(["gin", "synflow"], [10], [0], encoding="path")
    with pytest.raises(SurrobenchError, match="unknown encoding"):
        plan(["gin", "lgb"], [10], [0], encoding="pth")


def test_parallel_workers_give_the_same_scores(nb201):
    jobs = plan(["rf", "nusvr"], [30], [0, 1], test_size=200)
    serial = evaluate(nb201, jobs)
    finished = []
    parallel = evaluate(
        nb201, jobs, workers=2, on_result=lambda *args: finished.append(args[0])
    )
    timing = ["fit_seconds", "query_seconds"]
    pd.testing.assert_frame_equal(
        serial.drop(columns=timing), parallel.drop(columns=timing)
    )
    assert finished == [0, 1, 2, 3]
    with pytest.raises(SurrobenchError, match="workers"):
        evaluate(nb201, jobs, workers=0)


def test_repeated_names_sizes_and_seeds_run_once():
    jobs = plan(["rf", "rf", "nusvr"], [25, 25], [0, 0, 1])
    assert len(jobs) == len(set(jobs)) == 4


def test_small_test_sets_are_flagged(nb201, caplog):
    results = evaluate(nb201, plan(["nusvr"], [20], [0], test_size=30))
    assert "only 30 architectures" in caplog.text
    assert results.precision_at_50.isna().all()
    assert results.precision_at_10.notna().all()


def test_misused_api_is_named(nb201, tmp_path):
    jobs = plan(["nusvr"], [20], [0], test_size=50)
    with pytest.raises(SurrobenchError, match="Benchmark"):
        evaluate("nb201-cifar10", jobs)
    with pytest.raises(SurrobenchError, match="Job objects"):
        evaluate(nb201, [("nusvr", None, 20, 0)])
    with pytest.raises(SurrobenchError, match="ResultStore"):
        evaluate(nb201, jobs, store=str(tmp_path / "x.sqlite"))
    with pytest.raises(SurrobenchError, match="workers"):
        evaluate(nb201, jobs, workers=True)
    assert len(evaluate(nb201, (job for job in jobs))) == 1
    with pytest.raises(SurrobenchError, match="seeds must be a list"):
        plan(["rf"], [10], 3)
    with pytest.raises(SurrobenchError, match="results lack"):
        leaderboard(pd.DataFrame({"a": [1]}))
