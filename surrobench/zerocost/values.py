"""Where the ``zc`` encoding and the zero-cost predictors get proxy scores.

A :class:`ProxyValues` maps architectures to their proxy scores. Three kinds:

- :class:`ComputedValues`: computed on NB201 networks on demand and kept in a
  results store, so each (architecture, proxy) is computed once per store.
- :class:`TableValues` from a CSV written by ``surrobench zerocost``.
- :class:`TableValues` from a NAS-Bench-Suite-Zero JSON file (its own scores).

Only proxy scores are ever read: a Suite-Zero file's ``val_accuracy`` or any
other column of a CSV stays out, so a model never sees a test architecture's
target through its features.

Which one is used when none is passed (:func:`default_values`): the one set
by :func:`use_values`; else the file named by the environment variable
``SURROBENCH_ZC_VALUES`` (a ``.csv``, or a ``.json`` with ``#DATASET`` when it
holds several datasets); else scores computed on the ``small`` network with
the digits minibatch and seed 0, stored in ``SURROBENCH_ZC_STORE`` (default
``~/.cache/surrobench/zerocost.sqlite``). The environment variables reach the
worker processes of ``surrobench evaluate --workers N``; the CLI sets the first
from ``--zc-values``. Computed scores also need 64 reference cells for the
encoding's scale: a few minutes on a CPU the first time, then stored.
"""

from __future__ import annotations

import hashlib
import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from surrobench.architecture import Architecture
from surrobench.errors import SurrobenchError, unknown_name
from surrobench.eval.store import ResultStore
from surrobench.spaces import get_space
from surrobench.zerocost.data import DataSpec
from surrobench.zerocost.networks import NetworkSize, network_size
from surrobench.zerocost.proxies import PROXIES, get_proxies
from surrobench.zerocost.runner import PROXY_VERSION, compute_proxies

logger = logging.getLogger(__name__)

VALUES_VARIABLE = "SURROBENCH_ZC_VALUES"
# Cells whose computed scores set the zc encoding's scale for each proxy.
REFERENCE_CELLS = 64
STORE_VARIABLE = "SURROBENCH_ZC_STORE"


class ProxyValues(ABC):
    """Proxy scores per architecture.

    Attributes:
        proxies: the proxies it holds, in column order.
        source: where the scores come from, for messages.
    """

    proxies: tuple[str, ...]
    source: str

    @property
    def identity(self) -> str:
        """What identifies the scores in a results store."""
        return self.source

    @abstractmethod
    def lookup(self, archs: Sequence[Architecture]) -> np.ndarray:
        """Scores of each architecture; float64 of shape (n, len(proxies))."""

    @abstractmethod
    def reference(self) -> np.ndarray:
        """Scores of the architectures that set each proxy's typical value and
        spread for the ``zc`` encoding; shape (m, len(proxies))."""

    def column(self, archs: Sequence[Architecture], proxy: str) -> np.ndarray:
        """One proxy's scores; shape (n,)."""
        if proxy not in self.proxies:
            raise SurrobenchError(
                f"{self.source} has no {proxy!r} scores; it holds "
                f"{', '.join(self.proxies)}"
            )
        return self.lookup(archs)[:, self.proxies.index(proxy)]


