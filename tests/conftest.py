"""Shared fixtures: the real benchmarks, loaded once per test session."""

from __future__ import annotations

import os

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


@pytest.fixture(scope="session", autouse=True)
def zero_cost_store(tmp_path_factory):
    """Proxy scores computed by tests go to a session folder, not ~/.cache."""
    from surrobench.zerocost.values import STORE_VARIABLE, VALUES_VARIABLE

    saved = {
        name: os.environ.pop(name, None) for name in (STORE_VARIABLE, VALUES_VARIABLE)
    }
    path = tmp_path_factory.mktemp("zero_cost") / "zerocost.sqlite"
    os.environ[STORE_VARIABLE] = str(path)
    yield path
    for name, value in saved.items():
        os.environ.pop(name, None)
        if value is not None:
            os.environ[name] = value


@pytest.fixture(scope="module")
def one_torch_thread():
    """Small networks run fastest on one thread, and best on a busy machine."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def tiny_network():
    """A network size for tests of the machinery: one cell per stage, 4
    channels, 8×8 inputs. (Proxies rank cells best at the real sizes.)"""
    from surrobench.zerocost.networks import NetworkSize

    return NetworkSize("tiny", channels=4, cells_per_stage=1, resolution=8)
