"""The graph view of an architecture: operations as labelled nodes.

Graph kernels (Weisfeiler–Lehman, OTMANN) and graph networks read a DAG whose
nodes carry the operations. Spaces with operations on nodes (NAS-Bench-Graph)
are that already; in an operation-on-edge cell (NAS-Bench-201, DARTS) every
edge ``s →op→ t`` becomes a node labelled ``op`` between ``s`` and ``t``, and
the cell's own nodes, which sum their inputs, keep the label ``"node"``.

Only nodes on some input → output path are kept: an operation whose result
never reaches the output (or that reads nothing) cannot change the network,
so two cells that differ only there get the same graph. Edges carrying the
space's null operation (``none``) are absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from surrobench.architecture import INPUT, OUTPUT, Architecture
from surrobench.spaces import SearchSpace, get_space

SUM_NODE = "node"


@dataclass(frozen=True, slots=True)
class OpGraph:
    """A DAG with one label per node; node 0 is the input, the last the output.

    Attributes:
        labels: one label per node (``"input"``, an operation, ``"node"``,
            ``"output"``), nodes in topological order.
        edges: ``(source, target)`` pairs, ``source < target``, sorted.
    """

    labels: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]

    @property
    def num_nodes(self) -> int:
        return len(self.labels)

    def adjacency(self) -> np.ndarray:
        """0/1 matrix ``A[s, t] = 1`` for each edge; shape (nodes, nodes)."""
        matrix = np.zeros((self.num_nodes, self.num_nodes), dtype=np.float64)
        for source, target in self.edges:
            matrix[source, target] = 1.0
        return matrix


def graph_labels(space: SearchSpace) -> list[str]:
    """Every node label :func:`op_graph` can produce in ``space``, in a fixed order."""
    ops = [op for op in space.ops if op != space.null_op]
    extra = [SUM_NODE] if space.ops_on == "edges" else []
    return [INPUT, OUTPUT, *extra, *ops]


def op_graph(arch: Architecture, space: SearchSpace | None = None) -> OpGraph:
    """The operation-on-node DAG of ``arch``, pruned to input → output paths.

    Example:
        >>> from surrobench.spaces import get_space
        >>> space = get_space("nb201")
        >>> cell = space.parse("|nor_conv_3x3~0|+|none~0|none~1|+"
        ...                    "|skip_connect~0|none~1|avg_pool_3x3~2|")
        >>> op_graph(cell).labels
        ('input', 'skip_connect', 'output')
    """
    space = space or get_space(arch.space)
    if space.ops_on == "edges":
        labels, edges = _split_edge_ops(arch, space.null_op)
    else:
        labels, edges = list(arch.node_ops), list(arch.edges)
    return _prune(labels, edges)


def op_graphs(
    archs: Sequence[Architecture], space: SearchSpace | None = None
) -> list[OpGraph]:
    """:func:`op_graph` of each architecture, each distinct one built once."""
    cache: dict[Architecture, OpGraph] = {}
    graphs = []
    for arch in archs:
        if arch not in cache:
            cache[arch] = op_graph(arch, space)
        graphs.append(cache[arch])
    return graphs


def _split_edge_ops(
    arch: Architecture, null_op: str | None
) -> tuple[list[str], list[tuple[int, int]]]:
    """Give every operation edge its own node, numbered after the cell's nodes."""
    labels = [
        label if label in (INPUT, OUTPUT) else SUM_NODE for label in arch.node_ops
    ]
    edges = []
    for (source, target), op in zip(arch.edges, arch.edge_ops):
        if op == null_op:
            continue
        labels.append(op)
        middle = len(labels) - 1
        edges += [(source, middle), (middle, target)]
    return labels, edges


def _prune(labels: list[str], edges: list[tuple[int, int]]) -> OpGraph:
    """Keep nodes on an input → output path, renumbered in topological order."""
    count = len(labels)
    successors: list[list[int]] = [[] for _ in range(count)]
    predecessors: list[list[int]] = [[] for _ in range(count)]
    for source, target in edges:
        successors[source].append(target)
        predecessors[target].append(source)
    output = labels.index(OUTPUT)
    from_input = _reach(0, successors)
    to_output = _reach(output, predecessors)
    keep = from_input & to_output
    if output not in keep:  # nothing reaches the output
        return OpGraph((INPUT, OUTPUT), ())

    order = _topological_order(count, successors)
    kept = [node for node in order if node in keep]
    number = {node: i for i, node in enumerate(kept)}
    kept_edges = sorted(
        (number[s], number[t]) for s, t in edges if s in keep and t in keep
    )
    return OpGraph(tuple(labels[node] for node in kept), tuple(kept_edges))


def _reach(start: int, neighbours: list[list[int]]) -> set[int]:
    seen, stack = {start}, [start]
    while stack:
        for other in neighbours[stack.pop()]:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def _topological_order(count: int, successors: list[list[int]]) -> list[int]:
    """Kahn's order, smallest index first, so the input stays first."""
    indegree = [0] * count
    for targets in successors:
        for target in targets:
            indegree[target] += 1
    ready = sorted(node for node in range(count) if indegree[node] == 0)
    order = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for target in successors[node]:
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
        ready.sort()
    return order