class TableValues(ProxyValues):
    """Scores read from a table: one row per architecture, one column per proxy.

    Args:
        archs: the table's architectures, one per row.
        table: proxy columns only, one row per architecture (``archs`` order).
        source: where the table came from, for messages.
    """

    def __init__(
        self, archs: Sequence[Architecture], table: pd.DataFrame, source: str
    ) -> None:
        unknown = [column for column in table.columns if column not in PROXIES]
        if unknown:
            raise SurrobenchError(
                f"{source} has columns that are not proxies: {unknown}; "
                f"valid: {', '.join(PROXIES)}"
            )
        if not len(table.columns):
            raise SurrobenchError(f"{source} holds no proxy scores")
        if len(archs) != len(table):
            raise SurrobenchError(
                f"{source}: {len(archs)} architectures but {len(table)} rows of scores"
            )
        if not len(table):
            raise SurrobenchError(f"{source} holds no architectures")
        self.proxies = tuple(table.columns)
        self.source = source
        self.archs = list(archs)
        self._matrix = _numeric(table, archs, source)
        complete = np.isfinite(self._matrix).all(axis=1)
        #: The architectures with a finite score for every proxy of the table.
        self.complete_archs = list(
            dict.fromkeys(arch for arch, ok in zip(self.archs, complete) if ok)
        )
        self.digest = hashlib.sha256(
            pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes()
            + "\n".join(arch.to_string() for arch in archs).encode()
        ).hexdigest()[:16]
        self._rows = {}
        for row, arch in enumerate(archs):
            first = self._rows.setdefault(arch, row)
            if not np.array_equal(self._matrix[first], self._matrix[row], True):
                raise SurrobenchError(
                    f"{source} scores {arch} twice, differently; keep one row"
                )

    @property
    def identity(self) -> str:
        return f"table:{self.digest}"

    @classmethod
    def from_csv(cls, path: str | Path) -> TableValues:
        """A CSV with an ``arch`` column (canonical strings) and proxy columns;
        other columns are left out."""
        path = Path(path)
        try:
            table = pd.read_csv(path)
        except (OSError, ValueError) as error:
            raise SurrobenchError(
                f"cannot read proxy scores {str(path)!r}: {error}"
            ) from None
        if "arch" not in table.columns:
            raise SurrobenchError(
                f"{path.name} has no 'arch' column; write it with surrobench zerocost"
            )
        if not isinstance(table.index, pd.RangeIndex):  # pandas' sign of extra fields
            raise SurrobenchError(f"{path.name} has rows with more fields than columns")
        repeated = [
            column
            for column in table.columns
            if column not in PROXIES and column.rpartition(".")[0] in PROXIES
        ]
        if repeated:  # pandas renames a second 'snip' column 'snip.1'
            raise SurrobenchError(
                f"{path.name} repeats the column {repeated[0].rpartition('.')[0]!r}"
            )
        archs = []
        for row, text in enumerate(table["arch"]):
            try:
                archs.append(Architecture.from_string(str(text)))
            except SurrobenchError as error:
                raise SurrobenchError(f"{path.name} row {row + 2}: {error}") from None
        proxies = [column for column in table.columns if column in PROXIES]
        return cls(archs, table[proxies], str(path))

    @classmethod
    def from_suite_zero(cls, path: str | Path, dataset: str | None = None):
        """The proxy scores of a NAS-Bench-Suite-Zero file (no accuracies)."""
        from surrobench.datasets.suite_zero import read_suite_zero

        _, archs, table = read_suite_zero(path, dataset)
        proxies = [column for column in table.columns if column in PROXIES]
        return cls(archs, table[proxies], str(path))

    def reference(self) -> np.ndarray:
        """Every architecture of the table: none is a target, all are scores."""
        return self._matrix

    def lookup(self, archs: Sequence[Architecture]) -> np.ndarray:
        rows = np.empty(len(archs), dtype=np.int64)
        for i, arch in enumerate(archs):
            row = self._rows.get(arch)
            if row is None:
                raise SurrobenchError(
                    f"{self.source} has no proxy scores for {arch}; score it with "
                    "surrobench zerocost, or leave out --zc-values (and "
                    f"{VALUES_VARIABLE}) to compute scores on demand"
                )
            rows[i] = row
        return self._matrix[rows]


def _numeric(
    table: pd.DataFrame, archs: Sequence[Architecture], source: str
) -> np.ndarray:
    """``table`` as floats of shape (rows, columns), or an error naming the
    first value that is not a number (a string, a boolean); missing values
    become NaN."""
    columns = []
    for column in table.columns:
        values = table[column]
        numbers = pd.to_numeric(values, errors="coerce")
        if values.dtype.kind == "b":
            bad = values.notna().to_numpy()
        else:
            bad = (numbers.isna() & values.notna()).to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise SurrobenchError(
                f"{source}: {column!r} of {archs[row]} is {values.tolist()[row]!r}, "
                "not a number"
            )
        columns.append(numbers.to_numpy(dtype=float))
    return np.stack(columns, axis=1)


