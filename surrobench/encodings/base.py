"""The encoding interface, and the arrays every encoding is built from."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

from surrobench.architecture import Architecture
from surrobench.errors import SurrobenchError
from surrobench.spaces import SearchSpace, get_space


class Encoding(ABC):
    """Turns architectures of any search space into fixed-length vectors."""

    name: str

    @abstractmethod
    def feature_names(self, space: SearchSpace) -> list[str]:
        """One name per column of :meth:`encode`'s output for ``space``."""

    @abstractmethod
    def _encode(self, archs: list[Architecture], space: SearchSpace) -> np.ndarray:
        """Encode architectures already checked to belong to ``space``."""

    def encode(
        self, archs: Sequence[Architecture], space: SearchSpace | str | None = None
    ) -> np.ndarray:
        """Encode all ``archs`` at once; shape (n, len(feature_names)), float32."""
        if isinstance(archs, str | bytes) or not hasattr(archs, "__len__"):
            raise SurrobenchError(
                f"expected a sequence of architectures, got {type(archs).__name__}"
            )
        if isinstance(space, str):
            space = get_space(space)
        if space is None:
            if len(archs) == 0:
                raise SurrobenchError(
                    "cannot tell the search space of no architectures; pass space="
                )
            first = archs[0]
            if not isinstance(first, Architecture):
                raise SurrobenchError(
                    f"expected Architecture objects, got {type(first).__name__}"
                )
            space = get_space(first.space)
        archs = space.check_all(archs)
        if not archs:
            return np.zeros((0, len(self.feature_names(space))), dtype=np.float32)
        features = self._encode(archs, space)
        return features.astype(np.float32, copy=False)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def op_indices(archs: list[Architecture], space: SearchSpace) -> np.ndarray:
    """Index into ``space.ops`` of each slot's operation, -1 where absent.

    Returns:
        int array of shape (n, len(space.op_slots)).
    """
    lookup = {op: i for i, op in enumerate(space.ops)}
    indices = np.full((len(archs), len(space.op_slots)), -1, dtype=np.int64)
    for row, arch in enumerate(archs):
        for column, op in enumerate(space.slot_ops(arch)):
            if op is not None:
                if op not in lookup:
                    raise SurrobenchError(
                        f"operation {op!r} is not in space {space.name!r}; "
                        f"valid: {', '.join(space.ops)}"
                    )
                indices[row, column] = lookup[op]
    return indices


def adjacency(archs: list[Architecture], space: SearchSpace) -> np.ndarray:
    """Upper-triangle adjacency over ``space.node_pairs``; shape (n, pairs), 0/1.

    An edge whose operation is the space's null operation counts as absent.
    """
    column = {pair: i for i, pair in enumerate(space.node_pairs)}
    matrix = np.zeros((len(archs), len(column)), dtype=np.float32)
    for row, arch in enumerate(archs):
        ops = arch.edge_ops or ("",) * len(arch.edges)
        for edge, op in zip(arch.edges, ops):
            if op != space.null_op:
                matrix[row, column[edge]] = 1.0
    return matrix


def slot_names(space: SearchSpace) -> list[str]:
    if space.ops_on == "edges":
        return [f"edge{s}-{t}" for s, t in space.op_slots]
    return [f"node{i}" for i in space.op_slots]
