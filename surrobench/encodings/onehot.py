"""Adjacency one-hot encoding: the DAG's edges plus a one-hot operation per slot."""

from __future__ import annotations

import numpy as np

from surrobench.encodings.base import Encoding, adjacency, op_indices, slot_names
from surrobench.spaces import SearchSpace


class OneHotEncoding(Encoding):
    """``x = [A_ij for i<j] ⊕ [1(op_s = o) for each slot s, op o]``.

    A NAS-Bench-201 cell gives 6 adjacency bits and 6×5 operation bits.

    Example:
        >>> from surrobench.spaces import get_space
        >>> space = get_space("nb201")
        >>> OneHotEncoding().encode([space.from_tuple((0,) * 6)]).shape
        (1, 36)
    """

    name = "onehot"

    def feature_names(self, space: SearchSpace) -> list[str]:
        names = [f"adj{s}-{t}" for s, t in space.node_pairs]
        for slot in slot_names(space):
            names += [f"{slot}={op}" for op in space.ops]
        return names

    def _encode(self, archs, space) -> np.ndarray:
        indices = op_indices(archs, space)
        num_ops = len(space.ops)
        onehot = np.zeros((*indices.shape, num_ops), dtype=np.float32)
        rows, slots = np.nonzero(indices >= 0)
        onehot[rows, slots, indices[rows, slots]] = 1.0
        return np.hstack([adjacency(archs, space), onehot.reshape(len(archs), -1)])
