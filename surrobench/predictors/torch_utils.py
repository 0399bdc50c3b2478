"""What every torch-based predictor shares: seeding, tensors, threads."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch

DTYPE = torch.float64


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[torch.Generator]:
    """Run a block under torch's RNG seeded with ``seed``, leaving the global
    RNG as it was; yields a generator seeded the same, for explicit use."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        yield generator


def as_tensor(array: np.ndarray, dtype: torch.dtype = DTYPE) -> torch.Tensor:
    """A numpy array as a CPU tensor of ``dtype`` (float64 unless told)."""
    return torch.as_tensor(np.ascontiguousarray(array), dtype=dtype)
