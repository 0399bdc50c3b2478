"""NAS-Bench-Graph: four GNN layers wired by one of nine link patterns.

Node ``i`` (1..4) applies one operation to the output of node ``link[i-1]``
(0 is the input); the nodes whose output no other node reads are summed into
the output node. Rows are looked up through the hashing that the
``nas-bench-graph`` package itself defines, after its own canonicalisation of
isomorphic wirings, so an architecture found by mutation lands on its row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import product

import numpy as np
from nas_bench_graph.architecture import Arch, gnn_list, gnn_list_proteins, link_list

from surrobench.architecture import INPUT, OUTPUT, Architecture
from surrobench.errors import SurrobenchError
from surrobench.spaces.base import SearchSpace

LINKS = tuple(tuple(link) for link in link_list)


class NBGraphSpace(SearchSpace):
    """The NAS-Bench-Graph space: 26,206 non-isomorphic architectures.

    ``proteins`` was benchmarked on 5 of the 9 operations (2,021 architectures);
    ``NBGraphSpace(proteins=True)`` is that smaller space.

    Example:
        >>> space = NBGraphSpace()
        >>> arch = space.from_link_ops([0, 0, 1, 2], ["gcn", "gat", "sage", "skip"])
        >>> space.format(arch)
        'link=[0,0,1,2] ops=[gcn,gat,sage,skip]'
    """

    ops_on = "nodes"
    num_nodes = 6
    null_op = None
    fixed_topology = False

    def __init__(self, proteins: bool = False) -> None:
        self.proteins = proteins
        self.name = "nbgraph-proteins" if proteins else "nbgraph"
        self.ops = tuple(gnn_list_proteins if proteins else gnn_list)
        # The eight 26,206-row datasets share their keys: build each
        # architecture once (they are immutable, so sharing is safe).
        self._by_key: dict[int, Architecture] = {}

    def from_link_ops(self, link: Sequence[int], ops: Sequence[str]) -> Architecture:
        """Build from a link list (``link[i]`` feeds node ``i+1``) and four ops."""
        link, ops = [int(x) for x in link], [str(op) for op in ops]
        if len(link) != 4 or any(not 0 <= s <= i for i, s in enumerate(link)):
            raise SurrobenchError(
                f"malformed NAS-Bench-Graph link {link}; expected four entries with "
                f"link[i] in 0..i, e.g. {list(LINKS[3])}"
            )
        if len(ops) != 4:
            raise SurrobenchError(f"NAS-Bench-Graph needs four operations, got {ops}")
        if all(op == "skip" for op in ops):
            raise SurrobenchError(
                "four 'skip' operations make no network; NAS-Bench-Graph leaves it out"
            )
        for op in ops:
            if op not in self.ops:
                valid = ", ".join(self.ops)
                raise SurrobenchError(
                    f"unknown {self.name} operation {op!r}; valid: {valid}"
                )
        read = set(link)
        edges = [(source, target) for target, source in enumerate(link, start=1)]
        edges += [(node, 5) for node in range(1, 5) if node not in read]
        return Architecture(self.name, (INPUT, *ops, OUTPUT), tuple(sorted(edges)))

    def to_link_ops(self, arch: Architecture) -> tuple[list[int], list[str]]:
        self.check(arch)
        if arch.num_nodes != self.num_nodes:
            raise SurrobenchError(
                f"a {self.name} architecture has {self.num_nodes} nodes, "
                f"got {arch.num_nodes}"
            )
        link = [0] * 4
        for source, target in arch.edges:
            if target < 5:
                link[target - 1] = source
        return link, list(arch.node_ops[1:5])

    def key(self, arch: Architecture) -> int:
        """The package's hash of the canonical form: the benchmark's row key."""
        link, ops = self.to_link_ops(self.canonicalize(arch))
        return Arch(link, ops).hash_arch()

    def from_key(self, key: int) -> Architecture:
        """Invert the package's hash (base 10 digits: link index, then four ops)."""
        if key in self._by_key:
            return self._by_key[key]
        digits = f"{int(key):05d}"
        if len(digits) != 5 or int(digits[0]) >= len(LINKS):
            raise SurrobenchError(f"not a NAS-Bench-Graph key: {key!r}")
        try:
            ops = [gnn_list[int(d)] for d in digits[1:]]
        except IndexError:
            raise SurrobenchError(f"not a NAS-Bench-Graph key: {key!r}") from None
        arch = self.from_link_ops(LINKS[int(digits[0])], ops)
        self._by_key[key] = arch
        return arch

    def canonicalize(self, arch: Architecture) -> Architecture:
        link, ops = self.to_link_ops(arch)
        canonical = Arch(link, ops).regularize()
        canonical.move_skip_op()
        canonical.equalpart_sort()
        return self.from_link_ops(canonical.link, canonical.ops)

    def parse(self, text: str) -> Architecture:
        """Parse ``link=[0,0,1,2] ops=[gcn,gat,sage,skip]`` or the canonical form."""
        text = str(text).strip()
        if text.startswith(f"{self.name}:"):
            arch = self.check(Architecture.from_string(text))
            try:
                rebuilt = self.from_link_ops(*self.to_link_ops(arch))
            except (IndexError, KeyError, ValueError):
                rebuilt = None
            if rebuilt != arch:
                raise SurrobenchError(
                    f"{text!r} is not a {self.name} architecture: it needs an input, "
                    "four operation nodes each reading one earlier node, and an output "
                    "summing the nodes no other node reads"
                )
            return arch
        try:
            link_part, ops_part = text.split()
            assert link_part.startswith("link=[") and link_part.endswith("]")
            assert ops_part.startswith("ops=[") and ops_part.endswith("]")
            link = [int(x) for x in link_part[6:-1].split(",")]
            ops = ops_part[5:-1].split(",")
        except (ValueError, AssertionError):
            raise SurrobenchError(
                f"malformed NAS-Bench-Graph architecture {text!r}; expected "
                "'link=[0,0,1,2] ops=[gcn,gat,sage,skip]'"
            ) from None
        return self.from_link_ops(link, ops)

    def format(self, arch: Architecture) -> str:
        link, ops = self.to_link_ops(arch)
        return f"link=[{','.join(map(str, link))}] ops=[{','.join(ops)}]"

    def describe(self, arch: Architecture) -> str:
        link, ops = self.to_link_ops(arch)
        names = ["input"] + [f"{i}:{op}" for i, op in enumerate(ops, start=1)]
        layers = [f"{names[i + 1]}({names[source]})" for i, source in enumerate(link)]
        leaves = [names[s] for s, t in arch.edges if t == 5]
        return "  ".join(layers) + "  -> output=" + "+".join(leaves)

    def enumerate(self) -> Iterator[Architecture]:
        """The package's non-isomorphic set, in its own link-then-ops order."""
        for ops in product(self.ops, repeat=4):
            if all(op == "skip" for op in ops):
                continue
            for link in LINKS:
                if Arch(list(link), list(ops)).check_isomorph():
                    yield self.from_link_ops(link, ops)

    def mutate(self, arch: Architecture, rng: np.random.Generator) -> Architecture:
        """Change one node's operation or rewire one node, then canonicalise."""
        link, ops = self.to_link_ops(self.canonicalize(arch))
        original = self.canonicalize(arch)
        for _ in range(100):
            new_link, new_ops = list(link), list(ops)
            node = int(rng.integers(4))
            if rng.random() < 0.5 and node > 0:
                new_link[node] = int(rng.choice([s for s in range(node + 1)]))
            else:
                new_ops[node] = str(
                    rng.choice([op for op in self.ops if op != ops[node]])
                )
            if all(op == "skip" for op in new_ops):
                continue
            candidate = self.canonicalize(self.from_link_ops(new_link, new_ops))
            if candidate != original:
                return candidate
        raise SurrobenchError(f"found no neighbour of {self.format(arch)}")

    def neighbours(self, arch: Architecture) -> list[Architecture]:
        """Every canonical architecture one operation change or one rewiring of
        a node away from ``arch``, each once (what :meth:`mutate` draws from).

        Example:
            >>> space = NBGraphSpace()
            >>> arch = space.from_link_ops([0, 0, 1, 2], ["gcn", "gat", "sage", "fc"])
            >>> arch in space.neighbours(arch)
            False
        """
        original = self.canonicalize(arch)
        link, ops = self.to_link_ops(original)
        changes = []
        for node in range(4):
            for op in self.ops:
                if op != ops[node]:
                    changes.append((link, [*ops[:node], op, *ops[node + 1 :]]))
            for source in range(node + 1):
                if node > 0 and source != link[node]:
                    changes.append(([*link[:node], source, *link[node + 1 :]], ops))
        found: dict[Architecture, None] = {}
        for new_link, new_ops in changes:
            if all(op == "skip" for op in new_ops):
                continue
            candidate = self.canonicalize(self.from_link_ops(new_link, new_ops))
            if candidate != original:
                found[candidate] = None
        return list(found)

    def choices(self) -> dict[str, tuple]:
        """The wiring as one categorical over the package's nine link patterns
        (``link`` = index into them), and one categorical per node's operation
        (``op1`` … ``op4``)."""
        return {"link": tuple(range(len(LINKS)))} | {
            f"op{node}": self.ops for node in range(1, 5)
        }

    def from_choices(self, chosen) -> Architecture:
        """Four ``skip`` operations are no architecture (a SurrobenchError)."""
        try:
            link = LINKS[int(chosen["link"])]
            ops = [chosen[f"op{node}"] for node in range(1, 5)]
        except (KeyError, IndexError, ValueError, TypeError):
            raise SurrobenchError(
                f"expected a link index in 0..{len(LINKS) - 1} and op1..op4, got "
                f"{dict(chosen)!r}"
            ) from None
        return self.canonicalize(self.from_link_ops(link, ops))

    def to_choices(self, arch: Architecture) -> dict[str, object]:
        link, ops = self.to_link_ops(self.canonicalize(arch))
        return {"link": LINKS.index(tuple(link))} | {
            f"op{node}": op for node, op in enumerate(ops, start=1)
        }
