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

from surrobench.datasets import Benchmark
from surrobench.errors import SurrobenchError
from surrobench.eval.metrics import score
from surrobench.eval.store import ResultStore
from surrobench.predictors import PREDICTORS, make_predictor

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
    "fit_seconds",
    "query_seconds",
]
DEFAULT_TEST_SIZE = 1000
SPLIT_VERSION = 1  # bump when split() changes, so stored results are not reused


@dataclass(frozen=True)
class Job:
    """One (predictor, encoding, train size, seed) evaluation on a benchmark."""

    predictor: str
    encoding: str | None
    train_size: int
    seed: int
    test_size: int = DEFAULT_TEST_SIZE
    metric: str | None = None


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
    if not isinstance(train_size, int | np.integer) or train_size < 2:
        raise SurrobenchError(f"train size must be an integer ≥ 2, got {train_size!r}")
    if train_size > pool_size - 2:
        raise SurrobenchError(
            f"train size {train_size} is at or above what {name} of {pool_size} "
            f"architectures allows; the largest is {pool_size - 2} (2 are kept to test)"
        )


def job_config(job: Job, benchmark: Benchmark) -> dict:
    """Everything that determines a job's result: its key in the store."""
    predictor = make_predictor(job.predictor, encoding=job.encoding, seed=job.seed)
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
        "split_version": SPLIT_VERSION,
    }


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

    predictor = make_predictor(job.predictor, encoding=job.encoding, seed=job.seed)
    start = time.perf_counter()
    predictor.fit(train, values[train_rows])
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predictions = predictor.predict(test)
    query_seconds = time.perf_counter() - start

    row = {
        "benchmark": benchmark.name,
        "predictor": job.predictor,
        "encoding": encoding_label(job),
        "train_size": job.train_size,
        "test_size": len(test_rows),
        "seed": job.seed,
        **score(values[test_rows], predictions, metric.higher_is_better),
        "fit_seconds": fit_seconds,
        "query_seconds": query_seconds,
    }
    return row


def plan(
    predictors: Sequence[str],
    train_sizes: Sequence[int],
    seeds: Sequence[int],
    encoding: str | None = None,
    test_size: int = DEFAULT_TEST_SIZE,
    metric: str | None = None,
) -> list[Job]:
    """Every job of a run, train size by train size, then seed, then predictor."""
    for name in predictors:
        make_predictor(name, encoding=encoding)  # unknown name or encoding: fail now
    if not isinstance(test_size, int | np.integer) or test_size < 2:
        raise SurrobenchError(f"test size must be an integer ≥ 2, got {test_size!r}")
    return [
        Job(name, encoding, int(size), int(seed), int(test_size), metric)
        for size in train_sizes
        for seed in seeds
        for name in predictors
    ]


def check_jobs(benchmark: Benchmark, jobs: Sequence[Job]) -> None:
    """Raise for a job that cannot run on ``benchmark``, before any job runs."""
    for job in jobs:
        check_train_size(job.train_size, len(benchmark), benchmark.name)
        benchmark.metric(job.metric)


def evaluate(
    benchmark: Benchmark,
    jobs: Sequence[Job],
    store: ResultStore | None = None,
    on_result: Callable[[int, int, dict, bool], None] | None = None,
) -> pd.DataFrame:
    """Run ``jobs`` (skipping those the store has finished); one row per job.

    Args:
        benchmark: where architectures and their true values come from.
        jobs: from :func:`plan`.
        store: finished results; each new one is committed as soon as it ends.
        on_result: called as ``on_result(index, total, row, reused)`` per job.
    """
    check_jobs(benchmark, jobs)
    store = store if store is not None else ResultStore()
    rows = []
    for index, job in enumerate(jobs):
        config = job_config(job, benchmark)
        row = store.get(config)
        reused = row is not None
        if not reused:
            row = run_job(job, benchmark)
            store.put(config, row)
            logger.info(
                "%s %s n=%d seed=%d: kendall_tau=%.3f",
                benchmark.name,
                job.predictor,
                job.train_size,
                job.seed,
                row["kendall_tau"],
            )
        rows.append(row)
        if on_result is not None:
            on_result(index, len(jobs), row, reused)
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)
