"""NAS-Bench-Suite-Zero files: proxy scores and accuracies of many architectures.

The JSON layout is search space → dataset → architecture key → values::

    {"nasbench201": {"cifar10": {"(2, 2, 0, 2, 3, 2)": {"synflow": 95.1, ...,
                                                       "val_accuracy": 93.9}}}}

A value may be a number or ``{"score": number, ...}``. Keys are decoded into
surrobench's architecture type where surrobench has the search space:

- ``nasbench201``: the op-index tuple (:meth:`NB201Space.from_tuple`).
- ``nasbench101``: a flattened 7×7 adjacency matrix followed by seven
  operation indices (input, output, maxpool3x3, conv1x1, conv3x3); recognised
  and checked, then refused: surrobench has no NAS-Bench-101 space yet.
- ``nasbench301``: DARTS normal and reduction cells, each eight
  ``(input node, operation)`` pairs; recognised and checked, then refused:
  surrobench has no DARTS space yet.
"""

from __future__ import annotations

import ast
import json
import logging
import math
from pathlib import Path

import numpy as np
import pandas as pd

from surrobench.architecture import Architecture
from surrobench.datasets.base import Benchmark, Metric
from surrobench.errors import SurrobenchError, unknown_name
from surrobench.spaces import SearchSpace, get_space

logger = logging.getLogger(__name__)

TARGET = "val_accuracy"
SUPPORTED_SPACES = {"nasbench201": "nb201"}
NB101_OPS = ("input", "output", "maxpool3x3", "conv1x1-bn-relu", "conv3x3-bn-relu")
DARTS_OPS = (
    "max_pool_3x3",
    "avg_pool_3x3",
    "skip_connect",
    "sep_conv_3x3",
    "sep_conv_5x5",
    "dil_conv_3x3",
    "dil_conv_5x5",
)
KNOWN_SPACES = ("nasbench201", "nasbench101", "nasbench301")


def read_suite_zero(
    path: str | Path, dataset: str | None = None
) -> tuple[SearchSpace, list[Architecture], pd.DataFrame]:
    """The file's architectures and a table of their values.

    Args:
        path: a Suite-Zero ``.json`` file.
        dataset: which dataset of the file; may be left out when it has one.

    Returns:
        The search space, one architecture per key, and a float table with one
        row per architecture and one column per value (proxies and
        ``val_accuracy``); a value missing for some key is NaN.
    """
    path = Path(path)
    document = _read_json(path)
    (space_name, datasets), *others = document.items()
    if others or not isinstance(datasets, dict):
        raise SurrobenchError(
            f"{path.name} should hold one search space mapped to datasets, got "
            f"{', '.join(map(repr, document))}"
        )
    space = _space_for(space_name, path)
    if not datasets:
        raise SurrobenchError(f"{path.name} holds no dataset for {space_name!r}")
    if dataset is None:
        if len(datasets) > 1:
            raise SurrobenchError(
                f"{path.name} holds several datasets; choose one with --dataset "
                f"({', '.join(datasets)})"
            )
        dataset = next(iter(datasets))
    if dataset not in datasets:
        raise unknown_name(f"dataset of {path.name}", dataset, datasets)
    entries = datasets[dataset]
    if not isinstance(entries, dict) or not entries:
        raise SurrobenchError(
            f"{path.name}: dataset {dataset!r} holds no architectures"
        )

    if space is None:  # a known space surrobench cannot build yet
        key = next(iter(entries))
        try:
            decode_key(space_name, key)
        except SurrobenchError as error:
            raise SurrobenchError(f"{path.name}: {error}") from None
    archs, rows = [], []
    for key, values in entries.items():
        try:
            archs.append(decode_key(space_name, key))
        except SurrobenchError as error:
            raise SurrobenchError(
                f"{path.name}, key {_shorten(key)}: {error}"
            ) from None
        rows.append(_values(values, key, path))
    seen: dict[Architecture, str] = {}
    for key, arch in zip(entries, archs):
        if arch in seen:
            raise SurrobenchError(
                f"{path.name}: keys {seen[arch]!r} and {key!r} are the same "
                "architecture"
            )
        seen[arch] = key
    table = pd.DataFrame(rows, dtype=float)
    return space, archs, table


