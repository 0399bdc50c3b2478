"""A long search keeps its memory flat: each step's surrogate is let go."""

import ctypes
import ctypes.util
import gc
import os

import numpy as np

from surrobench.search.loop import bayesian_optimisation
from surrobench.search.multiobjective import Objective
from surrobench.search.problem import SearchProblem

PAGE = os.sysconf("SC_PAGE_SIZE")
CHECKPOINTS = tuple(range(30, 151, 15))
LIBC = ctypes.CDLL(ctypes.util.find_library("c"))


def resident_megabytes() -> float:
    """Resident memory after handing freed heap pages back to the system, so
    that what is measured is what is still held."""
    gc.collect()
    if hasattr(LIBC, "malloc_trim"):  # glibc
        LIBC.malloc_trim(0)
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def test_a_150_step_loop_does_not_grow_step_by_step(nb201):
    resident = {}

    def on_step(step):
        if step["step"] in CHECKPOINTS:
            resident[step["step"]] = resident_megabytes()

    # Each fit scores the whole 15,625-cell pool (features, means, variances):
    # megabytes per step to leak, were any kept.
    problem = SearchProblem(nb201, Objective(nb201), 150, on_step=on_step)
    bayesian_optimisation(
        problem, np.random.default_rng(0), "blr", "ei", "pool", batch_size=2
    )

    sizes = [resident[step] for step in CHECKPOINTS]
    print("resident MB at", CHECKPOINTS, ":", [round(size, 1) for size in sizes])
    assert sizes[-1] - sizes[0] < 150, sizes
    # From step 60 on, 45 more fits: keeping one pool-sized array (15,625
    # floats) per fit would add 5.6 MB, keeping the features far more; the
    # allocator's own drift measured 0.7-0.8 MB.
    assert sizes[-1] - sizes[2] < 4, sizes
