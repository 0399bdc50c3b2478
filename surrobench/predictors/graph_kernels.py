"""Similarities between architecture graphs: Weisfeiler–Lehman features, OTMANN.

Both read the operation-on-node DAG of :mod:`surrobench.encodings.graph`.

* :class:`WeisfeilerLehman` counts the subtree patterns that ``h`` rounds of
  Weisfeiler–Lehman relabelling produce (Shervashidze et al. 2011), the kernel
  of NAS-BOWL (Ru et al. 2021); :func:`wl_kernel` is their normalised dot
  product.
* :class:`OtmannDistance` is the optimal-transport distance of NASBOT
  (Kandasamy et al. 2018): the cheapest way to move the layer masses of one
  network onto the other's, paying for operation mismatches, for moving a
  layer to a different depth, and for mass left unmoved.
"""

from __future__ import annotations

import logging
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import ot
import scipy.sparse as sparse

from surrobench.architecture import INPUT, OUTPUT
from surrobench.encodings.graph import SUM_NODE, OpGraph
from surrobench.errors import SurrobenchError

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------
# Weisfeiler–Lehman subtree features
# ---------------------------------------------------------------------------


class WeisfeilerLehman:
    """Weisfeiler–Lehman subtree features ``φ(G)``: label counts over ``h`` rounds.

    Round 0 labels every node with its own label. Round ``i`` relabels node
    ``v`` with the pair ``(ℓ_{i-1}(v), sorted {ℓ_{i-1}(u) : u → v})``: its
    previous label and the multiset of its *in*-neighbours' previous labels.
    The graphs are directed and information flows from the input to the
    output, so a round-``i`` label describes the ``i`` layers that feed a node.
    ``φ(G)[ℓ]`` counts the nodes of ``G`` that carry label ``ℓ`` in a round
    ``0..h``; the labels of each round are distinct from those of other rounds.

    :meth:`fit` fixes the vocabulary (one column per label seen in the fitted
    graphs, with the round it belongs to); :meth:`transform` counts the labels
    of any graph. A label unseen at :meth:`fit` has no column, but its count
    still enters the graph's squared norm, so it lowers the normalised kernel
    of :func:`wl_kernel` without matching anything.

    Args:
        iterations: the number ``h`` of relabelling rounds.

    Example:
        >>> from surrobench.encodings.graph import OpGraph
        >>> graph = OpGraph(("input", "conv", "conv", "output"),
        ...                 ((0, 1), (0, 2), (1, 3), (2, 3)))
        >>> wl = WeisfeilerLehman(iterations=1).fit([graph])
        >>> counts, squared_norms = wl.transform([graph])
        >>> wl.feature_names()
        ['input', 'conv', 'output', 'input()', 'conv(input)', 'output(conv,conv)']
        >>> counts.toarray()[0].tolist()
        [1.0, 2.0, 1.0, 1.0, 2.0, 1.0]
        >>> squared_norms.tolist()  # 1 + 4 + 1 + 1 + 4 + 1
        [12.0]
    """

    def __init__(self, iterations: int) -> None:
        self.iterations = iterations

    def fit(self, graphs: Sequence[OpGraph]) -> WeisfeilerLehman:
        """Give a column to every label the ``graphs`` carry; returns self."""
        if isinstance(self.iterations, bool) or not isinstance(
            self.iterations, int | np.integer
        ):
            raise SurrobenchError(
                f"WL iterations must be an integer, got {self.iterations!r}"
            )
        if self.iterations < 0:
            raise SurrobenchError(
                f"WL iterations must be 0 or more, got {self.iterations}"
            )
        # Keys: a round-0 label string, or (own id, sorted in-neighbour ids).
        self._ids: dict[object, int] = {}
        self._keys: list[object] = []
        self._rounds: list[int] = []
        self._counted: dict[OpGraph, tuple[np.ndarray, ...]] = {}
        for graph in dict.fromkeys(graphs):
            self._count(graph)
        self.num_features_ = len(self._keys)
        self.rounds_ = np.asarray(self._rounds, dtype=np.int64)
        return self

    def transform(
        self, graphs: Sequence[OpGraph], iterations: int | None = None
    ) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Label counts of ``graphs`` over rounds ``0..iterations`` (all by default).

        Returns:
            counts: sparse, shape (n, F) with one column per fitted label (of
                every round; columns of rounds past ``iterations`` are zero).
            squared_norms: ``Σ_ℓ φ(G)[ℓ]²`` over all labels of those rounds,
                unseen ones included; shape (n,).
        """
        if not hasattr(self, "num_features_"):
            raise SurrobenchError("WeisfeilerLehman must be fit before transform")
        last = self.iterations if iterations is None else iterations
        if not 0 <= last <= self.iterations:
            raise SurrobenchError(
                f"WL iterations must be in 0..{self.iterations}, got {last}"
            )
        rows, columns, values = [], [], []
        squared_norms = np.empty(len(graphs))
        for row, graph in enumerate(graphs):
            ids, counts, rounds = self._count(graph)
            wanted = rounds <= last
            squared_norms[row] = float((counts[wanted] ** 2).sum())
            known = wanted & (ids < self.num_features_)
            rows.append(np.full(int(known.sum()), row))
            columns.append(ids[known])
            values.append(counts[known])
        counts_matrix = sparse.csr_matrix(
            (
                np.concatenate(values) if values else np.empty(0),
                (
                    np.concatenate(rows) if rows else np.empty(0, int),
                    np.concatenate(columns) if columns else np.empty(0, int),
                ),
            ),
            shape=(len(graphs), self.num_features_),
            dtype=np.float64,
        )
        return counts_matrix, squared_norms

    def feature_names(self) -> list[str]:
        """A readable name for each column: ``label(in-neighbour names...)``."""
        names: list[str] = []
        for key in self._keys[: self.num_features_]:
            if isinstance(key, str):
                names.append(key)
            else:
                own, neighbours = key
                inner = ",".join(sorted(names[i] for i in neighbours))
                names.append(f"{names[own]}({inner})")
        return names

    def _count(self, graph: OpGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Label ids of ``graph`` over all rounds, their counts and rounds, cached.

        Labels met for the first time get fresh ids; after :meth:`fit` those
        ids are past ``num_features_`` and so have no column.
        """
        if graph in self._counted:
            return self._counted[graph]
        in_neighbours: list[list[int]] = [[] for _ in range(graph.num_nodes)]
        for source, target in graph.edges:
            in_neighbours[target].append(source)

        current = [self._id(label, 0) for label in graph.labels]
        found = list(current)
        for round_ in range(1, self.iterations + 1):
            current = [
                self._id(
                    (own, tuple(sorted(current[u] for u in in_neighbours[v]))),
                    round_,
                )
                for v, own in enumerate(current)
            ]
            found += current
        ids, counts = np.unique(np.asarray(found, dtype=np.int64), return_counts=True)
        rounds = np.array([self._rounds[i] for i in ids.tolist()], dtype=np.int64)
        self._counted[graph] = (ids, counts.astype(np.float64), rounds)
        return self._counted[graph]

    def _id(self, key: object, round_: int) -> int:
        if key not in self._ids:
            self._ids[key] = len(self._keys)
            self._keys.append(key)
            self._rounds.append(round_)
        return self._ids[key]


