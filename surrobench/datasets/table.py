"""A user's own table of trained architectures, from CSV or Parquet."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from surrobench.datasets.base import Benchmark, Metric
from surrobench.errors import SurrobenchError, unknown_name
from surrobench.spaces import get_space

logger = logging.getLogger(__name__)

TABLE_SUFFIXES = (".csv", ".parquet")
# Columns whose names say smaller is better; any other column counts as a score
# unless the caller says otherwise for the target.
LOWER_IS_BETTER_WORDS = ("latency", "loss", "error", "time", "param", "flops", "para")
# Names the benchmark table and its listings use for their own columns.
RESERVED_COLUMNS = {"arch", "structure"}


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise SurrobenchError(f"benchmark file {str(path)!r} does not exist")
    if not path.is_file():
        raise SurrobenchError(f"benchmark file {str(path)!r} is not a file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = pd.read_csv
    elif suffix == ".parquet":
        reader = pd.read_parquet
    else:
        raise SurrobenchError(
            f"cannot read {str(path)!r}: unknown file type {path.suffix!r}; "
            f"valid: {', '.join(TABLE_SUFFIXES)}"
        )
    try:
        # Row numbers in messages count data rows from 2 (the header is row 1).
        return reader(path).reset_index(drop=True)
    except Exception as error:  # a parser's own message says what is wrong
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SurrobenchError(f"cannot read {str(path)!r}: {first_line}") from None


def load_table(
    path: str | Path,
    space: str,
    arch_column: str,
    target: str,
    minimize: bool | None = None,
) -> Benchmark:
    """Load a table with one architecture per row as a :class:`Benchmark`.

    Args:
        path: a ``.csv`` or ``.parquet`` file.
        space: the search space the architecture strings belong to (``nb201``).
        arch_column: column with each architecture in the space's native string
            form (official NB201 string, op-index tuple or canonical string).
        target: numeric column to predict.
        minimize: True where the target is better when lower, False where
            higher; None judges by its name, as for every other column.

    Rows whose target is NaN or infinite are dropped and counted in a warning
    and in the benchmark's description; a malformed architecture is an error
    that names its row (the header is row 1, the first data row row 2).
    """
    path = Path(path)
    for what, value in (("arch_column", arch_column), ("target", target)):
        if not isinstance(value, str):
            raise SurrobenchError(f"{what} must be a column name, got {value!r}")
    if minimize not in (None, True, False):
        raise SurrobenchError(f"minimize must be True, False or None, got {minimize!r}")
    search_space = get_space(space)
    table = _read(path)
    if table.columns.duplicated().any():
        repeated = sorted(set(table.columns[table.columns.duplicated()]))
        raise SurrobenchError(f"{path.name} repeats the column(s) {repeated}")
    for kind, column in (("architecture column", arch_column), ("target", target)):
        if column not in table.columns:
            raise unknown_name(
                f"{kind} in {path.name}", column, map(str, table.columns)
            )
    if not pd.api.types.is_numeric_dtype(table[target]):
        raise SurrobenchError(
            f"target column {target!r} in {path.name} is not numeric "
            f"(dtype {table[target].dtype})"
        )

    finite = np.isfinite(table[target].to_numpy(dtype=float))
    dropped = int((~finite).sum())
    if dropped:
        logger.warning(
            "%s: dropped %d row(s) whose %s is NaN or infinite",
            path.name,
            dropped,
            target,
        )
    table = table[finite]

    archs = []
    for position, text in zip(table.index, table[arch_column]):
        try:
            archs.append(search_space.canonicalize(search_space.parse(str(text))))
        except SurrobenchError as error:
            raise SurrobenchError(f"{path.name} row {position + 2}: {error}") from None
    seen: dict = {}
    for position, arch in zip(table.index, archs):
        if arch in seen:
            raise SurrobenchError(
                f"{path.name} rows {seen[arch] + 2} and {position + 2} hold the same "
                "architecture; average repeated runs into one row first"
            )
        seen[arch] = position
    if not archs:
        raise SurrobenchError(f"{path.name} has no row with a finite {target!r}")

    metric_columns = [
        column
        for column in table.columns
        if column != arch_column and pd.api.types.is_numeric_dtype(table[column])
    ]
    for reserved in RESERVED_COLUMNS & set(metric_columns):
        if reserved == target:
            raise SurrobenchError(
                f"the target may not be called {reserved!r}; rename the column"
            )
        logger.warning("%s: column %r is not kept as a metric", path.name, reserved)
        metric_columns.remove(reserved)
    metrics = []
    for column in metric_columns:
        lower = any(word in str(column).lower() for word in LOWER_IS_BETTER_WORDS)
        if column == target and minimize is not None:
            lower = minimize
        metrics.append(
            Metric(str(column), not lower, f"column {column} of {path.name}")
        )
    description = f"column {target!r} of {path}"
    if dropped:
        description += f" ({dropped} row(s) with a non-finite target dropped)"
    return Benchmark(
        str(path),
        search_space,
        archs,
        table[metric_columns].astype(float),
        metrics,
        target=target,
        description=description,
    )
