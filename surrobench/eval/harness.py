"""The evaluation harness: (predictor, train size, seed) jobs → scores.

For each job a train set and a disjoint test set are drawn from the benchmark's
pool, the predictor is fit on the train set and scored on the test set. The
split depends only on (train size, test size, seed), so every predictor of a run
sees the same architectures and their scores can be compared pair by pair;
train sets of one seed are nested across train sizes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surrobench.datasets import Benchmark, check_benchmark
from surrobench.errors import SurrobenchError, check_int, check_seed
from surrobench.eval.metrics import score, uncertainty_scores
from surrobench.eval.store import ResultStore
from surrobench.eval.tuning import check_budget, tune
from surrobench.predictors import PREDICTORS, make_predictor
from surrobench.workers import in_processes

logger = logging.getLogger(__name__)

RESULT_COLUMNS = [
    "benchmark",
    "predictor",
    "encoding",
    "train_size",
    "test_size",
    "seed",
    "kendall_tau",
    "spearman",
    "pearson",
    "sparse_kendall_tau",
    "precision_at_10",
    "precision_at_50",
    "mae",
    "rmse",
    "nll",
    "coverage_68",
    "coverage_95",
    "fit_seconds",
    "query_seconds",
    "tuning_seconds",
]
DEFAULT_TEST_SIZE = 1000
SMALL_TEST_SET = 50  # below this, warn that scores are noisy
# Bump these when split() or the scores change, so stored results are not reused.
SPLIT_VERSION = 1
SCORES_VERSION = 2


@dataclass(frozen=True)
class Job:
    """One (predictor, encoding, train size, seed) evaluation on a benchmark."""

    predictor: str
    encoding: str | None
    train_size: int
    seed: int
    test_size: int = DEFAULT_TEST_SIZE
    metric: str | None = None
    hpo_seconds: float = 0.0


def split(
    pool_size: int, train_size: int, test_size: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint train and test row indices drawn from ``range(pool_size)``.

    The test set takes ``test_size`` rows, or all the rest if fewer remain.
    """
    check_train_size(train_size, pool_size)
    permutation = np.random.default_rng(seed).permutation(pool_size)
    train = permutation[:train_size]
    test = permutation[train_size : train_size + test_size]
    return train, test


def check_train_size(train_size: int, pool_size: int, name: str = "the pool") -> None:
    if isinstance(train_size, bool) or not isinstance(train_size, int | np.integer):
        raise SurrobenchError(f"train size must be an integer, got {train_size!r}")
    if pool_size < 4:
        raise SurrobenchError(
            f"{name} has {pool_size} architectures; evaluation needs at least 4 "
            "(2 to train, 2 to test)"
        )
    if train_size < 2:
        raise SurrobenchError(f"train size must be at least 2, got {train_size}")
    if train_size > pool_size - 2:
        raise SurrobenchError(
            f"train size {train_size} is at or above what {name} of {pool_size} "
            f"architectures allows; the largest is {pool_size - 2} (2 are kept to test)"
        )


def job_config(job: Job, benchmark: Benchmark) -> dict:
    """Everything that determines a job's result: its key in the store."""
    predictor = make_predictor(
        job.predictor,
        encoding=job.encoding,
        seed=job.seed,
        higher_is_better=benchmark.metric(job.metric).higher_is_better,
    )
    return {
        "kind": "evaluate",
        "benchmark": benchmark.name,
        "benchmark_fingerprint": benchmark.fingerprint,
        "metric": benchmark.metric(job.metric).name,
        "predictor": job.predictor,
        "params": predictor.get_params(),
        "encoding": encoding_label(job),
        "train_size": job.train_size,
        "test_size": job.test_size,
        "seed": job.seed,
        "hpo_seconds": job.hpo_seconds,
        "split_version": SPLIT_VERSION,
        "scores_version": SCORES_VERSION,
        **zero_cost_config(job),
    }


def zero_cost_config(job: Job) -> dict:
    """Which proxy scores a job reads, where it reads any: part of its key."""
    encoding = encoding_label(job).split("+")
    if "zc" not in encoding and "zero_cost" not in PREDICTORS[job.predictor].needs:
        return {}
    from surrobench.zerocost.values import default_values

    return {"zero_cost_values": default_values().identity}


