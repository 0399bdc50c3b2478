"""Read the benchmark packages' pickles without running their code.

Both data packages ship pickles. Unpickling imports whatever the stream names,
so each file is read through an unpickler that admits only the classes that the
file is known to hold and refuses anything else.
"""

from __future__ import annotations

import importlib.util
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
from numpy._core.multiarray import scalar as numpy_scalar

from surrobench.errors import SurrobenchError


class _Record:
    """Stand-in for a pickled plain class: keeps only its attribute dict."""


def record_class(name: str) -> type:
    return type(name, (_Record,), {})


NUMPY_SCALARS: Mapping[tuple[str, str], Callable] = {
    ("numpy.core.multiarray", "scalar"): numpy_scalar,
    ("numpy._core.multiarray", "scalar"): numpy_scalar,
    ("numpy", "dtype"): np.dtype,
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the ``(module, name)`` pairs it is given."""

    def __init__(
        self,
        file,
        allowed: Mapping[tuple[str, str], Callable],
        encoding: str = "ASCII",
    ) -> None:
        # encoding="bytes" reads pickles written by Python 2 (CIFAR-10's).
        super().__init__(file, encoding=encoding)
        self._allowed = allowed

    def find_class(self, module: str, name: str):
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: not a class this file should hold"
            ) from None


def load_restricted(path: Path, allowed: Mapping[tuple[str, str], Callable]):
    with open(path, "rb") as handle:
        return RestrictedUnpickler(handle, allowed).load()


def package_file(package: str, *parts: str) -> Path:
    """Path of a data file inside an installed package, without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SurrobenchError(
            f"package {package!r} is not installed; reinstall surrobench to get it"
        )
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    if not path.is_file():
        raise SurrobenchError(f"{package} is installed but lacks its data file {path}")
    return path
