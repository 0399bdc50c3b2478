"""Fixtures for the speed benchmarks: the real benchmarks, loaded once."""

import pytest

from surrobench.datasets import load_benchmark


@pytest.fixture(scope="session")
def nb201():
    return load_benchmark("nb201-cifar10")