def wl_kernel(
    counts_a: sparse.csr_matrix,
    squared_norms_a: np.ndarray,
    counts_b: sparse.csr_matrix,
    squared_norms_b: np.ndarray,
) -> np.ndarray:
    """Normalised WL kernel ``k(G, G') = ⟨φ(G), φ(G')⟩ / (‖φ(G)‖ ‖φ(G')‖)``.

    Args:
        counts_a, counts_b: label counts from :meth:`WeisfeilerLehman.transform`;
            shapes (n_a, F) and (n_b, F).
        squared_norms_a, squared_norms_b: their squared norms; (n_a,), (n_b,).

    Returns:
        The kernel matrix; shape (n_a, n_b), entries in [0, 1].

    Example:
        >>> from surrobench.encodings.graph import OpGraph
        >>> chain = OpGraph(("input", "conv", "output"), ((0, 1), (1, 2)))
        >>> pool = OpGraph(("input", "pool", "output"), ((0, 1), (1, 2)))
        >>> wl = WeisfeilerLehman(iterations=0).fit([chain, pool])
        >>> counts, norms = wl.transform([chain, pool])
        >>> wl_kernel(counts, norms, counts, norms).round(3).tolist()
        [[1.0, 0.667], [0.667, 1.0]]
    """
    dot = np.asarray((counts_a @ counts_b.T).todense(), dtype=np.float64)
    scale = np.sqrt(np.outer(squared_norms_a, squared_norms_b))
    return np.divide(dot, scale, out=np.zeros_like(dot), where=scale > 0)


