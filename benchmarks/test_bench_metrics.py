"""How long the harness's scores take on 15,625 (true, predicted) pairs."""

import numpy as np
import pytest

from surrobench.eval import metrics


@pytest.fixture(scope="module")
def pairs(nb201):
    y = nb201.values()
    noisy = y + np.random.default_rng(0).normal(scale=5.0, size=y.size)
    return y, noisy


def test_kendall_tau_15625_pairs(benchmark, pairs):
    tau = benchmark(metrics.kendall_tau, *pairs)
    assert 0 < tau < 1


def test_all_scores_15625_pairs(benchmark, pairs):
    scores = benchmark(metrics.score, *pairs)
    assert set(scores) >= {"kendall_tau", "sparse_kendall_tau", "precision_at_50"}
