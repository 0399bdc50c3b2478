"""How well predictions rank and fit the true values of held-out architectures.

Every function takes ``y_true`` and ``y_pred`` of shape (n,). Rank correlations
are symmetric under flipping both signs, so they need no direction; the top-k
and error scores that do take ``higher_is_better``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from surrobench.errors import SurrobenchError, check_int, check_values


def _check(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = check_values("y_true", y_true)
    y_pred = check_values("y_pred", y_pred)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape:
        raise SurrobenchError(
            f"y_true and y_pred must be 1-D of one length, got shapes "
            f"{y_true.shape} and {y_pred.shape}"
        )
    if y_true.size < 2:
        raise SurrobenchError(
            f"scoring needs at least 2 architectures, got {y_true.size}"
        )
    if not (np.isfinite(y_true).all() and np.isfinite(y_pred).all()):
        raise SurrobenchError("y_true and y_pred must be finite")
    return y_true, y_pred


def _check_direction(higher_is_better: object) -> None:
    if not isinstance(higher_is_better, bool | np.bool_):
        raise SurrobenchError(
            f"higher_is_better must be True or False, got {higher_is_better!r}"
        )


def _constant(values: np.ndarray) -> bool:
    return bool(np.all(values == values[0]))


def kendall_tau(y_true, y_pred) -> float:
    """Kendall τ-b = (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)).

    A constant prediction ranks nothing: it scores 0 rather than NaN.
    """
    y_true, y_pred = _check(y_true, y_pred)
    if _constant(y_true) or _constant(y_pred):
        return 0.0
    return float(stats.kendalltau(y_true, y_pred).statistic)


def spearman(y_true, y_pred) -> float:
    """Spearman ρ: the Pearson correlation of the ranks (0 for a constant)."""
    y_true, y_pred = _check(y_true, y_pred)
    if _constant(y_true) or _constant(y_pred):
        return 0.0
    return float(stats.spearmanr(y_true, y_pred).statistic)


def pearson(y_true, y_pred) -> float:
    """Pearson r = cov(y, ŷ) / (σ_y σ_ŷ) (0 for a constant)."""
    y_true, y_pred = _check(y_true, y_pred)
    if _constant(y_true) or _constant(y_pred):
        return 0.0
    return float(stats.pearsonr(y_true, y_pred).statistic)


def sparse_kendall_tau(y_true, y_pred, resolution: float = 0.001) -> float:
    """Kendall τ after rounding ``y_pred`` to ``resolution`` × the range of ``y_true``.

    As in NAS-Bench-301: differences smaller than 0.1 % of the target range are
    ties, so that a predictor is not rewarded for ranking noise.
    """
    y_true, y_pred = _check(y_true, y_pred)
    if not isinstance(resolution, int | float) or not 0 <= resolution < 1:
        raise SurrobenchError(f"resolution must be in [0, 1), got {resolution!r}")
    step = resolution * (y_true.max() - y_true.min())
    if step > 0:
        y_pred = np.round(y_pred / step) * step
    return kendall_tau(y_true, y_pred)


def precision_at_k(y_true, y_pred, k: int, higher_is_better: bool = True) -> float:
    """|top_k(y) ∩ top_k(ŷ)| / k: the share of the true best k that are predicted best.

    Ties are broken by position, the same way for both orders. With ``k ≥ n``
    every architecture is in both top sets, and with a constant ``y_true``
    there is no best: the score says nothing, and is NaN.
    """
    y_true, y_pred = _check(y_true, y_pred)
    k = check_int("k", k, 1)
    _check_direction(higher_is_better)
    if k >= y_true.size or _constant(y_true):
        return float("nan")
    sign = -1.0 if higher_is_better else 1.0
    true_top = np.argsort(sign * y_true, kind="stable")[:k]
    predicted_top = np.argsort(sign * y_pred, kind="stable")[:k]
    return len(np.intersect1d(true_top, predicted_top)) / k


def mae(y_true, y_pred) -> float:
    """Mean absolute error ``mean |y − ŷ|``."""
    y_true, y_pred = _check(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error ``√mean (y − ŷ)²``."""
    y_true, y_pred = _check(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def _check_std(y_true: np.ndarray, std) -> np.ndarray:
    std = check_values("std", std)
    if std.shape != y_true.shape:
        raise SurrobenchError(
            f"std must have the shape of y_true {y_true.shape}, got {std.shape}"
        )
    if not np.isfinite(std).all() or (std < 0).any():
        raise SurrobenchError("std must be finite and non-negative")
    return std


def _floor(std: np.ndarray, y_true: np.ndarray) -> np.ndarray:
    # A zero std would make the likelihood of any miss infinite; a floor far
    # below any real spread keeps the score finite (and very bad) instead.
    tiny = 1e-12 * max(float(np.abs(y_true).max()), 1e-300)
    return np.maximum(std, tiny)


def gaussian_nll(y_true, mean, std) -> float:
    """Mean Gaussian negative log-likelihood ``½ log(2πσ²) + (y − μ)² / (2σ²)``.

    In the target's units (a shift of the target changes nothing, a scale by
    ``c`` adds ``log c``); lower is better.

    Example:
        >>> round(gaussian_nll([0.0, 0.0], [0.0, 0.0], [1.0, 1.0]), 4)
        0.9189
    """
    y_true, mean = _check(y_true, mean)
    std = _floor(_check_std(y_true, std), y_true)
    z = (y_true - mean) / std
    return float(np.mean(0.5 * np.log(2 * np.pi) + np.log(std) + 0.5 * z**2))


def coverage(y_true, mean, std, level: float) -> float:
    """Share of ``y`` inside the central ``level`` interval ``μ ± z·σ`` of N(μ, σ²).

    ``z = Φ⁻¹((1 + level) / 2)``: 0.994 for 68 %, 1.960 for 95 %. A calibrated
    predictor covers about ``level``; less is overconfident, more underconfident.

    Example:
        >>> coverage([0.0, 1.0, 3.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], 0.95)
        0.6666666666666666
    """
    y_true, mean = _check(y_true, mean)
    std = _check_std(y_true, std)
    if not isinstance(level, int | float) or not 0 < level < 1:
        raise SurrobenchError(f"coverage level must be in (0, 1), got {level!r}")
    z = stats.norm.ppf((1 + level) / 2)
    return float(np.mean(np.abs(y_true - mean) <= z * std))


def uncertainty_scores(y_true, mean, std) -> dict[str, float]:
    """The harness's scores of a predictive distribution, by result-column name."""
    return {
        "nll": gaussian_nll(y_true, mean, std),
        "coverage_68": coverage(y_true, mean, std, 0.68),
        "coverage_95": coverage(y_true, mean, std, 0.95),
    }


def score(y_true, y_pred, higher_is_better: bool = True) -> dict[str, float]:
    """Every score the harness reports, by its result-column name."""
    _check_direction(higher_is_better)
    return {
        "kendall_tau": kendall_tau(y_true, y_pred),
        "spearman": spearman(y_true, y_pred),
        "pearson": pearson(y_true, y_pred),
        "sparse_kendall_tau": sparse_kendall_tau(y_true, y_pred),
        "precision_at_10": precision_at_k(y_true, y_pred, 10, higher_is_better),
        "precision_at_50": precision_at_k(y_true, y_pred, 50, higher_is_better),
        "mae": mae(y_true, y_pred),
        "rmse": rmse(y_true, y_pred),
    }
