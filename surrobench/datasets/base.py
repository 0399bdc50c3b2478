"""The Benchmark type: a search space plus one table row per architecture."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from surrobench.architecture import Architecture
from surrobench.errors import SurrobenchError, check_int, check_seed, unknown_name
from surrobench.spaces import SearchSpace

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Metric:
    """A column of a benchmark table and which way is better."""

    name: str
    higher_is_better: bool
    description: str = ""

    @property
    def direction(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"


class Benchmark:
    """A search space and a table with one row per architecture.

    Args:
        name: the benchmark's short name (``nb201-cifar10``) or a file path.
        space: the search space every architecture belongs to.
        archs: the architectures, one per table row.
        table: metric columns, one row per architecture (``archs`` order).
        metrics: every metric column with its direction.
        target: the default metric that predictors learn and searches maximise.
        description: what the target is: dataset, split, training budget.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> archs = bench.sample(3, seed=0)
        >>> bench.query(archs).shape
        (3,)
    """

    def __init__(
        self,
        name: str,
        space: SearchSpace,
        archs: Sequence[Architecture],
        table: pd.DataFrame,
        metrics: Sequence[Metric],
        target: str,
        description: str,
    ) -> None:
        if len(archs) != len(table):
            raise SurrobenchError(f"{len(archs)} architectures for {len(table)} rows")
        if "arch" in table.columns:
            raise SurrobenchError(f"benchmark {name!r} has a metric named 'arch'")
        self.name = name
        self.space = space
        self.archs = list(archs)
        self.metrics = {metric.name: metric for metric in metrics}
        self.table = table.reset_index(drop=True)
        self.table.insert(0, "arch", [arch.to_string() for arch in self.archs])
        self.target = self.metric(target).name
        self.description = description
        self._rows = {arch: row for row, arch in enumerate(self.archs)}
        if len(self._rows) != len(self.archs):
            raise SurrobenchError(f"benchmark {name!r} lists an architecture twice")

    def __len__(self) -> int:
        return len(self.archs)

    def __contains__(self, arch: object) -> bool:
        """Whether ``arch`` (or its canonical form) is a row of the table."""
        if not isinstance(arch, Architecture) or arch.space != self.space.name:
            return False
        return arch in self._rows or self.space.canonicalize(arch) in self._rows

    def __repr__(self) -> str:
        return f"Benchmark({self.name!r}, {len(self)} architectures)"

    @cached_property
    def fingerprint(self) -> str:
        """A digest of every architecture and value: changes when the data does."""
        digest = hashlib.sha256("\n".join(self.table["arch"]).encode())
        for name in self.metrics:
            digest.update(name.encode())
            digest.update(self.table[name].to_numpy(dtype=float).tobytes())
        return digest.hexdigest()[:16]

    def metric(self, name: str | None = None) -> Metric:
        """The metric called ``name`` (the target when None)."""
        name = self.target if name is None else name
        if name not in self.metrics:
            raise unknown_name(f"metric of {self.name}", name, self.metrics)
        return self.metrics[name]

    def values(self, metric: str | None = None) -> np.ndarray:
        """The metric for every architecture, in :attr:`archs` order; shape (n,)."""
        return self.table[self.metric(metric).name].to_numpy(dtype=float)

    def rows(self, archs: Sequence[Architecture]) -> np.ndarray:
        """Row index of each architecture; shape (n,)."""
        archs = self.space.check_all(archs)
        rows = np.empty(len(archs), dtype=np.int64)
        for i, arch in enumerate(archs):
            row = self._rows.get(arch)
            if row is None:
                row = self._rows.get(self.space.canonicalize(arch))
            if row is None:
                raise SurrobenchError(
                    f"architecture {self.space.format(arch)} is not in benchmark "
                    f"{self.name!r}"
                )
            rows[i] = row
        return rows

    def query(
        self, archs: Sequence[Architecture], metric: str | None = None
    ) -> np.ndarray:
        """``metric`` (default: the target) of each architecture; shape (n,)."""
        return self.values(metric)[self.rows(archs)]

    def sample(self, n: int, seed: int = 0) -> list[Architecture]:
        """``n`` distinct architectures of the table, drawn uniformly."""
        n = check_int(f"the number to sample from {self.name!r}", n, 0, len(self))
        picks = np.random.default_rng(check_seed(seed)).choice(
            len(self), n, replace=False
        )
        return [self.archs[i] for i in picks]

    def top(self, k: int, metric: str | None = None) -> pd.DataFrame:
        """The ``k`` best rows by ``metric``, with each architecture's structure.

        Rows whose value is NaN come last.
        """
        k = check_int("the number of top architectures", k, 1)
        chosen = self.metric(metric)
        values = self.values(chosen.name)
        order = np.argsort(
            -values if chosen.higher_is_better else values, kind="stable"
        )
        rows = self.table.iloc[order[:k]].copy()
        rows.insert(
            1, "structure", [self.space.describe(self.archs[i]) for i in order[:k]]
        )
        return rows

    def subset(self, archs: Sequence[Architecture], why: str) -> Benchmark:
        """The benchmark restricted to ``archs`` (in this benchmark's row order).

        ``why`` says what chose them; it becomes part of the name, so results
        on the subset are never stored as results on the whole.

        Example:
            >>> from surrobench.datasets import load_benchmark
            >>> bench = load_benchmark("nb201-cifar10")
            >>> part = bench.subset(bench.sample(50, seed=0), "50 drawn")
            >>> len(part), part.name
            (50, 'nb201-cifar10[50 drawn]')
        """
        rows = np.unique(self.rows(archs))
        return Benchmark(
            f"{self.name}[{why}]",
            self.space,
            [self.archs[row] for row in rows],
            self.table.iloc[rows].drop(columns="arch"),
            list(self.metrics.values()),
            self.target,
            f"{self.description}; restricted to {len(rows)} architectures ({why})",
        )

    def summary(self, metric: str | None = None) -> str:
        """One line: name, size, target and what it measures; and ``metric``
        where one other than the target is predicted."""
        target = self.metric()
        line = (
            f"{self.name}: {len(self)} architectures, target {target.name} "
            f"({target.direction}): {self.description}"
        )
        chosen = self.metric(metric)
        if chosen.name != target.name:
            line += (
                f"; predicting {chosen.name} ({chosen.direction}): {chosen.description}"
            )
        return line


def check_benchmark(value: object) -> Benchmark:
    """``value`` if it is a :class:`Benchmark`, else a one-line error."""
    if not isinstance(value, Benchmark):
        raise SurrobenchError(
            f"expected a Benchmark (see load_benchmark), got {type(value).__name__}"
        )
    return value
