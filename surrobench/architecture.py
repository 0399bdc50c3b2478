"""The one architecture type that every search space converts into.

An :class:`Architecture` is an immutable labelled DAG. Nodes are numbered in
topological order: node 0 is the input and the last node is the output. An
operation may label a node (NAS-Bench-Graph, NAS-Bench-101 style: ``node_ops``)
or an edge (NAS-Bench-201, DARTS style: ``edge_ops``); a search space uses one
or the other, and the encoders read whichever the space declares.
"""

from __future__ import annotations

from dataclasses import dataclass

from surrobench.errors import SurrobenchError

INPUT = "input"
OUTPUT = "output"


@dataclass(frozen=True, slots=True)
class Architecture:
    """A labelled DAG with a canonical string form, hashing and equality.

    Args:
        space: name of the search space the architecture belongs to.
        node_ops: one label per node; ``"input"`` and ``"output"`` for the two
            terminals, an operation name or a plain role (``"node"``) otherwise.
        edges: ``(source, target)`` pairs with ``source < target``, sorted.
        edge_ops: one operation per edge, or ``()`` when operations live on nodes.

    Example:
        >>> arch = Architecture("toy", ("input", "conv", "output"), ((0, 1), (1, 2)))
        >>> Architecture.from_string(arch.to_string()) == arch
        True
    """

    space: str
    node_ops: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    edge_ops: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        num_nodes = len(self.node_ops)
        if num_nodes < 2:
            raise SurrobenchError(
                f"an architecture needs an input and an output node, got {num_nodes}"
            )
        for source, target in self.edges:
            if not 0 <= source < target < num_nodes:
                raise SurrobenchError(
                    f"edge ({source}, {target}) is not a forward edge between "
                    f"nodes 0..{num_nodes - 1}"
                )
        if list(self.edges) != sorted(set(self.edges)):
            raise SurrobenchError(f"edges must be sorted and unique: {self.edges}")
        if self.edge_ops and len(self.edge_ops) != len(self.edges):
            raise SurrobenchError(
                f"{len(self.edge_ops)} edge operations for {len(self.edges)} edges"
            )

    @property
    def num_nodes(self) -> int:
        return len(self.node_ops)

    @property
    def output(self) -> int:
        return len(self.node_ops) - 1

    def edge_op(self, source: int, target: int) -> str | None:
        """Operation on edge ``source → target``, or None where there is no edge."""
        try:
            index = self.edges.index((source, target))
        except ValueError:
            return None
        return self.edge_ops[index] if self.edge_ops else ""

    def to_string(self) -> str:
        """Canonical string: ``space:node,node,...|src-dst[=op],...``."""
        if self.edge_ops:
            edges = [f"{s}-{t}={op}" for (s, t), op in zip(self.edges, self.edge_ops)]
        else:
            edges = [f"{s}-{t}" for s, t in self.edges]
        return f"{self.space}:{','.join(self.node_ops)}|{','.join(edges)}"

    @classmethod
    def from_string(cls, text: str) -> Architecture:
        """Parse :meth:`to_string`'s output back into an architecture."""
        try:
            space, rest = text.split(":", 1)
            nodes_part, edges_part = rest.split("|", 1)
            edges, edge_ops = [], []
            for item in filter(None, edges_part.split(",")):
                pair, _, op = item.partition("=")
                source, target = pair.split("-")
                edges.append((int(source), int(target)))
                if op:
                    edge_ops.append(op)
        except ValueError:
            raise SurrobenchError(
                f"malformed architecture string {text!r}; expected "
                "'space:input,...,output|0-1[=op],...'"
            ) from None
        return cls(space, tuple(nodes_part.split(",")), tuple(edges), tuple(edge_ops))

    def __str__(self) -> str:
        return self.to_string()