class ComputedValues(ProxyValues):
    """Scores computed on NB201 networks when first asked for, then stored.

    Args:
        proxies: proxy names (all thirteen when None).
        data: the minibatch source (digits when None).
        size: network size, ``small`` by default.
        seed: seeds minibatch, weights and noise.
        store: a results-store file (in memory when None).
    """

    def __init__(
        self,
        proxies: Sequence[str] | None = None,
        data: DataSpec | None = None,
        size: str | NetworkSize = "small",
        seed: int = 0,
        store: str | Path | None = None,
    ) -> None:
        self.proxies = tuple(proxy.name for proxy in get_proxies(proxies))
        self.data = data or DataSpec()
        self.size = network_size(size)
        self.seed = seed
        self.store = ResultStore(store if store is not None else ":memory:")
        self.source = f"proxies computed on the {self.size.name} network"

    @property
    def identity(self) -> str:
        return (
            f"computed:{self.size.name}:{self.data.identity()}:seed={self.seed}"
            f":version={PROXY_VERSION}:"
            + ",".join(f"{name}={PROXIES[name].version}" for name in self.proxies)
        )

    def lookup(self, archs: Sequence[Architecture]) -> np.ndarray:
        return self._compute(archs, self.proxies)

    def reference(self) -> np.ndarray:
        """:data:`REFERENCE_CELLS` NB201 cells drawn with seed 0 (computed once
        per store)."""
        cells = get_space("nb201").sample(REFERENCE_CELLS, seed=0)
        return self.lookup(cells)

    def column(self, archs: Sequence[Architecture], proxy: str) -> np.ndarray:
        super().column([], proxy)  # an unknown proxy fails here
        return self._compute(archs, (proxy,))[:, 0]  # only the one asked for

    def _compute(self, archs, proxies: Sequence[str]) -> np.ndarray:
        table = compute_proxies(
            archs, proxies, self.data, self.size, self.seed, self.store
        )
        return table[list(proxies)].to_numpy(dtype=float)


_chosen: ProxyValues | None = None


def use_values(values: ProxyValues | str | Path | None) -> None:
    """Make ``values`` the default: a :class:`ProxyValues`, a file (``.csv``,
    or ``.json`` with an optional ``#DATASET``), or None to go back.

    A file is also named in ``SURROBENCH_ZC_VALUES``, so worker processes
    started afterwards read it too; a :class:`ProxyValues` object stays in
    this process.
    """
    global _chosen
    if values is None:
        _chosen = None
        os.environ.pop(VALUES_VARIABLE, None)
    elif isinstance(values, ProxyValues):
        _chosen = values
    else:
        _chosen = values_from_file(str(values))
        os.environ[VALUES_VARIABLE] = str(values)


def default_values() -> ProxyValues:
    """The scores the ``zc`` encoding and zero-cost predictors read by default."""
    if _chosen is not None:
        return _chosen
    named = os.environ.get(VALUES_VARIABLE)
    if named:
        return values_from_file(named)
    return _computed_default(os.environ.get(STORE_VARIABLE) or str(default_store()))


def default_store() -> Path:
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "surrobench" / "zerocost.sqlite"


@cache
def _computed_default(store: str) -> ComputedValues:
    logger.info("zero-cost proxies computed on demand, stored in %s", store)
    return ComputedValues(store=store)


def values_from_file(name: str) -> ProxyValues:
    """Scores from ``FILE.csv``, ``FILE.json`` or ``FILE.json#DATASET``."""
    path, _, dataset = str(name).partition("#")
    resolved = Path(path)
    if not resolved.is_file():
        raise SurrobenchError(f"proxy scores file {path!r} does not exist")
    stat = resolved.stat()
    return _read_values(str(resolved.resolve()), dataset or None, stat.st_mtime_ns)


@cache
def _read_values(path: str, dataset: str | None, modified: int) -> ProxyValues:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        if dataset:
            raise SurrobenchError(f"a CSV of proxy scores has no datasets: {path!r}")
        return TableValues.from_csv(path)
    if suffix == ".json":
        return TableValues.from_suite_zero(path, dataset)
    raise unknown_name("proxy scores file type", suffix, [".csv", ".json"])
