"""Gaussian-process predictors in gpytorch: an exact GP and a sparse variational GP.

Both place a GP prior ``f ~ GP(c, s²·k_ARD(x, x'))`` on standardised targets,
observed as ``y = f(x) + ε, ε ~ N(0, σ²)``, and report the predictive
distribution of a *new observation* (the noise included), so that their
intervals can be checked against held-out values.

NOTE: the Gaussian likelihood weighs every squared residual alike, so the few
diverged architectures of a benchmark (10 % accuracy on NAS-Bench-201) pull the
fit towards themselves; ε-insensitive models (``nusvr``) rank the rest better.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from typing import ClassVar

import gpytorch
import numpy as np
import torch
from gpytorch.utils.warnings import NumericalWarning
from linear_operator.utils.cholesky import psd_safe_cholesky
from scipy import stats
from scipy.spatial.distance import pdist

from surrobench.errors import SurrobenchError, check_int, unknown_name
from surrobench.predictors.base import VectorPredictor
from surrobench.predictors.torch_utils import DTYPE, as_tensor, seeded

logger = logging.getLogger(__name__)

KERNELS = ("matern", "rbf")
# Noise variance bounds in standardised target units. The floor keeps K + σ²I
# well conditioned in float64 when architectures repeat or the target is
# constant; the ceiling is the target's whole variance, ten times over.
NOISE_RANGE = (1e-5, 10.0)
OUTPUTSCALE_RANGE = (1e-4, 100.0)
# Lengthscales may move this factor either way from the typical distance.
LENGTHSCALE_FREEDOM = 100.0
# Up to this many points gpytorch factorises by Cholesky rather than by
# conjugate gradients, so that fits are exact and bit-reproducible.
CHOLESKY_UP_TO = 100_000
PREDICT_CHUNK = 4096  # queries per batch: bounds the K(x*, X) block in memory
DISTANCE_SAMPLE = 1000  # distinct rows behind the typical distance
EXACT_START_ITERATIONS = 25  # L-BFGS iterations of the sparse GP's exact start


def typical_distance(features: np.ndarray) -> float:
    """Median distance ``median_{i<j} ‖x_i − x_j‖`` between distinct rows.

    Taken over at most 1,000 distinct rows (a fixed subset), so that it stays
    cheap; 1.0 where there are fewer than two distinct rows.

    Args:
        features: encoded architectures; shape (n, d).

    Example:
        >>> typical_distance(np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 4.0]]))
        5.0
    """
    rows = np.unique(features, axis=0)
    if len(rows) < 2:
        return 1.0
    order = np.random.default_rng(0).permutation(len(rows))[:DISTANCE_SAMPLE]
    return float(np.median(pdist(rows[order])))


def _check_positive(what: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.integer | np.floating)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise SurrobenchError(f"{what} must be a positive number, got {value!r}")
    return float(value)


def _check_params(kernel, prior_width, **counts) -> str:
    if kernel not in KERNELS:
        raise unknown_name("kernel", kernel, KERNELS)
    _check_positive("lengthscale_prior_width", prior_width)
    for what, value in counts.items():
        check_int(what, value, 1)
    return kernel


def _covariance(kernel: str, features: torch.Tensor, prior_width: float):
    """``s² · k_ARD``: Matérn-5/2 or RBF with one lengthscale per feature.

    Each lengthscale ``ℓ_i ~ LogNormal(log D, prior_width²)`` about the typical
    distance ``D`` between encoded architectures: with dozens of lengthscales
    and a few hundred points, the likelihood alone overfits them and the
    predictive intervals come out too narrow.
    """
    distance = typical_distance(features.numpy())
    # Bounded, so that a line search cannot wander to lengthscales or a scale
    # at which K + σ²I loses positive definiteness in float64.
    options = {
        "ard_num_dims": features.shape[-1],
        "lengthscale_prior": gpytorch.priors.LogNormalPrior(
            math.log(distance), prior_width
        ),
        "lengthscale_constraint": gpytorch.constraints.Interval(
            distance / LENGTHSCALE_FREEDOM, distance * LENGTHSCALE_FREEDOM
        ),
    }
    if kernel == "matern":
        base = gpytorch.kernels.MaternKernel(nu=2.5, **options)
    else:
        base = gpytorch.kernels.RBFKernel(**options)
    covariance = gpytorch.kernels.ScaleKernel(
        base, outputscale_constraint=gpytorch.constraints.Interval(*OUTPUTSCALE_RANGE)
    ).to(DTYPE)
    base.lengthscale = distance
    covariance.outputscale = 1.0
    return covariance


def _likelihood() -> gpytorch.likelihoods.GaussianLikelihood:
    likelihood = gpytorch.likelihoods.GaussianLikelihood(
        noise_constraint=gpytorch.constraints.Interval(*NOISE_RANGE)
    ).to(DTYPE)
    likelihood.noise = 0.1
    return likelihood


class _ExactModel(gpytorch.models.ExactGP):
    def __init__(self, x, y, likelihood, kernel: str, prior_width: float) -> None:
        super().__init__(x, y, likelihood)
        self.mean_module = gpytorch.means.ConstantMean().to(DTYPE)
        self.covar_module = _covariance(kernel, x, prior_width)

    def forward(self, x):
        return gpytorch.distributions.MultivariateNormal(
            self.mean_module(x), self.covar_module(x)
        )


class _SparseModel(gpytorch.models.ApproximateGP):
    def __init__(self, inducing_points, mean_module, covar_module) -> None:
        variational = gpytorch.variational.CholeskyVariationalDistribution(
            len(inducing_points)
        ).to(DTYPE)
        strategy = gpytorch.variational.VariationalStrategy(
            self, inducing_points, variational, learn_inducing_locations=True
        )
        super().__init__(strategy)
        self.mean_module = mean_module
        self.covar_module = covar_module

    def forward(self, x):
        return gpytorch.distributions.MultivariateNormal(
            self.mean_module(x), self.covar_module(x)
        )


def _fit_exact(x, targets, kernel: str, prior_width: float, iterations: int):
    """An exact GP on ``x`` (n, d) and ``targets`` (n,), fit by L-BFGS."""
    likelihood = _likelihood()
    model = _ExactModel(x, targets, likelihood, kernel, prior_width)
    model.train()
    likelihood.train()
    mll = gpytorch.mlls.ExactMarginalLogLikelihood(likelihood, model)
    # L-BFGS with a line search reaches the optimum in a few dozen evaluations,
    # where Adam needs hundreds.
    optimizer = torch.optim.LBFGS(
        model.parameters(), lr=1.0, max_iter=iterations, line_search_fn="strong_wolfe"
    )

    def negative_log_likelihood():
        optimizer.zero_grad()
        # Exact GP: each evaluation is a Cholesky of the n×n K + σ²I, O(n³) time
        # and O(n²) memory; use sparse_gp past a few thousand points.
        loss = -mll(model(x), targets)
        loss.backward()
        return loss

    with (
        gpytorch.settings.max_cholesky_size(CHOLESKY_UP_TO),
        warnings.catch_warnings(),
    ):
        # Jitter added to a near-singular K is expected, not news.
        warnings.simplefilter("ignore", NumericalWarning)
        optimizer.step(negative_log_likelihood)
    model.eval()
    likelihood.eval()
    return model, likelihood


@torch.no_grad()
def _optimal_variational(model, likelihood, x, targets) -> None:
    """Set ``q(v) = N(μ, S)`` to its optimum for the current hyperparameters.

    Whitened (``u = L v``, ``K_ZZ = L Lᵀ``), with ``A = L⁻¹ K_ZX``:
    ``S = (I + A Aᵀ/σ²)⁻¹`` and ``μ = S A (y − c)/σ²``. Accumulated over
    column chunks of ``A``, so memory stays O(m² + m·chunk).
    """
    strategy = model.variational_strategy
    inducing = strategy.inducing_points
    covar = model.covar_module
    jitter = strategy.jitter_val * torch.eye(len(inducing), dtype=DTYPE)
    chol = torch.linalg.cholesky(covar(inducing).to_dense() + jitter)
    noise = likelihood.noise.squeeze()
    precision = torch.eye(len(inducing), dtype=DTYPE)
    projected = torch.zeros(len(inducing), dtype=DTYPE)
    for start in range(0, len(x), PREDICT_CHUNK):
        chunk = x[start : start + PREDICT_CHUNK]
        cross = covar(inducing, chunk).to_dense()
        whitened = torch.linalg.solve_triangular(chol, cross, upper=False)
        residual = targets[start : start + PREDICT_CHUNK] - model.mean_module(chunk)
        precision += whitened @ whitened.T / noise
        projected += whitened @ residual / noise
    precision_chol = torch.linalg.cholesky(precision)
    covariance = torch.cholesky_inverse(precision_chol)
    distribution = strategy._variational_distribution
    distribution.variational_mean.copy_(covariance @ projected)
    distribution.chol_variational_covar.copy_(torch.linalg.cholesky(covariance))
    # Otherwise gpytorch overwrites q(v) with the prior on the first call.
    strategy.variational_params_initialized.fill_(1)


@dataclass(frozen=True)
class _Posterior:
    """What prediction needs from either GP, in one form.

    With support points ``P`` (the training rows, or the inducing points),
    ``L`` the Cholesky factor of ``K_PP`` (plus ``σ²I`` for the exact GP) and
    ``a = L⁻¹ k(P, x*)``: ``mean = c + aᵀw`` and
    ``var f(x*) = k(x*, x*) − ‖a‖² + ‖Rᵀa‖²``, where the exact GP has
    ``w = L⁻¹(y − c)`` and ``R = 0``, and the whitened sparse GP has ``w = μ``
    and ``R Rᵀ = S`` from ``q(v) = N(μ, S)``.
    """

    covariance: gpytorch.kernels.Kernel
    constant: float
    points: torch.Tensor  # (p, d)
    chol: torch.Tensor  # (p, p), lower triangular
    weights: torch.Tensor  # (p,)
    root: torch.Tensor | None  # (p, p), lower triangular; None for the exact GP
    noise: float  # σ², standardised units

    @torch.no_grad()
    def predict(self, features: np.ndarray, with_std: bool):
        """Mean, and std of a new observation; each of shape (n,)."""
        means, stds = [], []
        for start in range(0, len(features), PREDICT_CHUNK):
            x = as_tensor(features[start : start + PREDICT_CHUNK])
            cross = self.covariance(self.points, x).to_dense()
            projected = torch.linalg.solve_triangular(self.chol, cross, upper=False)
            means.append((self.constant + projected.T @ self.weights).numpy())
            if with_std:
                variance = self.covariance(x, diag=True) - projected.square().sum(0)
                if self.root is not None:
                    variance += (self.root.T @ projected).square().sum(0)
                stds.append((variance.clamp_min(0) + self.noise).sqrt().numpy())
        mean = np.concatenate(means)
        return (mean, np.concatenate(stds)) if with_std else mean


@torch.no_grad()
def _exact_posterior(model, likelihood) -> _Posterior:
    x, targets = model.train_inputs[0], model.train_targets
    noise = float(likelihood.noise)
    covariance = model.covar_module(x).to_dense()
    chol = psd_safe_cholesky(covariance + noise * torch.eye(len(x), dtype=DTYPE))
    constant = float(model.mean_module.constant)
    weights = torch.linalg.solve_triangular(
        chol, (targets - constant).unsqueeze(-1), upper=False
    ).squeeze(-1)
    return _Posterior(model.covar_module, constant, x, chol, weights, None, noise)


@torch.no_grad()
def _sparse_posterior(model, likelihood) -> _Posterior:
    strategy = model.variational_strategy
    inducing = strategy.inducing_points.detach().clone()
    covariance = model.covar_module(inducing).to_dense()
    jitter = strategy.jitter_val * torch.eye(len(inducing), dtype=DTYPE)
    distribution = strategy._variational_distribution
    return _Posterior(
        model.covar_module,
        float(model.mean_module.constant),
        inducing,
        psd_safe_cholesky(covariance + jitter),
        distribution.variational_mean.detach().clone(),
        distribution.chol_variational_covar.detach().tril().clone(),
        float(likelihood.noise),
    )


class _GaussianProcess(VectorPredictor):
    """What both GPs share: the learned lengthscales and prediction."""

    has_uncertainty = True

    @property
    def lengthscales_(self) -> np.ndarray:
        """Learned ARD lengthscales, one per feature; shape (d,)."""
        lengthscale = self.model_.covar_module.base_kernel.lengthscale
        return lengthscale.detach().numpy().reshape(-1)

    @property
    def noise_(self) -> float:
        """Learned noise variance σ², in standardised target units."""
        return float(self.likelihood_.noise.detach())

    def _predict_features(self, features) -> np.ndarray:
        return self.posterior_.predict(features, with_std=False)

    def _predict_dist_features(self, features):
        return self.posterior_.predict(features, with_std=True)


class ExactGPPredictor(_GaussianProcess):
    """Exact GP regression, hyperparameters by maximising the marginal likelihood.

    ``log p(y) = −½ yᵀ(K + σ²I)⁻¹y − ½ log|K + σ²I| − (n/2) log 2π`` with
    ``K = s²·k_ARD(X, X)``, plus the log-normal lengthscale prior, maximised
    by L-BFGS. ``k`` is Matérn-5/2 (``kernel="matern"``) or RBF (``"rbf"``).
    The predictive std is that of a new observation, ``sqrt(var f(x*) + σ²)``.
    Each likelihood evaluation costs O(n³) time and O(n²) memory: about 6 s
    for a fit at 1,000 points; use ``sparse_gp`` past a few thousand.

    Args:
        encoding: vector encoding (default ``onehot``).
        seed: seeds torch for the fit.
        kernel: ``"matern"`` or ``"rbf"``.
        iterations: L-BFGS iterations (about one likelihood evaluation each).
        lengthscale_prior_width: σ of the log-normal lengthscale prior; smaller
            ties the lengthscales closer to the typical distance.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(50, seed=0)
        >>> model = ExactGPPredictor(seed=0).fit(train, bench.query(train))
        >>> mean, std = model.predict_dist(bench.sample(3, seed=1))
        >>> mean.shape, std.shape, bool((std > 0).all())
        ((3,), (3,), True)
    """

    name = "gp"
    param_distributions: ClassVar[dict] = {
        "kernel": list(KERNELS),
        "iterations": [10, 25, 50, 100],
        "lengthscale_prior_width": stats.loguniform(0.1, 1.0),
    }

    def __init__(
        self,
        encoding: str | None = None,
        seed: int = 0,
        kernel: str = "matern",
        iterations: int = 25,
        lengthscale_prior_width: float = 0.25,
    ) -> None:
        super().__init__(encoding=encoding, seed=seed)
        self.kernel = kernel
        self.iterations = iterations
        self.lengthscale_prior_width = lengthscale_prior_width

    def _fit_features(self, features, y) -> None:
        kernel = _check_params(
            self.kernel, self.lengthscale_prior_width, iterations=self.iterations
        )
        with seeded(self.seed):
            model, likelihood = _fit_exact(
                as_tensor(features),
                as_tensor(y),
                kernel,
                self.lengthscale_prior_width,
                self.iterations,
            )
        self.model_, self.likelihood_ = model, likelihood
        self.posterior_ = _exact_posterior(model, likelihood)
        logger.debug(
            "gp on %d points: noise %.3g, outputscale %.3g",
            len(y),
            self.noise_,
            float(model.covar_module.outputscale.detach()),
        )


class SparseGPPredictor(_GaussianProcess):
    """Sparse variational GP (SVGP) on ``m`` learned inducing points.

    Maximises the minibatch evidence lower bound
    ``ELBO = Σ_i E_q(f_i)[log N(y_i | f_i, σ²)] − KL(q(u) ‖ p(u))`` over
    the variational ``q(u)`` at inducing inputs ``Z``, ``Z`` itself and the
    kernel hyperparameters, by Adam on minibatches of ``b``: a step costs
    ``O(b·m² + m³)`` whatever the train size ``n``.

    The start is cheap and good: ``Z`` is a seeded subset of the distinct
    training rows, the hyperparameters are those of an exact GP fit on that
    subset alone (``O(m³)``), and ``q(u)`` is the optimum for them in closed
    form. Where every distinct row is an inducing point this start is the
    exact GP posterior, which the ELBO cannot beat, and no steps follow.

    Args:
        encoding: vector encoding (default ``onehot``).
        seed: seeds the inducing subset, the minibatches and torch.
        kernel: ``"matern"`` or ``"rbf"``.
        num_inducing: inducing points ``m``, capped at the distinct train rows.
        iterations: minibatch Adam steps after the start.
        batch_size: minibatch size ``b``, capped at ``n``.
        learning_rate: Adam step size.
        lengthscale_prior_width: σ of the log-normal lengthscale prior.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(50, seed=0)
        >>> model = SparseGPPredictor(seed=0).fit(train, bench.query(train))
        >>> mean, std = model.predict_dist(bench.sample(3, seed=1))
        >>> mean.shape, std.shape, bool((std > 0).all())
        ((3,), (3,), True)
    """

    name = "sparse_gp"
    param_distributions: ClassVar[dict] = {
        "kernel": list(KERNELS),
        "num_inducing": [64, 128, 256, 512],
        "iterations": [50, 100, 200, 400],
        "batch_size": [128, 256, 512],
        "learning_rate": stats.loguniform(0.001, 0.05),
        "lengthscale_prior_width": stats.loguniform(0.1, 1.0),
    }

    def __init__(
        self,
        encoding: str | None = None,
        seed: int = 0,
        kernel: str = "matern",
        num_inducing: int = 256,
        iterations: int = 100,
        batch_size: int = 256,
        learning_rate: float = 0.005,
        lengthscale_prior_width: float = 0.25,
    ) -> None:
        super().__init__(encoding=encoding, seed=seed)
        self.kernel = kernel
        self.num_inducing = num_inducing
        self.iterations = iterations
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.lengthscale_prior_width = lengthscale_prior_width

    def _fit_features(self, features, y) -> None:
        kernel = _check_params(
            self.kernel,
            self.lengthscale_prior_width,
            num_inducing=self.num_inducing,
            batch_size=self.batch_size,
        )
        check_int("iterations", self.iterations, 0)
        learning_rate = _check_positive("learning_rate", self.learning_rate)

        # Distinct rows only: a repeated inducing input makes K_ZZ singular.
        _, first = np.unique(features, axis=0, return_index=True)
        rng = np.random.default_rng(self.seed)
        chosen = np.sort(first[rng.permutation(len(first))[: self.num_inducing]])
        x, targets = as_tensor(features), as_tensor(y)
        batch_size = min(self.batch_size, len(y))
        # With Z = X the start is already the ELBO's optimum.
        steps = self.iterations if len(chosen) < len(first) else 0

        with (
            seeded(self.seed) as generator,
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore", NumericalWarning)
            start, likelihood = _fit_exact(
                x[chosen],
                targets[chosen],
                kernel,
                self.lengthscale_prior_width,
                EXACT_START_ITERATIONS,
            )
            model = _SparseModel(
                x[chosen].clone(), start.mean_module, start.covar_module
            )
            _optimal_variational(model, likelihood, x, targets)

            model.train()
            likelihood.train()
            elbo = gpytorch.mlls.VariationalELBO(likelihood, model, num_data=len(y))
            optimizer = torch.optim.Adam(
                [*model.parameters(), *likelihood.parameters()], lr=learning_rate
            )
            order = torch.randperm(len(y), generator=generator)
            cursor = 0
            for _ in range(steps):
                if cursor + batch_size > len(y):
                    order = torch.randperm(len(y), generator=generator)
                    cursor = 0
                batch = order[cursor : cursor + batch_size]
                cursor += batch_size
                optimizer.zero_grad()
                loss = -elbo(model(x[batch]), targets[batch])
                loss.backward()
                optimizer.step()
        model.eval()
        likelihood.eval()
        self.model_, self.likelihood_ = model, likelihood
        self.posterior_ = _sparse_posterior(model, likelihood)
        logger.debug(
            "sparse_gp on %d points, %d inducing, %d steps: noise %.3g",
            len(y),
            len(chosen),
            steps,
            self.noise_,
        )
