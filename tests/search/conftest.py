"""Small real slices of the benchmarks, so that whole searches run in seconds."""

from __future__ import annotations

import numpy as np
import pytest

from surrobench.datasets import Benchmark

SLICE_SIZE = 300


def benchmark_slice(bench: Benchmark, size: int = SLICE_SIZE, seed: int = 0):
    """``size`` random rows of ``bench``, its best architecture among them."""
    best = int(np.argmax(bench.values()))
    others = np.random.default_rng(seed).permutation(len(bench))
    rows = [best, *[int(row) for row in others if row != best][: size - 1]]
    table = bench.table.drop(columns="arch").iloc[rows]
    return Benchmark(
        f"{bench.name}-slice{size}",
        bench.space,
        [bench.archs[row] for row in rows],
        table,
        list(bench.metrics.values()),
        bench.target,
        bench.description,
    )


@pytest.fixture(scope="session")
def nb201_slice(nb201):
    return benchmark_slice(nb201)


@pytest.fixture(scope="session")
def cora_slice(cora):
    return benchmark_slice(cora)
