"""Real NAS benchmarks behind one API: built-in tables and the user's own files."""

from __future__ import annotations

from pathlib import Path

from surrobench.datasets.base import Benchmark, Metric, check_benchmark
from surrobench.datasets.builtin import BUILTIN_BENCHMARKS
from surrobench.datasets.suite_zero import load_suite_zero
from surrobench.datasets.table import TABLE_SUFFIXES, load_table
from surrobench.errors import SurrobenchError, unknown_name


def benchmark_names() -> list[str]:
    return list(BUILTIN_BENCHMARKS)


def load_benchmark(
    name: str | Path,
    space: str | None = None,
    arch_column: str | None = None,
    target: str | None = None,
    minimize: bool | None = None,
    dataset: str | None = None,
) -> Benchmark:
    """A built-in benchmark by name, a user's ``.csv`` / ``.parquet`` table, or
    a NAS-Bench-Suite-Zero ``.json`` file.

    A table also needs ``space``, ``arch_column`` and ``target``; ``minimize``
    says which way the target is better (None: judged by its name, so that
    ``latency_ms`` is lower-is-better and ``val_acc`` higher-is-better).
    ``dataset`` picks one dataset of a Suite-Zero file.
    """
    if not isinstance(name, str | Path) or not str(name):
        raise SurrobenchError(
            f"a benchmark is a built-in name or a table file, got {name!r}"
        )
    name = str(name)
    if dataset is not None and Path(name).suffix.lower() != ".json":
        raise SurrobenchError(
            f"--dataset applies to a Suite-Zero .json file, not to {name!r}"
        )
    if name in BUILTIN_BENCHMARKS:
        if space or arch_column or target or minimize is not None:
            raise SurrobenchError(
                "--space, --arch-column, --target, --minimize and --maximize apply "
                f"to a table file, not to the built-in benchmark {name!r}"
            )
        return BUILTIN_BENCHMARKS[name]()
    if Path(name).suffix.lower() == ".json":
        if space or arch_column or target or minimize is not None:
            raise SurrobenchError(
                "--space, --arch-column, --target, --minimize and --maximize apply "
                f"to a table file, not to the Suite-Zero file {name!r}"
            )
        return load_suite_zero(name, dataset)
    if Path(name).suffix.lower() in TABLE_SUFFIXES:
        missing = [
            flag
            for flag, value in (
                ("--space", space),
                ("--arch-column", arch_column),
                ("--target", target),
            )
            if not value
        ]
        if missing:
            raise SurrobenchError(
                f"a benchmark table like {name!r} also needs {', '.join(missing)}"
            )
        return load_table(name, space, arch_column, target, minimize=minimize)
    raise unknown_name(
        "benchmark",
        name,
        [*BUILTIN_BENCHMARKS, "FILE.csv", "FILE.parquet", "FILE.json"],
    )


__all__ = [
    "Benchmark",
    "Metric",
    "benchmark_names",
    "check_benchmark",
    "load_benchmark",
    "load_suite_zero",
    "load_table",
]
