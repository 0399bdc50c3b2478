"""Shared fixtures: the real benchmarks, loaded once per test session."""

from __future__ import annotations

import pytest

from surrobench.datasets import load_benchmark


@pytest.fixture(scope="session")
def nb201():
    return load_benchmark("nb201-cifar10")


@pytest.fixture(scope="session")
def cora():
    return load_benchmark("nbgraph-cora")


@pytest.fixture(scope="session")
def nb201_space(nb201):
    return nb201.space
