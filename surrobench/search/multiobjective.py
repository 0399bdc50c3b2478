"""What a search maximises: the target alone, a scalarised reward, or a front.

Both objectives are min-max normalised over the whole benchmark, so that
each spans [0, 1] whatever its units:

    ``q = (y − y_worst) / (y_best − y_worst)``  (quality, 1 = best target),
    ``c = (cost − cost_min) / (cost_max − cost_min)``  (0 = cheapest).

NOTE: the normalisation reads the benchmark's extremes, which a search on
real training runs would not know for the target (it would for parameter
counts); it makes α mean the same on every benchmark, as in MONAS.

Three modes:

* single objective (no cost): the search maximises the target itself;
* scalarised (``alpha``): ``reward = α·q − (1 − α)·c`` (MONAS, Hsu et al. 2018);
* Pareto (``pareto``): each step draws ``λ ~ U(0, 1)`` and maximises ParEGO's
  augmented Chebyshev scalarisation (Knowles 2006) of the minimised
  objectives ``f = (1 − q, c)`` with weights ``(λ, 1 − λ)``:
  ``reward = −(max_j w_j f_j + ρ Σ_j w_j f_j)``, ``ρ = 0.05``; the search is
  judged by the hypervolume its queries dominate (:func:`hypervolume`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surrobench.datasets import check_benchmark
from surrobench.errors import SurrobenchError
from surrobench.search.costs import cost_values

PAREGO_RHO = 0.05


def pareto_front(points: np.ndarray) -> np.ndarray:
    """Indices of the points no other point dominates (both coordinates
    maximised); points equal to a front point are left out but one.

    Args:
        points: shape (n, 2).

    Returns:
        indices into ``points``, by decreasing first coordinate; shape (m,).

    Example:
        >>> pareto_front(np.array([[1.0, 0.0], [0.5, 0.5], [0.4, 0.4], [0.0, 1.0]]))
        array([0, 1, 3])
    """
    points = _points(points)
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    front = []
    best_second = -np.inf
    for index in order:
        if points[index, 1] > best_second:
            front.append(index)
            best_second = points[index, 1]
    return np.asarray(front, dtype=np.int64)


def _points(points) -> np.ndarray:
    """``points`` as a finite float array of shape (n, 2), or a clear error."""
    try:
        array = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise SurrobenchError(
            f"points must be numbers of shape (n, 2), got {type(points).__name__}"
        ) from None
    if array.size == 0:
        return array.reshape(0, 2)
    if array.ndim != 2 or array.shape[1] != 2:
        raise SurrobenchError(f"points must have shape (n, 2), got {array.shape}")
    if not np.isfinite(array).all():
        raise SurrobenchError("points must be finite, got NaN or infinite values")
    return array


def hypervolume(points: np.ndarray, reference: tuple[float, float] = (0.0, 0.0)):
    """Area dominated by ``points`` (both coordinates maximised) above
    ``reference``, by an exact sweep:

        ``HV = Σᵢ (xᵢ − r₁)·(yᵢ − yᵢ₋₁)`` over the front sorted by decreasing
        x (``y₀ = r₂``).

    Points not above the reference in both coordinates add nothing. The sum
    runs over the front alone, so two sets with the same front give the very
    same float.

    Args:
        points: shape (n, 2).
        reference: the worst corner, ``(r₁, r₂)``.

    Example:
        >>> hypervolume(np.array([[1.0, 0.25], [0.5, 0.5], [0.25, 1.0]]))
        0.5
    """
    points = _points(points)
    above = points[(points[:, 0] > reference[0]) & (points[:, 1] > reference[1])]
    area, covered = 0.0, reference[1]
    for index in pareto_front(above):
        x, y = above[index]
        area += (x - reference[0]) * (y - covered)
        covered = y
    return float(area)


def parego(minimised: np.ndarray, weight: float, rho: float = PAREGO_RHO):
    """ParEGO's augmented Chebyshev scalarisation, negated to be maximised:

        ``−(max(λ f₁, (1 − λ) f₂) + ρ (λ f₁ + (1 − λ) f₂))``.

    Args:
        minimised: objectives to minimise, each in [0, 1]; shape (n, 2).
        weight: ``λ`` in [0, 1].

    Returns:
        shape (n,).

    Example:
        >>> parego(np.array([[0.2, 0.6]]), 0.5).round(3).tolist()
        [-0.32]
    """
    weighted = np.asarray(minimised, dtype=float) * np.array([weight, 1.0 - weight])
    return -(weighted.max(axis=1) + rho * weighted.sum(axis=1))


def _normalise(values: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """Min-max over the benchmark, oriented so that 1 is best."""
    low, high = float(values.min()), float(values.max())
    span = high - low if high > low else 1.0
    scaled = (values - low) / span
    return scaled if higher_is_better else 1.0 - scaled


@dataclass(frozen=True)
class ObjectiveSpec:
    """What the user asked for: a cost, with ``alpha`` or ``pareto``.

    Example:
        >>> ObjectiveSpec("params", alpha=0.7).label
        'scalarised(alpha=0.7, cost=params)'
    """

    cost: str | None = None
    alpha: float | None = None
    pareto: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.pareto, bool | np.bool_):
            raise SurrobenchError(f"pareto must be True or False, got {self.pareto!r}")
        object.__setattr__(self, "pareto", bool(self.pareto))
        if self.cost is None:
            if self.alpha is not None or self.pareto:
                raise SurrobenchError(
                    "--alpha and --pareto weigh the target against a cost; "
                    "name one with --cost"
                )
            return
        if not isinstance(self.cost, str) or not self.cost:
            raise SurrobenchError(f"a cost is a metric name, got {self.cost!r}")
        if (self.alpha is None) == (not self.pareto):
            raise SurrobenchError(
                f"--cost {self.cost} needs exactly one of --alpha A (a weighted "
                "sum) or --pareto (a Pareto front)"
            )
        if self.alpha is not None:
            alpha = self.alpha
            if isinstance(alpha, bool) or not isinstance(
                alpha, int | float | np.integer | np.floating
            ):
                raise SurrobenchError(f"--alpha must be a number, got {alpha!r}")
            if not 0.0 <= alpha <= 1.0:  # also refuses NaN
                raise SurrobenchError(f"--alpha must be in [0, 1], got {alpha!r}")
            object.__setattr__(self, "alpha", float(alpha))

    @property
    def label(self) -> str:
        """How results name the objective (``target`` without a cost)."""
        if self.cost is None:
            return "target"
        if self.pareto:
            return f"pareto(cost={self.cost})"
        return f"scalarised(alpha={self.alpha:g}, cost={self.cost})"


class Objective:
    """A benchmark's values as the reward a search maximises.

    Args:
        benchmark: the table; its target is the accuracy objective.
        spec: the cost and how it is traded against the target.

    Attributes:
        target: the target of every architecture; shape (n,).
        cost: the cost of every architecture, or None; shape (n,).
        points: normalised ``(q, 1 − c)`` of every architecture, both
            maximised, or None without a cost; shape (n, 2).
        optimum: the best :attr:`best_value` any search could reach (the
            largest reward, or the true front's hypervolume).

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nbgraph-cora")
        >>> objective = Objective(bench, ObjectiveSpec("latency", pareto=True))
        >>> 0 < objective.optimum < 1
        True
    """

    def __init__(self, benchmark, spec: ObjectiveSpec | None = None) -> None:
        spec = ObjectiveSpec() if spec is None else spec
        if not isinstance(spec, ObjectiveSpec):
            raise SurrobenchError(f"spec must be an ObjectiveSpec, got {spec!r}")
        check_benchmark(benchmark)
        self.spec = spec
        metric = benchmark.metric()
        self.higher_is_better = metric.higher_is_better
        self.target = benchmark.values()
        if not np.isfinite(self.target).all():
            raise SurrobenchError(f"the target of {benchmark.name} has NaN values")
        self.cost = self.points = None
        if spec.cost is not None:
            self.cost = cost_values(benchmark, spec.cost)
            if not np.isfinite(self.cost).all():
                raise SurrobenchError(
                    f"cost {spec.cost!r} of {benchmark.name} has NaN values"
                )
            quality = _normalise(self.target, self.higher_is_better)
            cheapness = _normalise(self.cost, higher_is_better=False)
            self.points = np.column_stack([quality, cheapness])
        if spec.pareto:
            self._reward_table = None
            self.optimum = hypervolume(self.points)
        else:
            if spec.alpha is None:
                sign = 1.0 if self.higher_is_better else -1.0
                self._reward_table = sign * self.target
            else:
                quality, cheapness = self.points.T
                self._reward_table = spec.alpha * quality - (1 - spec.alpha) * (
                    1.0 - cheapness
                )
            self.optimum = float(self._reward_table.max())

    @property
    def pareto(self) -> bool:
        return self.spec.pareto

    def draw_weight(self, rng: np.random.Generator) -> float | None:
        """A ParEGO weight ``λ ~ U(0, 1)`` in Pareto mode, else None (drawing
        nothing, so that single-objective runs use the same random stream)."""
        return float(rng.random()) if self.pareto else None

    def rewards(self, rows: np.ndarray, weight: float | None = None) -> np.ndarray:
        """What a strategy maximises at ``rows``: the reward, or in Pareto mode
        the ParEGO scalarisation with ``weight``; shape (k,)."""
        rows = np.asarray(rows, dtype=np.int64)
        if not self.pareto:
            return self._reward_table[rows]
        if weight is None:
            raise SurrobenchError("a Pareto search needs a ParEGO weight per step")
        return parego(1.0 - self.points[rows], weight)

    def value(self, row: int) -> float:
        """The ``value`` recorded for a query: the target, or the reward when
        scalarised."""
        if self.spec.alpha is not None:
            return float(self._reward_table[row])
        return float(self.target[row])

    def best(self, rows: np.ndarray) -> tuple[float, float]:
        """``(best_value, regret)`` after querying ``rows``.

        ``best_value`` is the best target so far (the best reward when
        scalarised; the hypervolume in Pareto mode) and ``regret`` =
        :attr:`optimum` − that, ≥ 0, and exactly 0 once the optimum (or every
        point of the true front) is found.
        """
        if self.pareto:
            found = self.hypervolume(rows)
            return found, max(self.optimum - found, 0.0)
        best_reward = float(self._reward_table[rows].max())
        regret = max(self.optimum - best_reward, 0.0)
        if self.spec.alpha is not None:
            return best_reward, regret
        sign = 1.0 if self.higher_is_better else -1.0
        return sign * best_reward, regret

    def hypervolume(self, rows: np.ndarray) -> float:
        """Normalised hypervolume dominated by ``rows`` (NaN without a cost)."""
        if self.points is None:
            return float("nan")
        return hypervolume(self.points[np.asarray(rows, dtype=np.int64)])