def load_suite_zero(path: str | Path, dataset: str | None = None) -> Benchmark:
    """A Suite-Zero file as a benchmark: target ``val_accuracy``, proxies as
    extra metrics (each with its declared direction).

    Rows whose ``val_accuracy`` is missing or not finite are dropped.
    """
    from surrobench.zerocost.proxies import PROXIES

    path = Path(path)
    space, archs, table = read_suite_zero(path, dataset)
    if TARGET not in table.columns:
        raise SurrobenchError(f"{path.name} has no {TARGET!r} values")
    finite = np.isfinite(table[TARGET].to_numpy())
    if not finite.all():
        logger.warning(
            "%s: dropped %d architecture(s) without a finite %s",
            path.name,
            int((~finite).sum()),
            TARGET,
        )
    archs = [arch for arch, keep in zip(archs, finite) if keep]
    table = table[finite].reset_index(drop=True)
    if len(archs) == 0:
        raise SurrobenchError(f"{path.name} has no architecture with a {TARGET}")
    metrics = [Metric(TARGET, True, "validation accuracy recorded in the file")]
    for column in table.columns:
        if column == TARGET:
            continue
        proxy = PROXIES.get(column)
        higher = proxy.higher_is_better if proxy else True
        metrics.append(Metric(column, higher, f"{column} score recorded in the file"))
    chosen = dataset or "its one dataset"
    return Benchmark(
        str(path),
        space,
        archs,
        table[[metric.name for metric in metrics]],
        metrics,
        target=TARGET,
        description=(
            f"{TARGET} on {chosen} from the NAS-Bench-Suite-Zero file {path.name}"
        ),
    )


def decode_key(space_name: str, key: str) -> Architecture:
    """The architecture of one Suite-Zero key, or an error saying why not.

    Example:
        >>> decode_key("nasbench201", "(2, 2, 0, 2, 3, 2)").edge_ops[:2]
        ('nor_conv_3x3', 'nor_conv_3x3')
    """
    if space_name == "nasbench201":
        return get_space("nb201").parse(str(key))
    if space_name == "nasbench101":
        decode_nb101_key(key)
        raise SurrobenchError(
            "NAS-Bench-101 cells (7×7 adjacency and 7 operations) recognised, but "
            "surrobench has no NAS-Bench-101 search space yet; supported: "
            + ", ".join(SUPPORTED_SPACES)
        )
    if space_name == "nasbench301":
        decode_darts_key(key)
        raise SurrobenchError(
            "NAS-Bench-301 (DARTS) normal and reduction cells recognised, but "
            "surrobench has no DARTS search space yet; supported: "
            + ", ".join(SUPPORTED_SPACES)
        )
    raise unknown_name("Suite-Zero search space", space_name, KNOWN_SPACES)


def decode_nb101_key(key: str) -> tuple[list[str], np.ndarray]:
    """Operations and adjacency of an NB101 key: 7×7 matrix, then 7 op indices.

    Returns:
        operation names, one per node; 0/1 adjacency of shape (7, 7).
    """
    values = _literal(key, "NAS-Bench-101")
    nodes = 7
    if (
        not isinstance(values, tuple | list)
        or len(values) != nodes * nodes + nodes
        or not all(isinstance(v, int) for v in values)
    ):
        raise SurrobenchError(
            "a NAS-Bench-101 key has 56 integers: a flattened 7×7 adjacency matrix "
            "and 7 operation indices"
        )
    matrix = np.array(values[: nodes * nodes]).reshape(nodes, nodes)
    if not np.isin(matrix, (0, 1)).all() or np.tril(matrix).any():
        raise SurrobenchError(
            "a NAS-Bench-101 adjacency matrix is 0/1 and strictly upper triangular"
        )
    indices = values[nodes * nodes :]
    if not all(0 <= i < len(NB101_OPS) for i in indices):
        raise SurrobenchError(
            f"NAS-Bench-101 operation indices run over 0..{len(NB101_OPS) - 1}"
        )
    ops = [NB101_OPS[i] for i in indices]
    if ops[0] != "input" or ops[-1] != "output" or {"input", "output"} & set(ops[1:-1]):
        raise SurrobenchError(
            "a NAS-Bench-101 cell starts with 'input', ends with 'output' and has "
            f"neither in between; got {ops}"
        )
    return ops, matrix


