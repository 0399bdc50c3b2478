"""Categorical encoding: one operation index per slot."""

from __future__ import annotations

import numpy as np

from surrobench.encodings.base import Encoding, adjacency, op_indices, slot_names
from surrobench.spaces import SearchSpace


class CategoricalEncoding(Encoding):
    """``x = [index of op_s in space.ops for each slot s]`` (-1 where absent).

    Where the topology varies across the space (NAS-Bench-Graph), the adjacency
    bits follow, so that two wirings of the same operations differ.

    Example:
        >>> from surrobench.spaces import get_space
        >>> space = get_space("nb201")
        >>> CategoricalEncoding().encode([space.from_tuple((1, 0, 2, 3, 4, 0))])[0]
        array([0., 1., 3., 2., 4., 1.], dtype=float32)
    """

    name = "categorical"

    def feature_names(self, space: SearchSpace) -> list[str]:
        names = slot_names(space)
        if not space.fixed_topology:
            names += [f"adj{s}-{t}" for s, t in space.node_pairs]
        return names

    def _encode(self, archs, space) -> np.ndarray:
        indices = op_indices(archs, space).astype(np.float32)
        if space.fixed_topology:
            return indices
        return np.hstack([indices, adjacency(archs, space)])