# ---------------------------------------------------------------------------
# OTMANN: optimal transport between the layer masses of two networks
# ---------------------------------------------------------------------------

# Mismatch costs between operations, by how much they have in common: the same
# kind of layer (two convolutions, two spectral graph convolutions) is close;
# the same group (both learn weights, or both are parameter-free) is halfway;
# anything else, and any operation this table does not know, is far.
OPERATION_KINDS: dict[str, tuple[str, str]] = {
    # NAS-Bench-201
    "nor_conv_1x1": ("parametric", "convolution"),
    "nor_conv_3x3": ("parametric", "convolution"),
    "avg_pool_3x3": ("parameter-free", "pooling"),
    "skip_connect": ("parameter-free", "identity"),
    # NAS-Bench-Graph
    "gcn": ("parametric", "spectral"),
    "cheb": ("parametric", "spectral"),
    "arma": ("parametric", "spectral"),
    "gat": ("parametric", "spatial"),
    "gin": ("parametric", "spatial"),
    "sage": ("parametric", "spatial"),
    "graph": ("parametric", "spatial"),
    "fc": ("parametric", "dense"),
    "skip": ("parameter-free", "identity"),
}
SAME_KIND_COST = 0.2
SAME_GROUP_COST = 0.5
UNRELATED_COST = 0.8
# Input, output and sum nodes match only their own kind. Any finite cost above
# twice the non-assignment penalty is never paid (leaving both masses unmoved
# is cheaper), so a large number stands in for infinity.
FORBIDDEN_COST = 1e6
PATH_KINDS = 6  # shortest, longest, random-walk path; from the input, to the output

# Distances solved so far in this process, by (setting, signature numbers): the
# conformance suite, a hyperparameter search and nested train sets ask for the
# same pairs again and again, and NB201 has only 8,585 distinct layer sets.
# About 100 bytes an entry; cleared when full rather than grown without bound.
MAX_CACHED_DISTANCES = 1_000_000
_PAIR_CACHE: dict[int, float] = {}
_SIGNATURE_NUMBERS: dict[bytes, int] = {}
_SETTING_NUMBERS: dict[tuple, int] = {}
_NUMBER_BITS = 24  # room for 16 million signatures and settings


def label_mismatch_cost(first: str, second: str) -> float:
    """Cost of matching a layer labelled ``first`` with one labelled ``second``.

    0 for equal labels; :data:`FORBIDDEN_COST` between different labels when
    either is the input, the output or a sum node; otherwise
    :data:`SAME_KIND_COST`, :data:`SAME_GROUP_COST` or :data:`UNRELATED_COST`
    by :data:`OPERATION_KINDS`.

    Example:
        >>> label_mismatch_cost("nor_conv_3x3", "nor_conv_1x1")
        0.2
        >>> label_mismatch_cost("nor_conv_3x3", "avg_pool_3x3")
        0.8
    """
    if first == second:
        return 0.0
    if {first, second} & {INPUT, OUTPUT, SUM_NODE}:
        return FORBIDDEN_COST
    kind_first = OPERATION_KINDS.get(first)
    kind_second = OPERATION_KINDS.get(second)
    if kind_first is None or kind_second is None:
        return UNRELATED_COST
    if kind_first == kind_second:
        return SAME_KIND_COST
    if kind_first[0] == kind_second[0]:
        return SAME_GROUP_COST
    return UNRELATED_COST


