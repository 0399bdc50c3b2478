"""Gaussian processes over graph kernels: ``gpwl`` (NAS-BOWL) and ``otmann_gp``.

Both read the operation-on-node DAG of each architecture, not a vector
encoding. The kernel matrix is computed once per candidate setting (WL depth,
OTMANN bandwidth) and handed to :class:`KernelGP`, an exact GP that works in
the kernel's eigenbasis: one eigendecomposition per candidate, after which the
marginal likelihood and its gradient in the outputscale and noise cost O(n), so
the setting, outputscale and noise are all chosen by marginal likelihood.
"""

from __future__ import annotations

import logging
import math
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.linalg
import scipy.optimize
from scipy.stats import loguniform

from surrobench.architecture import Architecture
from surrobench.encodings.graph import OpGraph, graph_labels, op_graphs
from surrobench.errors import SurrobenchError, check_int
from surrobench.predictors.base import Predictor
from surrobench.predictors.graph_kernels import (
    OtmannDistance,
    WeisfeilerLehman,
    distinct_layers,
    wl_kernel,
)

logger = logging.getLogger(__name__)

# Bounds of the outputscale s² and noise σ² on standardised targets. The low
# ends let a constant target fit exactly; the noise floor is also the jitter
# that keeps (s²K + σ²I) invertible when architectures repeat.
OUTPUTSCALE_BOUNDS = (1e-6, 1e4)
NOISE_BOUNDS = (1e-6, 10.0)
# Query graphs per block of the cross-kernel: (block, n) floats at a time.
QUERY_BLOCK = 2048
# A kernel whose smallest eigenvalue is below −tolerance × its largest is
# indefinite beyond rounding: not a covariance.
INDEFINITE_TOLERANCE = 1e-6
# An indefinite candidate kernel is used only if a GP on four fifths of the
# distinct train inputs gives no input of the held-out fifth a negative
# posterior variance (an impossibility for a true kernel).
HELD_OUT_EVERY = 5


def standardise(y: np.ndarray) -> tuple[float, float]:
    """Mean and scale that map ``y`` to zero mean and unit std, as
    :class:`~surrobench.predictors.base.VectorPredictor` does; the scale is 1
    for a constant ``y``.

    Example:
        >>> standardise(np.array([1.0, 3.0]))
        (2.0, 1.0)
    """
    mean = float(y.mean())
    centred = y - mean
    peak = float(np.abs(centred).max())
    # std via the peak: squaring tiny targets (1e-300) would underflow to 0.
    spread = peak * float((centred / peak).std()) if peak > 0 else 0.0
    return mean, (spread if spread > 0 else 1.0)


