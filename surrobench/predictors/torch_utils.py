"""What every torch-based predictor shares: seeding, one thread, tensors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch

DTYPE = torch.float64


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Run a block on one torch thread, then restore the caller's count.

    NAS predictors train on tensors of a few hundred rows and a few dozen
    columns: thousands of operations too small to share. On a busy two-core
    machine a second thread, waiting at each one, made fits 10–60× slower.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[torch.Generator]:
    """Run a block single-threaded under torch's RNG seeded with ``seed``.

    The global RNG is left as it was; yields a generator seeded the same, for
    explicit use (data loaders, samplers).
    """
    with torch.random.fork_rng(devices=[]), single_thread():
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        yield generator


def as_tensor(array: np.ndarray, dtype: torch.dtype = DTYPE) -> torch.Tensor:
    """A numpy array as a CPU tensor of ``dtype`` (float64 unless told)."""
    return torch.as_tensor(np.ascontiguousarray(array), dtype=dtype)