def decode_darts_key(key: str) -> list[list[tuple[int, str]]]:
    """Normal and reduction cells of an NB301 key: each eight
    ``(input node, operation index)`` pairs, two per intermediate node.

    Returns:
        Two lists of eight ``(input node, operation name)`` pairs.
    """
    cells = _literal(key, "NAS-Bench-301")
    message = (
        "a NAS-Bench-301 key holds two cells (normal, reduction) of eight "
        "(input node, operation index) pairs"
    )
    if not isinstance(cells, tuple | list) or len(cells) != 2:
        raise SurrobenchError(message)
    decoded = []
    for cell in cells:
        if not isinstance(cell, tuple | list) or len(cell) != 8:
            raise SurrobenchError(message)
        pairs = []
        for position, pair in enumerate(cell):
            if (
                not isinstance(pair, tuple | list)
                or len(pair) != 2
                or not all(isinstance(v, int) for v in pair)
            ):
                raise SurrobenchError(message)
            source, op = pair
            # Intermediate node k (0-based) reads the two cell inputs (0, 1) or
            # the intermediate nodes before it (2 .. k+1).
            if not 0 <= source <= position // 2 + 1:
                raise SurrobenchError(
                    f"pair {position} reads node {source}, which does not come "
                    "before it"
                )
            if not 0 <= op < len(DARTS_OPS):
                raise SurrobenchError(
                    f"DARTS operation index {op} is outside 0..{len(DARTS_OPS) - 1}"
                )
            pairs.append((source, DARTS_OPS[op]))
        decoded.append(pairs)
    return decoded


def _literal(key: str, what: str):
    try:
        return ast.literal_eval(str(key))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        # Deeply nested keys exhaust the parser's stack: MemoryError or
        # RecursionError rather than a SyntaxError.
        raise SurrobenchError(f"malformed {what} key {_shorten(key)}") from None


def _shorten(key: object, limit: int = 80) -> str:
    """``repr(key)``, cut to ``limit`` characters: keys can be pages long."""
    text = repr(key)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _space_for(space_name: str, path: Path) -> SearchSpace:
    if space_name in SUPPORTED_SPACES:
        return get_space(SUPPORTED_SPACES[space_name])
    if space_name in KNOWN_SPACES:
        return None  # decode_key names what is missing, key by key
    raise unknown_name(f"search space in {path.name}", space_name, KNOWN_SPACES)


def _values(values: object, key: str, path: Path) -> dict[str, float]:
    if not isinstance(values, dict):
        raise SurrobenchError(
            f"{path.name}, key {_shorten(key)}: expected a mapping of values, got "
            f"{type(values).__name__}"
        )
    row = {}
    for name, value in values.items():
        if isinstance(value, dict):  # {"score": ..., "time": ...}
            value = value.get("score")
        if value is None:
            value = math.nan
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SurrobenchError(
                f"{path.name}, key {_shorten(key)}: value {name!r} is "
                f"{_shorten(value)}, not a number"
            )
        try:
            row[str(name)] = float(value)
        except OverflowError:  # an integer of hundreds of digits
            raise SurrobenchError(
                f"{path.name}, key {_shorten(key)}: value {name!r} is "
                f"{_shorten(value)}, too large for a float"
            ) from None
    return row


def _read_json(path: Path) -> dict:
    if not path.is_file():
        raise SurrobenchError(f"Suite-Zero file {str(path)!r} does not exist")
    # ValueError covers malformed JSON, bytes that are not UTF-8 and integers
    # past Python's 4,300-digit limit.
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as error:
        raise SurrobenchError(f"cannot read {str(path)!r} as JSON: {error}") from None
    except RecursionError:
        raise SurrobenchError(
            f"cannot read {str(path)!r} as JSON: nested too deeply"
        ) from None
    if not isinstance(document, dict) or not document:
        raise SurrobenchError(
            f"{path.name} is not a Suite-Zero file: expected "
            "{search space: {dataset: {architecture key: {value: number}}}}"
        )
    return document