@dataclass(frozen=True)
class KernelGP:
    """Exact GP ``y = f + ε``, ``f ~ GP(0, s²·k)``, ``ε ~ N(0, σ²)``, on a fixed kernel.

    The ``n`` targets belong to ``m ≤ n`` distinct inputs (``groups``), with
    ``K`` (m, m) their kernel. Repeated inputs are folded in exactly: with
    ``W = diag(counts)`` and group means ``ȳ``, the targets' component inside
    the groups' span sees ``s² W^½ K W^½ + σ²I`` (m × m), and the residual
    ``r = y − ȳ[groups]`` sees ``σ²I`` alone, so one eigendecomposition of
    size m serves. With ``W^½ K W^½ = U Λ Uᵀ``, ``z = Uᵀ W^½ ȳ`` and
    ``c = s²λ + σ²``, the log marginal likelihood is

        ``−½ (Σᵢ zᵢ² / cᵢ + log cᵢ) − ½ (|r|² / σ² + (n − m) log σ²)
        − (n/2) log 2π``,

    maximised in ``(log s², log σ²)`` with L-BFGS-B and its exact gradient.
    The posterior at queries with cross-kernel ``K*`` (q, m) has, with
    ``R = K* W^½ U``,

        ``mean = s² R diag(1/c) z``,  ``var = s² k** − s⁴ Σⱼ R²ⱼ / cⱼ``.

    NOTE: a kernel built from a distance (``exp(−β d)``) need not be positive
    semi-definite: negative eigenvalues are clipped to 0 (the nearest PSD
    matrix; :attr:`indefinite` says whether that was more than rounding), and
    a posterior variance that the clipped train kernel and the raw
    cross-kernel drive below 0 is clipped to 0. The noise floor
    (:data:`NOISE_BOUNDS`) is the jitter.

    Attributes:
        eigenvectors: ``U``; shape (m, m).
        eigenvalues: ``Λ``, clipped at 0; shape (m,).
        root_counts: ``W^½`` as a vector; shape (m,).
        outputscale: ``s²``.
        noise: ``σ²``.
        log_marginal_likelihood: at the fitted ``s²``, ``σ²``.
        weights: ``W^½ U diag(s²/c) z``, so that ``mean = K* weights``; (m,).
        smallest_eigenvalue: of ``W^½ K W^½`` before clipping; it has the
            sign of ``K``'s (Sylvester's law of inertia).

    Example:
        >>> kernel = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.5], [0.0, 0.5, 1.0]])
        >>> gp = KernelGP.fit(kernel, np.array([-1.0, 0.0, 1.0]), np.arange(3))
        >>> mean, variance = gp.posterior(kernel[:1], np.ones(1))
        >>> bool(abs(mean[0] + 1) < 0.2), bool(variance[0] < gp.outputscale)
        (True, True)
    """

    eigenvectors: np.ndarray
    eigenvalues: np.ndarray
    root_counts: np.ndarray
    outputscale: float
    noise: float
    log_marginal_likelihood: float
    weights: np.ndarray
    smallest_eigenvalue: float

    @property
    def indefinite(self) -> bool:
        """Whether the kernel had a negative eigenvalue beyond rounding."""
        scale = max(float(self.eigenvalues[-1]), 1.0)
        return self.smallest_eigenvalue < -INDEFINITE_TOLERANCE * scale

    @classmethod
    def fit(cls, kernel: np.ndarray, y: np.ndarray, groups: np.ndarray) -> KernelGP:
        """Fit to the kernel of the distinct inputs (m, m), the targets ``y``
        (n,) and the distinct input of each target, ``groups`` (n,) in 0..m-1."""
        size = len(kernel)
        counts = np.bincount(groups, minlength=size).astype(np.float64)
        if (counts == 0).any():
            raise SurrobenchError("every distinct input needs at least one target")
        group_means = np.bincount(groups, weights=y, minlength=size) / counts
        residual = float(((y - group_means[groups]) ** 2).sum())
        root_counts = np.sqrt(counts)

        symmetric = (kernel + kernel.T) / 2
        weighted = root_counts[:, None] * symmetric * root_counts[None, :]
        eigenvalues, eigenvectors = scipy.linalg.eigh(weighted)
        smallest_eigenvalue = float(eigenvalues[0])
        eigenvalues = np.clip(eigenvalues, 0.0, None)
        projected = eigenvectors.T @ (root_counts * group_means)
        statistics = (eigenvalues, projected**2, residual, len(y) - size, len(y))

        bounds = [tuple(np.log(OUTPUTSCALE_BOUNDS)), tuple(np.log(NOISE_BOUNDS))]
        best = None
        for start in ((0.0, math.log(0.1)), (0.0, math.log(1e-3))):
            result = scipy.optimize.minimize(
                _negative_log_likelihood,
                np.array(start),
                args=statistics,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
            )
            if best is None or result.fun < best.fun:
                best = result
        outputscale, noise = (float(v) for v in np.exp(best.x))

        denominators = outputscale * eigenvalues + noise
        weights = root_counts * (
            eigenvectors @ (outputscale * projected / denominators)
        )
        return cls(
            eigenvectors=eigenvectors,
            eigenvalues=eigenvalues,
            root_counts=root_counts,
            outputscale=outputscale,
            noise=noise,
            log_marginal_likelihood=-float(best.fun),
            weights=weights,
            smallest_eigenvalue=smallest_eigenvalue,
        )

    def mean(self, cross_kernel: np.ndarray) -> np.ndarray:
        """Posterior mean of ``f`` at queries with cross-kernel (q, m); (q,)."""
        return cross_kernel @ self.weights

    def posterior(
        self, cross_kernel: np.ndarray, prior_diagonal: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and variance of ``f``; each (q,).

        Args:
            cross_kernel: ``k(query, distinct train input)``; shape (q, m).
            prior_diagonal: ``k(query, query)``; shape (q,).
        """
        rotated = (cross_kernel * self.root_counts) @ self.eigenvectors
        denominators = self.outputscale * self.eigenvalues + self.noise
        explained = self.outputscale**2 * (rotated**2 / denominators).sum(axis=1)
        variance = np.clip(self.outputscale * prior_diagonal - explained, 0.0, None)
        return self.mean(cross_kernel), variance


def _negative_log_likelihood(
    log_params: np.ndarray,
    eigenvalues: np.ndarray,
    squared: np.ndarray,
    residual: float,
    extra: int,
    count: int,
) -> tuple[float, np.ndarray]:
    """``−log p(y)`` and its gradient in ``(log s², log σ²)``; ``squared`` are
    the ``zᵢ²``, ``residual`` is ``|r|²`` and ``extra`` is ``n − m``."""
    outputscale, noise = np.exp(log_params)
    denominators = outputscale * eigenvalues + noise
    ratios = squared / denominators
    value = 0.5 * (ratios.sum() + np.log(denominators).sum())
    value += 0.5 * (residual / noise + extra * math.log(noise))
    value += 0.5 * count * math.log(2 * math.pi)
    slope = 0.5 * (1.0 - ratios) / denominators  # d value / d denominator
    gradient = np.array(
        [
            (slope * outputscale * eigenvalues).sum(),
            (slope * noise).sum() + 0.5 * (extra - residual / noise),
        ]
    )
    return float(value), gradient


def negative_variance_share(
    kernel: np.ndarray, outputscale: float, noise: float
) -> float:
    """Share of held-out inputs whose posterior variance comes out negative.

    Every :data:`HELD_OUT_EVERY`-th input of ``kernel`` (m, m) is held out;
    a GP with ``s² = outputscale``, ``σ² = noise`` on the others (negative
    eigenvalues clipped, as in :class:`KernelGP`) predicts them, and
    ``s² − s⁴ Σⱼ R²ⱼ / cⱼ < 0`` counts. Always 0 for a positive semi-definite
    kernel, whose joint matrices are all covariances.

    Example:
        >>> kernel = np.array([[1.0, 0.9, 0.0], [0.9, 1.0, 0.9], [0.0, 0.9, 1.0]])
        >>> negative_variance_share(kernel, 1.0, 1e-4)  # input 0 held out
        1.0
        >>> negative_variance_share(np.eye(3), 1.0, 1e-4)
        0.0
    """
    held_out = np.arange(len(kernel)) % HELD_OUT_EVERY == 0
    kept = ~held_out
    if not kept.any():
        return 0.0
    eigenvalues, eigenvectors = scipy.linalg.eigh(kernel[np.ix_(kept, kept)])
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    rotated = kernel[np.ix_(held_out, kept)] @ eigenvectors
    denominators = outputscale * eigenvalues + noise
    explained = outputscale**2 * (rotated**2 / denominators).sum(axis=1)
    variance = outputscale * np.diag(kernel)[held_out] - explained
    return float(np.mean(variance < -1e-9 * outputscale))


class GraphKernelGP(Predictor):
    """A GP over a graph kernel, picked among candidates by marginal likelihood.

    Targets are standardised before fitting (as for vector predictors), and
    predictions mapped back. :meth:`predict_dist` gives the predictive
    distribution of an observed target, ``std = sqrt(var f + σ²)``. Nothing is
    random, so the seed changes nothing.

    A candidate whose kernel is indefinite beyond rounding is skipped if
    :func:`negative_variance_share` is above 0: a kernel that contradicts
    itself on held-out train graphs does so on new ones too, where its
    clipped variances collapse and its mean ranks badly, even where its
    marginal likelihood, computed after clipping, is the highest (OTMANN on
    NB201 at ``β = 2 / median d`` from 400 cells: share 0.10–0.16, τ
    0.35–0.48, 95 % coverage 0.3–0.7; at ``4 / median d`` from 1,000 cells:
    share 0.008, τ 0.66–0.72, coverage 0.84–0.87, against 0.79–0.82 and
    0.94–0.97 at ``4√2 / median d``, whose share is 0). If no candidate
    passes, the first is kept.

    Subclasses say which train architectures are the same input to their
    kernel, build the candidate kernels of those distinct inputs and the
    cross-kernel of new graphs.
    """

    needs: ClassVar[tuple[str, ...]] = ("graph",)
    has_uncertainty: ClassVar[bool] = True

    def _fit(self, archs: list[Architecture], y: np.ndarray) -> None:
        self.target_mean_, self.target_scale_ = standardise(y)
        standardised = (y - self.target_mean_) / self.target_scale_
        groups = self._prepare(op_graphs(archs, self.space_))

        first, best = None, None
        for setting, kernel in self._candidate_kernels():
            gp = KernelGP.fit(kernel, standardised, groups)
            share = (
                negative_variance_share(kernel, gp.outputscale, gp.noise)
                if gp.indefinite
                else 0.0
            )
            logger.debug(
                "%s: %s → log marginal likelihood %.2f, smallest eigenvalue %.3g, "
                "negative held-out variances %.3f",
                self.name,
                setting,
                gp.log_marginal_likelihood,
                gp.smallest_eigenvalue,
                share,
            )
            first = first or (setting, gp)
            if share == 0.0 and (
                best is None
                or gp.log_marginal_likelihood > best[1].log_marginal_likelihood
            ):
                best = (setting, gp)
        best_setting, best_gp = best or first
        self.setting_, self.gp_ = best_setting, best_gp
        self._use_setting(best_setting)

    def _predict(self, archs: list[Architecture]) -> np.ndarray:
        mean, _ = self._posterior(archs, with_variance=False)
        return mean * self.target_scale_ + self.target_mean_

    def _predict_dist(self, archs: list[Architecture]):
        mean, variance = self._posterior(archs, with_variance=True)
        std = np.sqrt(variance + self.gp_.noise)
        return mean * self.target_scale_ + self.target_mean_, std * self.target_scale_

    def _posterior(
        self, archs: list[Architecture], with_variance: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Posterior of ``f`` in standardised units, each distinct graph once."""
        graphs = op_graphs(archs, self.space_)
        distinct = list(dict.fromkeys(graphs))
        position = {graph: i for i, graph in enumerate(distinct)}
        means = np.empty(len(distinct))
        variances = np.empty(len(distinct))
        for start in range(0, len(distinct), QUERY_BLOCK):
            block = distinct[start : start + QUERY_BLOCK]
            cross = self._cross_kernel(block)
            rows = slice(start, start + len(block))
            if with_variance:
                means[rows], variances[rows] = self.gp_.posterior(
                    cross, np.ones(len(block))
                )
            else:
                means[rows] = self.gp_.mean(cross)
        index = np.array([position[graph] for graph in graphs])
        return means[index], (variances[index] if with_variance else None)

    @abstractmethod
    def _prepare(self, graphs: list[OpGraph]) -> np.ndarray:
        """Keep the distinct train inputs; return each graph's among them (n,)."""

    @abstractmethod
    def _candidate_kernels(self) -> Iterator[tuple[object, np.ndarray]]:
        """Yield (setting, kernel of the distinct train inputs (m, m))."""

    @abstractmethod
    def _use_setting(self, setting: object) -> None:
        """Keep what :meth:`_cross_kernel` needs for the chosen setting."""

    @abstractmethod
    def _cross_kernel(self, graphs: Sequence[OpGraph]) -> np.ndarray:
        """``k(graphs, distinct train inputs)`` of the chosen setting; (q, m)."""


class WLGaussianProcess(GraphKernelGP):
    """GP over the Weisfeiler–Lehman subtree kernel (NAS-BOWL, Ru et al. 2021).

    ``k(G, G') = ⟨φ_h(G), φ_h(G')⟩ / (‖φ_h(G)‖ ‖φ_h(G')‖)`` with ``φ_h`` the
    counts of the labels of WL rounds ``0..h`` that follow *in*-edges
    (:class:`~surrobench.predictors.graph_kernels.WeisfeilerLehman`). The depth
    ``h`` is chosen from ``0..max_wl_iterations`` by marginal likelihood, as
    NAS-BOWL does; outputscale and noise likewise, for each ``h``.

    Args:
        max_wl_iterations: the deepest WL depth ``h`` considered.
        seed: stored for the protocol; the model draws nothing at random.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(50, seed=0)
        >>> model = WLGaussianProcess().fit(train, bench.query(train))
        >>> mean, std = model.predict_dist(bench.sample(3, seed=1))
        >>> mean.shape, bool((std > 0).all())
        ((3,), True)
    """

    name = "gpwl"
    param_distributions: ClassVar[dict] = {"max_wl_iterations": [1, 2, 3, 4, 5]}

    def __init__(self, seed: int = 0, max_wl_iterations: int = 4) -> None:
        super().__init__(seed=seed)
        self.max_wl_iterations = max_wl_iterations

    def _prepare(self, graphs):
        check_int("max_wl_iterations", self.max_wl_iterations, 0, 10)
        position: dict[OpGraph, int] = {}
        groups = np.array([position.setdefault(g, len(position)) for g in graphs])
        self.train_graphs_ = list(position)
        self.wl_ = WeisfeilerLehman(self.max_wl_iterations).fit(self.train_graphs_)
        return groups

    def _candidate_kernels(self):
        for depth in range(self.max_wl_iterations + 1):
            counts, norms = self.wl_.transform(self.train_graphs_, iterations=depth)
            yield depth, wl_kernel(counts, norms, counts, norms)

    def _use_setting(self, setting) -> None:
        self.wl_iterations_ = setting
        self.train_counts_, self.train_norms_ = self.wl_.transform(
            self.train_graphs_, iterations=setting
        )

    def _cross_kernel(self, graphs):
        counts, norms = self.wl_.transform(graphs, iterations=self.wl_iterations_)
        return wl_kernel(counts, norms, self.train_counts_, self.train_norms_)


# Bandwidths tried, in units of 1 / (median distance between train graphs):
# 8, 4√2, 4, 2√2, 2. On NB201 tuning splits, smoother ones (1 and below) make
# exp(−βd) clearly indefinite and rank held-out cells badly (τ 0.13–0.30
# against 0.65–0.80 at 100–400 train cells), and a sharper one (16) won the
# likelihood at 100 cells only to rank at 0.34–0.44. The most indefinite of
# these that stays usable moves up with the train size: 2 at 100–200 cells,
# 4 at 400, 4√2 at 1,000.
OTMANN_BANDWIDTHS = tuple(2.0 ** (half / 2) for half in (6, 5, 4, 3, 2))


class OtmannGaussianProcess(GraphKernelGP):
    """GP over the OTMANN distance (NASBOT, Kandasamy et al. 2018).

    ``k(G, G') = exp(−β · d(G, G'))`` with ``d`` the OTMANN distance of
    :class:`~surrobench.predictors.graph_kernels.OtmannDistance` (layer masses,
    costs and the dummy-node transport problem are stated there). ``β`` is
    chosen by marginal likelihood from ``{8, 4√2, 4, 2√2, 2} / median d``
    over train pairs, outputscale and noise for each ``β``.

    ``exp(−β d)`` need not be positive semi-definite: it tends to the identity
    for large ``β``, but on NB201 ``2 / median d`` is clearly indefinite from
    400 train cells on, and ``4 / median d`` from 1,000. :class:`KernelGP`
    clips negative eigenvalues to 0 and keeps a noise floor as jitter, and
    :class:`GraphKernelGP` drops a candidate that gives negative variances on
    held-out train graphs; smoother bandwidths, more indefinite still, are
    not tried (see :data:`OTMANN_BANDWIDTHS`).

    Distances are computed once per pair of distinct layer sets and cached for
    the process (see :data:`~surrobench.predictors.graph_kernels.MAX_CACHED_DISTANCES`).

    Args:
        non_assignment_penalty: ``ν``, cost per unit of layer mass left
            unmatched.
        structural_weight: ``ν_str``, weight of path-length differences.
        io_share: mass of the input (and of the output) per unit of the other
            layers' mass.
        seed: stored for the protocol; the model draws nothing at random.

    The defaults ``ν = 0.4``, ``ν_str = 0.03`` ranked best on NB201 tuning
    splits (τ 0.72 at 100 cells, 0.79 at 400; ``ν = 0.75`` or ``ν_str = 0.3``
    lose 0.05–0.5, mostly through a worse choice of ``β``). With ``ν = 0.4``
    an unrelated swap (cost 0.8 = 2ν) is as dear as leaving both layers
    unmatched.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(30, seed=0)
        >>> model = OtmannGaussianProcess().fit(train, bench.query(train))
        >>> model.predict(bench.sample(3, seed=1)).shape
        (3,)
    """

    name = "otmann_gp"
    param_distributions: ClassVar[dict] = {
        "non_assignment_penalty": loguniform(0.25, 1.0),
        "structural_weight": loguniform(0.005, 0.3),
        "io_share": [0.05, 0.1, 0.2],
    }

    def __init__(
        self,
        seed: int = 0,
        non_assignment_penalty: float = 0.4,
        structural_weight: float = 0.03,
        io_share: float = 0.1,
    ) -> None:
        super().__init__(seed=seed)
        self.non_assignment_penalty = non_assignment_penalty
        self.structural_weight = structural_weight
        self.io_share = io_share

    def _prepare(self, graphs):
        self.distance_ = OtmannDistance(
            graph_labels(self.space_),
            non_assignment_penalty=self.non_assignment_penalty,
            structural_weight=self.structural_weight,
            io_share=self.io_share,
        )
        layers = [self.distance_.layers(graph) for graph in graphs]
        self.train_layers_, groups = distinct_layers(layers)
        return groups

    def _candidate_kernels(self):
        distances = self.distance_.distinct_pairwise(self.train_layers_)
        off_diagonal = distances[np.triu_indices(len(distances), 1)]
        positive = off_diagonal[off_diagonal > 0]
        self.median_distance_ = float(np.median(positive)) if positive.size else 1.0
        for bandwidth in OTMANN_BANDWIDTHS:
            beta = bandwidth / self.median_distance_
            yield beta, np.exp(-beta * distances)

    def _use_setting(self, setting) -> None:
        self.beta_ = setting

    def _cross_kernel(self, graphs):
        layers, index = distinct_layers([self.distance_.layers(g) for g in graphs])
        distances = self.distance_.distinct_pairwise(layers, self.train_layers_)
        return np.exp(-self.beta_ * distances[index])


__all__ = [
    "GraphKernelGP",
    "KernelGP",
    "OtmannGaussianProcess",
    "WLGaussianProcess",
    "negative_variance_share",
    "standardise",
]
