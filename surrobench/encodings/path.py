"""BANANAS path encoding: one indicator per input→output sequence of operations."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise, product

import numpy as np

from surrobench.architecture import Architecture
from surrobench.encodings.base import Encoding, op_indices
from surrobench.spaces import SearchSpace


def routes(arch: Architecture) -> list[list[int]]:
    """Every input→output route as the list of nodes it visits."""
    successors = defaultdict(list)
    for source, target in arch.edges:
        successors[source].append(target)
    found, stack = [], [[0]]
    while stack:
        route = stack.pop()
        if route[-1] == arch.output:
            found.append(route)
            continue
        stack.extend([*route, nxt] for nxt in successors[route[-1]])
    return sorted(found)


class PathEncoding(Encoding):
    """``x_p = 1`` iff some input→output route carries operation sequence ``p``.

    Sequences run over the space's operations less its null operation, of every
    length a route can have; a route through the null operation (``none``)
    carries nothing. NAS-Bench-201 has 4 + 4² + 4³ = 84 features.

    Example:
        >>> from surrobench.spaces import get_space
        >>> space = get_space("nb201")
        >>> all_skip = space.from_tuple((0,) * 6)  # routes of 1, 2, 2 and 3 edges
        >>> int(PathEncoding().encode([all_skip]).sum())
        3
    """

    name = "path"

    def _vocabulary(self, space: SearchSpace) -> list[str]:
        return [op for op in space.ops if op != space.null_op]

    def _max_length(self, space: SearchSpace) -> int:
        # An edge-labelled route has one op per edge, a node-labelled one per
        # inner node.
        return space.num_nodes - 1 if space.ops_on == "edges" else space.num_nodes - 2

    def feature_names(self, space: SearchSpace) -> list[str]:
        vocabulary = self._vocabulary(space)
        return [
            "path:" + ">".join(sequence)
            for length in range(1, self._max_length(space) + 1)
            for sequence in product(vocabulary, repeat=length)
        ]

    def _encode(self, archs, space) -> np.ndarray:
        vocabulary = self._vocabulary(space)
        base = len(vocabulary)
        offsets = np.cumsum([0] + [base**k for k in range(1, self._max_length(space))])
        # Position of each space op in the vocabulary; -1 for the null op.
        remap = np.array(
            [vocabulary.index(op) if op in vocabulary else -1 for op in space.ops]
            + [-1]
        )
        slots = {slot: i for i, slot in enumerate(space.op_slots)}
        indices = remap[op_indices(archs, space)]  # -1 (absent) maps to remap[-1]

        features = np.zeros((len(archs), len(self.feature_names(space))), np.float32)
        groups = defaultdict(list)
        for row, arch in enumerate(archs):
            groups[arch.edges].append(row)
        for rows in groups.values():
            rows = np.array(rows)
            for route in routes(archs[rows[0]]):
                if space.ops_on == "edges":
                    columns = [slots[pair] for pair in pairwise(route)]
                else:
                    columns = [slots[node] for node in route[1:-1]]
                ops = indices[np.ix_(rows, columns)]
                valid = (ops >= 0).all(axis=1)
                index = offsets[len(columns) - 1] + ops @ (
                    base ** np.arange(len(columns) - 1, -1, -1)
                )
                features[rows[valid], index[valid]] = 1.0
        return features