@dataclass(frozen=True, eq=False)
class Layers:
    """The layers of one graph as OTMANN sees them, equal layers merged.

    Layers with the same label and the same six path lengths are
    interchangeable in the transport problem, so they are merged into one
    carrying their summed mass; layers of zero mass are dropped.

    Attributes:
        labels: index of each layer's label in the distance's vocabulary; (k,).
        masses: layer masses; (k,).
        paths: shortest, longest and random-walk path length from the input,
            then the same three to the output; shape (k, 6).
        signature: bytes equal for two graphs iff their layers are equal, so
            that their distances to everything are equal too.
        number: a process-wide number for the signature, to key cached distances.
    """

    labels: np.ndarray
    masses: np.ndarray
    paths: np.ndarray
    signature: bytes
    number: int

    @property
    def total_mass(self) -> float:
        return float(self.masses.sum())


class OtmannDistance:
    """OTMANN distance (NASBOT): optimal transport of layer masses, with dummies.

    Layer masses. NASBOT weighs a layer by its number of units; here every
    layer has the same width, so each weighs 1:

    * NB201: each operation node (the cell's conv, pool and skip edges) and
      each of the cell's sum nodes, all with the cell's channel count;
    * NAS-Bench-Graph: each of the four GNN layers, all of the same hidden
      width.

    ``skip`` weighs 1 too, so that swapping an operation for a skip costs a
    label mismatch, not a change of mass. The input and the output each weigh
    ``io_share`` times the total mass of the other layers (NASBOT's
    ``ζ = 0.1``), so that they count in proportion to the network; an empty
    NB201 cell (no path from input to output) has no mass at all.

    For layers ``i`` of ``G₁`` and ``j`` of ``G₂`` the cost of moving one
    unit of mass is

        ``C[i, j] = M(ℓᵢ, ℓⱼ) + ν_str · (1/6) Σ_{s ∈ {sp, lp, rw}}
        Σ_{t ∈ {in, out}} |δˢₜ(i) − δˢₜ(j)|``

    with ``M`` from :func:`label_mismatch_cost` and ``δˢₜ`` the shortest,
    longest or random-walk (uniform over the in-edges, resp. out-edges) path
    length in edges from the input to the layer, resp. from the layer to the
    output. Each graph gains a dummy layer holding the other graph's total
    mass; moving mass to or from a dummy costs ``ν`` (the non-assignment
    penalty) and dummy to dummy costs 0. Then

        ``d(G₁, G₂) = min_{Z ≥ 0, Z1 = m₁', Zᵀ1 = m₂'} ⟨Z, C⟩``

    with ``m'`` the masses plus the dummy's, solved exactly by ``ot.emd2``. It
    equals NASBOT's ``φ_lmm + ν_str φ_str + ν φ_nas``: mass sent to a dummy
    is mass left unassigned. ``d(G, G) = 0``, ``d`` is symmetric, and it is
    positive between graphs whose layers differ.

    Args:
        labels: every label the graphs may carry (e.g. ``graph_labels(space)``).
        non_assignment_penalty: ``ν``, paid per unit of unmoved mass.
        structural_weight: ``ν_str``, weight of the path-length differences.
        io_share: mass of the input (and of the output) per unit of other mass.

    Example:
        >>> from surrobench.encodings.graph import OpGraph
        >>> labels = ["input", "output", "nor_conv_3x3", "nor_conv_1x1"]
        >>> conv3 = OpGraph(("input", "nor_conv_3x3", "output"), ((0, 1), (1, 2)))
        >>> conv1 = OpGraph(("input", "nor_conv_1x1", "output"), ((0, 1), (1, 2)))
        >>> distance = OtmannDistance(labels)
        >>> round(distance(conv3, conv1), 6), distance(conv3, conv3)
        (0.2, 0.0)
    """

    def __init__(
        self,
        labels: Sequence[str],
        non_assignment_penalty: float = 0.4,
        structural_weight: float = 0.03,
        io_share: float = 0.1,
    ) -> None:
        for what, value in (
            ("non_assignment_penalty", non_assignment_penalty),
            ("structural_weight", structural_weight),
            ("io_share", io_share),
        ):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise SurrobenchError(f"{what} must be a number, got {value!r}")
            if not np.isfinite(value) or value < 0:
                raise SurrobenchError(
                    f"{what} must be a finite number ≥ 0, got {value!r}"
                )
        if not 0 < non_assignment_penalty < FORBIDDEN_COST / 4:
            raise SurrobenchError(
                "non_assignment_penalty must be in (0, "
                f"{FORBIDDEN_COST / 4:g}), got {non_assignment_penalty!r}"
            )
        self.labels = list(labels)
        self.non_assignment_penalty = float(non_assignment_penalty)
        self.structural_weight = float(structural_weight)
        self.io_share = float(io_share)
        self._index = {label: i for i, label in enumerate(self.labels)}
        self._label_costs = np.array(
            [[label_mismatch_cost(a, b) for b in self.labels] for a in self.labels]
        )
        self._layers: dict[OpGraph, Layers] = {}
        # Everything a distance depends on besides the two layer sets.
        setting = (
            self._label_costs.tobytes(),
            self.non_assignment_penalty,
            self.structural_weight,
        )
        self._setting = _SETTING_NUMBERS.setdefault(setting, len(_SETTING_NUMBERS))

    def __call__(self, first: OpGraph, second: OpGraph) -> float:
        """``d(first, second)``."""
        return float(self.pairwise([first], [second])[0, 0])

    def layers(self, graph: OpGraph) -> Layers:
        """The merged layers of ``graph``, computed once per graph."""
        if graph not in self._layers:
            self._layers[graph] = self._build_layers(graph)
        return self._layers[graph]

    def pairwise(
        self, graphs_a: Sequence[OpGraph], graphs_b: Sequence[OpGraph] | None = None
    ) -> np.ndarray:
        """Distances between every graph of ``graphs_a`` and of ``graphs_b``.

        One transport problem is solved per pair of distinct layer signatures;
        with ``graphs_b`` None, per unordered pair of ``graphs_a``, mirrored.

        Returns:
            shape (n_a, n_b), or (n_a, n_a) when ``graphs_b`` is None.
        """
        layers_a = [self.layers(graph) for graph in graphs_a]
        distinct_a, index_a = distinct_layers(layers_a)
        if graphs_b is None:
            distances = self.distinct_pairwise(distinct_a)
            return distances[np.ix_(index_a, index_a)]
        layers_b = [self.layers(graph) for graph in graphs_b]
        distinct_b, index_b = distinct_layers(layers_b)
        distances = self.distinct_pairwise(distinct_a, distinct_b)
        return distances[np.ix_(index_a, index_b)]

    def distinct_pairwise(
        self, layers_a: Sequence[Layers], layers_b: Sequence[Layers] | None = None
    ) -> np.ndarray:
        """Distances between layer sets; with ``layers_b`` None, the symmetric
        matrix of ``layers_a``, each unordered pair solved once. Shape
        (n_a, n_b)."""
        symmetric = layers_b is None
        layers_b = layers_a if layers_b is None else layers_b
        distances = np.zeros((len(layers_a), len(layers_b)))
        if not layers_a or not layers_b:
            return distances
        padded = _Padded(layers_b)
        solved = 0
        for row, first in enumerate(layers_a):
            columns = range(row + 1 if symmetric else 0, len(layers_b))
            missing = []
            for column in columns:
                second = layers_b[column]
                if second.signature == first.signature:
                    continue  # equal layers: distance 0
                key = self._cache_key(first, second)
                if key in _PAIR_CACHE:
                    distances[row, column] = _PAIR_CACHE[key]
                else:
                    missing.append(column)
            if missing:
                missing_columns = np.asarray(missing)
                values = self._solve_row(first, padded, missing_columns)
                distances[row, missing_columns] = values
                _remember(
                    (self._cache_key(first, layers_b[c]) for c in missing),
                    values,
                )
                solved += len(missing)
        logger.debug("OTMANN: solved %d transport problems", solved)
        if symmetric:
            distances = np.triu(distances, 1)
            distances = distances + distances.T
        return distances

    def _cache_key(self, first: Layers, second: Layers) -> int:
        low, high = sorted((first.number, second.number))
        return (self._setting << 2 * _NUMBER_BITS) | (low << _NUMBER_BITS) | high

    def _solve_row(
        self, first: Layers, padded: _Padded, columns: np.ndarray
    ) -> np.ndarray:
        """``d(first, b)`` for the layer sets ``b`` of ``padded`` at ``columns``."""
        labels_b = padded.labels[columns]
        paths_b = padded.paths[columns]
        # All these problems' costs at once: shape (count, k + 1, k_max + 1),
        # row and column 0 being the dummies.
        count, k = len(columns), len(first.masses)
        costs = np.empty((count, k + 1, padded.width + 1))
        costs[:, 0, 0] = 0.0
        costs[:, 0, 1:] = self.non_assignment_penalty
        costs[:, 1:, 0] = self.non_assignment_penalty
        structure = np.abs(first.paths[None, :, None, :] - paths_b[:, None, :, :]).sum(
            axis=-1
        )
        costs[:, 1:, 1:] = (
            self._label_costs[first.labels][:, labels_b].transpose(1, 0, 2)
            + self.structural_weight / PATH_KINDS * structure
        )

        source = np.concatenate([[0.0], first.masses])
        distances = np.empty(count)
        for offset, column in enumerate(columns.tolist()):
            second = padded.layers[column]
            width = len(second.masses) + 1
            source[0] = second.total_mass
            target = padded.masses[column, :width].copy()
            target[0] = first.total_mass
            cost = np.ascontiguousarray(costs[offset, :, :width])
            # NOTE: ot.emd2 spends ~90 % of its ~100 µs per call in its Python
            # wrapper on problems this small; that is this distance's bottleneck.
            distances[offset] = ot.emd2(
                source, target, cost, check_marginals=False, center_dual=False
            )
        return distances

    def _build_layers(self, graph: OpGraph) -> Layers:
        unknown = [label for label in graph.labels if label not in self._index]
        if unknown:
            raise SurrobenchError(
                f"graph label {unknown[0]!r} is not among the OTMANN labels "
                f"({', '.join(self.labels)})"
            )
        labels = np.array([self._index[label] for label in graph.labels])
        terminal = np.array([label in (INPUT, OUTPUT) for label in graph.labels])
        masses = np.where(terminal, 0.0, 1.0)
        masses[terminal] = self.io_share * masses.sum()
        paths = path_lengths(graph)

        # Merge interchangeable layers and drop massless ones.
        rows: dict[tuple, float] = {}
        for label, mass, lengths in zip(labels, masses, paths):
            if mass > 0:
                key = (int(label), *np.round(lengths, 9).tolist())
                rows[key] = rows.get(key, 0.0) + float(mass)
        keys = sorted(rows)
        merged_labels = np.array([key[0] for key in keys], dtype=np.int64)
        merged_paths = np.array([key[1:] for key in keys], dtype=np.float64)
        merged_masses = np.array([rows[key] for key in keys], dtype=np.float64)
        signature = (
            merged_labels.tobytes() + merged_paths.tobytes() + merged_masses.tobytes()
        )
        number = _SIGNATURE_NUMBERS.setdefault(signature, len(_SIGNATURE_NUMBERS))
        return Layers(
            merged_labels,
            merged_masses,
            merged_paths.reshape(len(keys), PATH_KINDS),
            signature,
            number,
        )


