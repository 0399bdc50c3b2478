"""What every search space provides on top of the :class:`Architecture` type."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from itertools import combinations

import numpy as np

from surrobench.architecture import Architecture
from surrobench.errors import SurrobenchError


class SearchSpace(ABC):
    """A family of labelled DAGs sharing one operation vocabulary.

    Subclasses set the class attributes below and implement parsing, printing
    and mutation; the encoders use only these attributes and the DAG itself.

    Attributes:
        name: short name, also stored in each :class:`Architecture`.
        ops: the operation vocabulary, in a fixed order that encoders follow.
        ops_on: ``"edges"`` or ``"nodes"``: which part of the DAG carries ops.
        num_nodes: nodes per architecture, terminals included.
        null_op: the operation that carries nothing (``"none"``), if any.
        fixed_topology: True where every architecture has the same edges.
    """

    name: str
    ops: tuple[str, ...]
    ops_on: str
    num_nodes: int
    null_op: str | None = None
    fixed_topology: bool = False

    @property
    def node_pairs(self) -> list[tuple[int, int]]:
        """Every forward pair ``(i, j)``, ``i < j``: the adjacency's upper triangle."""
        return list(combinations(range(self.num_nodes), 2))

    @property
    def op_slots(self) -> list:
        """The labelled positions: edge pairs or computing-node indices."""
        if self.ops_on == "edges":
            return self.node_pairs
        return list(range(1, self.num_nodes - 1))

    def slot_ops(self, arch: Architecture) -> list[str | None]:
        """The operation in each of :attr:`op_slots` (None where absent)."""
        if self.ops_on == "edges":
            return [arch.edge_op(s, t) for s, t in self.op_slots]
        return [arch.node_ops[i] for i in self.op_slots]

    def check(self, arch: object) -> Architecture:
        """Return ``arch`` if it belongs to this space, else raise a clear error."""
        if not isinstance(arch, Architecture):
            raise SurrobenchError(
                f"expected an Architecture of space {self.name!r}, "
                f"got {type(arch).__name__}"
            )
        if arch.space != self.name:
            raise SurrobenchError(
                f"architecture of space {arch.space!r} given where space "
                f"{self.name!r} was expected"
            )
        return arch

    def check_all(self, archs: Sequence[Architecture]) -> list[Architecture]:
        if isinstance(archs, str | bytes) or not hasattr(archs, "__len__"):
            raise SurrobenchError(
                f"expected a sequence of architectures, got {type(archs).__name__}"
            )
        return [self.check(arch) for arch in archs]

    @abstractmethod
    def parse(self, text: str) -> Architecture:
        """Parse the space's native string form (or the canonical string)."""

    @abstractmethod
    def format(self, arch: Architecture) -> str:
        """The space's native string form."""

    @abstractmethod
    def describe(self, arch: Architecture) -> str:
        """The structure on one line for people: which operation feeds which."""

    @abstractmethod
    def enumerate(self) -> Iterator[Architecture]:
        """Every architecture of the space, each once."""

    @abstractmethod
    def mutate(self, arch: Architecture, rng: np.random.Generator) -> Architecture:
        """A neighbour of ``arch`` that differs in one operation or one link."""

    def neighbours(self, arch: Architecture) -> list[Architecture]:
        """Every architecture :meth:`mutate` can reach in one change, each once.

        The local-search neighbourhood; spaces that can list it override this.
        """
        raise SurrobenchError(f"search space {self.name!r} cannot list neighbours")

    def choices(self) -> dict[str, tuple]:
        """The space as independent categorical variables: name → its choices.

        Some combinations may name no architecture of the space (see
        :meth:`from_choices`); categorical optimisers such as TPE search this.
        """
        raise SurrobenchError(
            f"search space {self.name!r} has no categorical description"
        )

    def from_choices(self, chosen: dict[str, object]) -> Architecture:
        """The architecture one value per variable of :meth:`choices` names;
        a :class:`SurrobenchError` where the combination is no architecture."""
        raise SurrobenchError(
            f"search space {self.name!r} has no categorical description"
        )

    def to_choices(self, arch: Architecture) -> dict[str, object]:
        """The inverse of :meth:`from_choices` (one of several, where isomorphic
        wirings share an architecture)."""
        raise SurrobenchError(
            f"search space {self.name!r} has no categorical description"
        )

    def canonicalize(self, arch: Architecture) -> Architecture:
        """The representative of ``arch``'s isomorphism class (identity here)."""
        return self.check(arch)

    def sample(self, n: int, seed: int = 0) -> list[Architecture]:
        """``n`` distinct architectures drawn uniformly without replacement."""
        members = list(self.enumerate())
        if not 0 <= n <= len(members):
            raise SurrobenchError(
                f"cannot sample {n} architectures from space {self.name!r} "
                f"of {len(members)}"
            )
        picks = np.random.default_rng(seed).choice(len(members), n, replace=False)
        return [members[i] for i in picks]