def encoding_label(job: Job) -> str:
    """The encoding a job's predictor reads ('' for predictors that take none)."""
    cls = PREDICTORS[job.predictor]
    if "encoding" not in cls.needs:
        return ""
    return job.encoding or cls.default_encoding


def run_job(job: Job, benchmark: Benchmark) -> dict:
    """Fit and score one job; returns a row with :data:`RESULT_COLUMNS`."""
    metric = benchmark.metric(job.metric)
    train_rows, test_rows = split(
        len(benchmark), job.train_size, job.test_size, job.seed
    )
    values = benchmark.values(metric.name)
    train = [benchmark.archs[i] for i in train_rows]
    test = [benchmark.archs[i] for i in test_rows]

    start = time.perf_counter()
    tuned = tune(
        job.predictor,
        train,
        values[train_rows],
        job.hpo_seconds,
        encoding=job.encoding,
        seed=job.seed,
    )
    tuning_seconds = time.perf_counter() - start if job.hpo_seconds else 0.0
    predictor = make_predictor(
        job.predictor,
        encoding=job.encoding,
        seed=job.seed,
        params=tuned.params,
        higher_is_better=metric.higher_is_better,
    )
    start = time.perf_counter()
    predictor.fit(train, values[train_rows])
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predictions = predictor.predict(test)
    query_seconds = time.perf_counter() - start
    mean, std = predictor.predict_dist(test)

    row = {
        "benchmark": benchmark.name,
        "predictor": job.predictor,
        "encoding": encoding_label(job),
        "train_size": job.train_size,
        "test_size": len(test_rows),
        "seed": job.seed,
        **score(values[test_rows], predictions, metric.higher_is_better),
        **uncertainty_scores(values[test_rows], mean, std),
        "fit_seconds": fit_seconds,
        "query_seconds": query_seconds,
        "tuning_seconds": tuning_seconds,
    }
    return row


def plan(
    predictors: Sequence[str],
    train_sizes: Sequence[int],
    seeds: Sequence[int],
    encoding: str | None = None,
    test_size: int = DEFAULT_TEST_SIZE,
    metric: str | None = None,
    hpo_seconds: float = 0.0,
) -> list[Job]:
    """Every job of a run, train size by train size, then seed, then predictor.

    Repeated predictors, train sizes or seeds are run once. ``hpo_seconds`` > 0
    tunes each predictor inside its train set first (see
    :func:`surrobench.eval.tuning.tune`).
    """
    for what, values in (
        ("predictors", predictors),
        ("train_sizes", train_sizes),
        ("seeds", seeds),
    ):
        if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
            raise SurrobenchError(f"{what} must be a list, got {values!r}")
    # A repeated name, size or seed would only count the same job twice.
    predictors, train_sizes, seeds = (
        list(dict.fromkeys(values)) for values in (predictors, train_sizes, seeds)
    )
    encodings = {}
    for name in predictors:
        make_predictor(name)  # an unknown name fails now
        # ``encoding`` reaches the predictors that read one; the others (graph
        # models, zero-cost proxies) keep theirs, unless none reads one at all.
        takes = "encoding" in PREDICTORS[name].needs
        encodings[name] = encoding if takes else None
    if encoding is not None:
        readers = [name for name in predictors if encodings[name] is not None]
        if not readers:
            raise SurrobenchError(
                f"--encoding {encoding!r}: none of {', '.join(predictors)} reads an "
                "encoding (vector predictors do: see surrobench predictors)"
            )
        make_predictor(readers[0], encoding=encoding)  # an unknown encoding fails
    check_int("test size", test_size, 2)
    for seed in seeds:
        check_seed(seed)
    for size in train_sizes:
        check_int("train size", size, 2)
    hpo_seconds = check_budget(hpo_seconds)
    return [
        Job(
            name,
            encodings[name],
            int(size),
            int(seed),
            int(test_size),
            metric,
            hpo_seconds,
        )
        for size in train_sizes
        for seed in seeds
        for name in predictors
    ]