def path_lengths(graph: OpGraph) -> np.ndarray:
    """Shortest, longest and random-walk path lengths (in edges) of every node.

    Columns: from the input to the node (shortest, longest, expected length of
    a backward random walk choosing an in-edge uniformly), then from the node
    to the output (the same, forward). Node 0 is the input and the last node
    the output (:class:`~surrobench.encodings.graph.OpGraph`); a node with no
    path (only the input and output of an empty cell) gets 0.

    Returns:
        shape (nodes, 6).

    Example:
        >>> from surrobench.encodings.graph import OpGraph
        >>> graph = OpGraph(("input", "a", "b", "output"),
        ...                 ((0, 1), (0, 3), (1, 2), (2, 3)))
        >>> path_lengths(graph)[3, :3].tolist()  # output: 1, 3, (1 + 3) / 2
        [1.0, 3.0, 2.0]
    """
    count = graph.num_nodes
    predecessors: list[list[int]] = [[] for _ in range(count)]
    successors: list[list[int]] = [[] for _ in range(count)]
    for source, target in graph.edges:
        predecessors[target].append(source)
        successors[source].append(target)

    lengths = np.zeros((count, PATH_KINDS))
    for node in range(count):  # topological order: sources come first
        if predecessors[node]:
            before = lengths[predecessors[node], :3]
            lengths[node, 0] = 1 + before[:, 0].min()
            lengths[node, 1] = 1 + before[:, 1].max()
            lengths[node, 2] = 1 + before[:, 2].mean()
    for node in reversed(range(count)):
        if successors[node]:
            after = lengths[successors[node], 3:]
            lengths[node, 3] = 1 + after[:, 0].min()
            lengths[node, 4] = 1 + after[:, 1].max()
            lengths[node, 5] = 1 + after[:, 2].mean()
    return lengths


