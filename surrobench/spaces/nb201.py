"""NAS-Bench-201: a 4-node cell with one operation on each of its 6 edges."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping, Sequence
from itertools import product

import numpy as np

from surrobench.architecture import INPUT, OUTPUT, Architecture
from surrobench.errors import SurrobenchError
from surrobench.spaces.base import SearchSpace

NB201_OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")

# The op-index tuple of NASLib, NAS-Bench-Suite-Zero and AnalogNAS-Bench lists the
# edges (1,2),(1,3),(1,4),(2,3),(2,4),(3,4) in 1-based node numbers and indexes
# this operation order, which differs from NB201_OPS.
TUPLE_OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
EDGES = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
NODES = (INPUT, "node", "node", OUTPUT)

_OFFICIAL_CELL = re.compile(r"^\|([^|~]+)~(\d)\|$")


class NB201Space(SearchSpace):
    """NAS-Bench-201's cell: 15,625 architectures (5 operations on 6 edges).

    Example:
        >>> space = NB201Space()
        >>> arch = space.from_tuple((2, 2, 0, 2, 3, 2))
        >>> space.format(arch).split("+")  # doctest: +NORMALIZE_WHITESPACE
        ['|nor_conv_3x3~0|', '|nor_conv_3x3~0|nor_conv_3x3~1|',
         '|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|']
    """

    name = "nb201"
    ops = NB201_OPS
    ops_on = "edges"
    num_nodes = 4
    null_op = "none"
    fixed_topology = True

    def from_ops(self, edge_ops: Sequence[str]) -> Architecture:
        """Build from six operation names in the order of :data:`EDGES`."""
        edge_ops = tuple(edge_ops)
        if len(edge_ops) != len(EDGES):
            raise SurrobenchError(
                f"an NB201 cell has 6 edges, got {len(edge_ops)} operations"
            )
        for op in edge_ops:
            if op not in NB201_OPS:
                raise SurrobenchError(
                    f"unknown NB201 operation {op!r}; valid: {', '.join(NB201_OPS)}"
                )
        return Architecture(self.name, NODES, EDGES, edge_ops)

    def from_mapping(self, edge_ops: Mapping[tuple[int, int], str]) -> Architecture:
        """Build from ``{(source, target): op}`` over the six 0-based edges."""
        if sorted(edge_ops) != list(EDGES):
            raise SurrobenchError(
                f"an NB201 mapping needs exactly the edges {list(EDGES)}, "
                f"got {sorted(edge_ops)}"
            )
        return self.from_ops([edge_ops[edge] for edge in EDGES])

    def from_tuple(self, indices: Sequence[int]) -> Architecture:
        """Build from the NASLib / Suite-Zero / AnalogNAS op-index tuple."""
        indices = tuple(indices)
        if len(indices) != 6 or not all(
            isinstance(i, int | np.integer)
            and not isinstance(i, bool)
            and 0 <= i < len(TUPLE_OPS)
            for i in indices
        ):
            raise SurrobenchError(
                f"an NB201 op-index tuple has six integers in 0..4, got {indices!r}"
            )
        return self.from_ops([TUPLE_OPS[i] for i in indices])

    def to_tuple(self, arch: Architecture) -> tuple[int, ...]:
        self.check(arch)
        return tuple(TUPLE_OPS.index(op) for op in arch.edge_ops)

    def parse(self, text: str) -> Architecture:
        """Parse the official string, an op-index tuple string or the canonical form."""
        text = str(text).strip()
        if text.startswith(f"{self.name}:"):
            arch = self.check(Architecture.from_string(text))
            if arch.node_ops != NODES or arch.edges != EDGES:
                raise SurrobenchError(
                    f"{text!r} is not an NB201 cell: it needs nodes {','.join(NODES)} "
                    f"and the six edges {list(EDGES)}"
                )
            return self.from_ops(arch.edge_ops)
        if text.startswith("("):
            try:
                indices = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                raise SurrobenchError(
                    f"malformed NB201 op-index tuple {text!r}"
                ) from None
            if not isinstance(indices, tuple):
                raise SurrobenchError(f"malformed NB201 op-index tuple {text!r}")
            return self.from_tuple(indices)
        return self._parse_official(text)

    def _parse_official(self, text: str) -> Architecture:
        stages = text.split("+")
        expected = "'|op~0|+|op~0|op~1|+|op~0|op~1|op~2|'"
        if len(stages) != 3:
            raise SurrobenchError(
                f"malformed NB201 string {text!r}; expected {expected}"
            )
        ops = {}
        for target, stage in enumerate(stages, start=1):
            cells = stage.strip("|").split("|")
            if len(cells) != target:
                raise SurrobenchError(
                    f"malformed NB201 string {text!r}; expected {expected}"
                )
            for expected_source, cell in enumerate(cells):
                match = _OFFICIAL_CELL.match(f"|{cell}|")
                if not match or int(match.group(2)) != expected_source:
                    raise SurrobenchError(
                        f"malformed NB201 string {text!r} at {cell!r}; "
                        f"expected {expected}"
                    )
                ops[(expected_source, target)] = match.group(1)
        return self.from_mapping(ops)

    def format(self, arch: Architecture) -> str:
        """The official NAS-Bench-201 string."""
        self.check(arch)
        stages = []
        for target in (1, 2, 3):
            cells = [
                f"{arch.edge_op(source, target)}~{source}" for source in range(target)
            ]
            stages.append("|" + "|".join(cells) + "|")
        return "+".join(stages)

    def describe(self, arch: Architecture) -> str:
        return self.format(arch)

    def enumerate(self) -> Iterator[Architecture]:
        for indices in product(range(len(TUPLE_OPS)), repeat=len(EDGES)):
            yield self.from_tuple(indices)

    def mutate(self, arch: Architecture, rng: np.random.Generator) -> Architecture:
        self.check(arch)
        edge = int(rng.integers(len(EDGES)))
        choices = [op for op in NB201_OPS if op != arch.edge_ops[edge]]
        edge_ops = list(arch.edge_ops)
        edge_ops[edge] = choices[int(rng.integers(len(choices)))]
        return self.from_ops(edge_ops)

    def neighbours(self, arch: Architecture) -> list[Architecture]:
        """The 24 cells that differ from ``arch`` in one edge's operation.

        Example:
            >>> space = NB201Space()
            >>> len(space.neighbours(space.from_tuple((0, 0, 0, 0, 0, 0))))
            24
        """
        self.check(arch)
        found = []
        for edge, current in enumerate(arch.edge_ops):
            for op in NB201_OPS:
                if op != current:
                    edge_ops = list(arch.edge_ops)
                    edge_ops[edge] = op
                    found.append(self.from_ops(edge_ops))
        return found

    def choices(self) -> dict[str, tuple]:
        """One categorical per edge, ``edge_<source>_<target>``, over the five
        operations."""
        return {f"edge_{s}_{t}": NB201_OPS for s, t in EDGES}

    def from_choices(self, chosen) -> Architecture:
        try:
            return self.from_ops([chosen[f"edge_{s}_{t}"] for s, t in EDGES])
        except KeyError as missing:
            raise SurrobenchError(f"no choice for NB201 {missing.args[0]}") from None

    def to_choices(self, arch: Architecture) -> dict[str, object]:
        self.check(arch)
        return {f"edge_{s}_{t}": op for (s, t), op in zip(EDGES, arch.edge_ops)}
