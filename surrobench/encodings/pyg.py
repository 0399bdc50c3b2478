"""The torch-geometric view of an architecture: its operation graph as ``Data``.

Graph networks read :func:`surrobench.encodings.graph.op_graph`'s DAG (operations
on nodes, pruned to input → output paths) as a ``torch_geometric.data.Data``:

- ``x``: one-hot of each node's label over ``graph_labels(space)``; float32,
  shape (nodes, labels).
- ``edge_index``: the DAG's edges ``source → target``; int64, shape (2, edges).

Edges point the way data flows through the network and nothing is added: no
reverse edges, no self loops. The direction is information: a model that wants
messages both ways (the graph predictors here do) adds the reversed copies in
one line, while a model that reads direction could not tell added edges from
real ones. Self loops are each layer's own business: GCNConv adds them,
GINConv weighs a node's own state by ``1 + ε``.

Each distinct architecture is converted once per process (a cache of small
arrays) and :func:`graph_batch` stacks many into one ``Batch`` with a few numpy
concatenations, so all 15,625 NAS-Bench-201 cells batch in well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import torch
from torch_geometric.data import Batch, Data

from surrobench.architecture import Architecture
from surrobench.encodings.graph import graph_labels, op_graph
from surrobench.errors import SurrobenchError
from surrobench.spaces import SearchSpace, get_space

# Enough for every architecture of the largest built-in benchmark twice over.
CACHE_SIZE = 1 << 16


def graph_data(arch: Architecture, space: SearchSpace | None = None) -> Data:
    """``arch``'s operation graph as ``Data(x, edge_index)``.

    Example:
        >>> from surrobench.spaces import get_space
        >>> space = get_space("nb201")
        >>> cell = space.parse("|nor_conv_3x3~0|+|none~0|none~1|+"
        ...                    "|skip_connect~0|none~1|avg_pool_3x3~2|")
        >>> data = graph_data(cell)
        >>> data.x.shape, data.edge_index.tolist()
        (torch.Size([3, 7]), [[0, 1], [1, 2]])
    """
    (space,) = _spaces([arch], space)
    labels, edges = _graph_arrays(space, arch)
    return Data(
        x=torch.from_numpy(_one_hot(labels, len(graph_labels(space)))),
        edge_index=torch.from_numpy(edges.copy()),
    )


def graph_dataset(
    archs: Sequence[Architecture], space: SearchSpace | None = None
) -> list[Data]:
    """:func:`graph_data` of each architecture, for a ``DataLoader``."""
    spaces = _spaces(archs, space)
    return [graph_data(arch, space) for arch, space in zip(archs, spaces)]


def graph_batch(
    archs: Sequence[Architecture], space: SearchSpace | None = None
) -> Batch:
    """All of ``archs`` as one disjoint-union ``Batch``, graph ``i`` at ``ptr[i]``.

    The same tensors as ``Batch.from_data_list(graph_dataset(archs))`` (``x``,
    ``edge_index``, ``batch``, ``ptr``), built without a ``Data`` per graph.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> batch = graph_batch(bench.archs[:4])
        >>> batch.num_graphs, batch.x.shape[1]
        (4, 7)
    """
    spaces = _spaces(archs, space)
    if not archs:
        raise SurrobenchError("graph_batch needs at least one architecture")
    arrays = [_graph_arrays(space, arch) for arch, space in zip(archs, spaces)]
    sizes = np.fromiter((len(labels) for labels, _ in arrays), np.int64, len(arrays))
    ptr = np.concatenate([[0], np.cumsum(sizes)])
    edge_counts = [edges.shape[1] for _, edges in arrays]
    # Shift each graph's node numbers past the graphs before it.
    offsets = np.repeat(ptr[:-1], edge_counts)
    edge_index = np.concatenate([edges for _, edges in arrays], axis=1) + offsets
    labels = np.concatenate([labels for labels, _ in arrays])
    return Batch(
        x=torch.from_numpy(_one_hot(labels, len(graph_labels(spaces[0])))),
        edge_index=torch.from_numpy(edge_index),
        batch=torch.from_numpy(np.repeat(np.arange(len(arrays)), sizes)),
        ptr=torch.from_numpy(ptr),
    )


def _spaces(
    archs: Sequence[Architecture], space: SearchSpace | None
) -> list[SearchSpace]:
    """The space of each architecture, checked; ``space`` where given."""
    if isinstance(archs, str | bytes) or not hasattr(archs, "__len__"):
        raise SurrobenchError(
            f"expected a sequence of architectures, got {type(archs).__name__}"
        )
    if space is not None:
        space.check_all(archs)
        return [space] * len(archs)
    spaces = []
    for arch in archs:
        if not isinstance(arch, Architecture):
            raise SurrobenchError(
                f"expected Architecture objects, got {type(arch).__name__}"
            )
        spaces.append(get_space(arch.space))
    if len({id(space) for space in spaces}) > 1:
        names = sorted({space.name for space in spaces})
        raise SurrobenchError(f"architectures of several spaces in one batch: {names}")
    return spaces


@lru_cache(maxsize=CACHE_SIZE)
def _graph_arrays(space: SearchSpace, arch: Architecture) -> tuple[np.ndarray, ...]:
    """Label index of each node, shape (nodes,); edges, shape (2, edges).

    Cached and shared: callers copy before handing them out as tensors.
    """
    graph = op_graph(arch, space)
    lookup = {label: i for i, label in enumerate(graph_labels(space))}
    labels = np.array([lookup[label] for label in graph.labels], dtype=np.int64)
    edges = np.array(graph.edges, dtype=np.int64).reshape(-1, 2).T.copy()
    labels.flags.writeable = False
    edges.flags.writeable = False
    return labels, edges


def _one_hot(labels: np.ndarray, num_labels: int) -> np.ndarray:
    """Rows of the identity; shape (len(labels), num_labels), float32."""
    return np.eye(num_labels, dtype=np.float32)[labels]