class _Padded:
    """Layer sets stacked and zero-padded to a common width ``k_max``, with a
    leading dummy slot: labels (n, k_max), paths (n, k_max, 6), masses
    (n, k_max + 1)."""

    def __init__(self, layers: Sequence[Layers]) -> None:
        self.layers = list(layers)
        self.width = max(1, max(len(item.masses) for item in self.layers))
        count = len(self.layers)
        self.labels = np.zeros((count, self.width), dtype=np.int64)
        self.paths = np.zeros((count, self.width, PATH_KINDS))
        self.masses = np.zeros((count, self.width + 1))
        for row, item in enumerate(self.layers):
            size = len(item.masses)
            self.labels[row, :size] = item.labels
            self.paths[row, :size] = item.paths
            self.masses[row, 1 : size + 1] = item.masses


def distinct_layers(layers: Sequence[Layers]) -> tuple[list[Layers], np.ndarray]:
    """The distinct layer sets (by signature), and the position of each of
    ``layers`` among them; shape (n,)."""
    position: dict[bytes, int] = {}
    distinct: list[Layers] = []
    index = np.empty(len(layers), dtype=np.int64)
    for row, item in enumerate(layers):
        if item.signature not in position:
            position[item.signature] = len(distinct)
            distinct.append(item)
        index[row] = position[item.signature]
    return distinct, index


def _remember(keys, values: np.ndarray) -> None:
    """Cache solved distances, starting afresh when the cache is full."""
    if len(_PAIR_CACHE) >= MAX_CACHED_DISTANCES:
        _PAIR_CACHE.clear()
    _PAIR_CACHE.update(zip(keys, values.tolist()))


def clear_distance_cache() -> None:
    """Forget every cached OTMANN distance (to time the distances themselves)."""
    _PAIR_CACHE.clear()