def check_jobs(benchmark: Benchmark, jobs: Sequence[Job]) -> None:
    """Raise for a job that cannot run on ``benchmark``, before any job runs."""
    check_benchmark(benchmark)
    for job in jobs:
        if not isinstance(job, Job):
            raise SurrobenchError(f"expected Job objects (see plan), got {job!r}")
        check_int("test size", job.test_size, 2)
        check_train_size(job.train_size, len(benchmark), benchmark.name)
        check_seed(job.seed)
        check_budget(job.hpo_seconds)
    for metric in {job.metric for job in jobs}:
        values = benchmark.values(metric)
        missing = int((~np.isfinite(values)).sum())
        if missing:
            raise SurrobenchError(
                f"metric {benchmark.metric(metric).name!r} of {benchmark.name} is NaN "
                f"or infinite for {missing} architectures; make it the table's "
                "target so that those rows are dropped"
            )


def evaluate(
    benchmark: Benchmark,
    jobs: Sequence[Job],
    store: ResultStore | None = None,
    on_result: Callable[[int, int, dict, bool], None] | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """Run ``jobs`` (skipping those the store has finished); one row per job.

    Args:
        benchmark: where architectures and their true values come from.
        jobs: from :func:`plan`.
        store: finished results; each new one is committed as soon as it ends.
        on_result: called as ``on_result(done, total, row, reused)`` as each job
            finishes, ``done`` counting from 0 in the order jobs finish.
        workers: processes that run jobs side by side; results do not depend
            on it, since every job is seeded on its own.

    Returns:
        One row per job, in the order of ``jobs``, with :data:`RESULT_COLUMNS`.
    """
    jobs = list(jobs)
    check_jobs(benchmark, jobs)
    workers = check_int("workers", workers, 1)
    if store is None:
        store = ResultStore()
    elif not isinstance(store, ResultStore):
        raise SurrobenchError(f"store must be a ResultStore, got {store!r}")
    smallest = min(
        (min(job.test_size, len(benchmark) - job.train_size) for job in jobs),
        default=None,
    )
    if smallest is not None and smallest < SMALL_TEST_SET:
        logger.warning(
            "some jobs test on only %d architectures: their scores are noisy, and "
            "precision@k is NaN where k reaches the test size",
            smallest,
        )
    rows: list[dict | None] = [None] * len(jobs)
    pending = []
    finished = 0

    def finish(index: int, row: dict, reused: bool) -> None:
        nonlocal finished
        rows[index] = row
        if on_result is not None:
            on_result(finished, len(jobs), row, reused)
        finished += 1

    for index, job in enumerate(jobs):
        config = job_config(job, benchmark)
        stored = store.get(config)
        if stored is None:
            pending.append((index, job, config))
        else:
            finish(index, stored, reused=True)

    for index, job, config, row in _run_pending(benchmark, pending, workers):
        store.put(config, row)
        logger.info(
            "%s %s n=%d seed=%d: kendall_tau=%.3f",
            benchmark.name,
            job.predictor,
            job.train_size,
            job.seed,
            row["kendall_tau"],
        )
        finish(index, row, reused=False)
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def _run_pending(benchmark: Benchmark, pending: list, workers: int):
    """Yield ``(index, job, config, row)`` as each pending job finishes."""
    if workers == 1 or len(pending) < 2:
        for index, job, config in pending:
            yield index, job, config, run_job(job, benchmark)
        return
    # Each worker receives the benchmark once; one job per worker at a time.
    calls = (((index, job, config), (job,)) for index, job, config in pending)
    for key, row in in_processes(
        _run_in_worker,
        calls,
        min(workers, len(pending)),
        _start_worker,
        (benchmark,),
    ):
        yield *key, row


_worker_benchmark: Benchmark | None = None


def _start_worker(benchmark: Benchmark) -> None:
    global _worker_benchmark
    _worker_benchmark = benchmark


def _run_in_worker(job: Job) -> dict:
    return run_job(job, _worker_benchmark)
