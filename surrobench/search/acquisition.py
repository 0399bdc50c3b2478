"""Acquisition functions: how much a candidate is worth querying next.

Each takes the surrogate's predictive mean ``μ`` and standard deviation ``σ``
of the candidates (shape (n,) each) and returns a score of shape (n,); the
search queries the candidate with the largest score (maximisation: the
rewards are oriented so that larger is better). ``f*`` is the best reward
observed so far.

With ``σ = 0`` a candidate's ``ei`` is ``max(μ − f* − ξ, 0)`` and its ``pi``
is 1 if ``μ > f* + ξ`` else 0, the limits of the formulas as ``σ → 0``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.stats import norm

from surrobench.errors import SurrobenchError, unknown_name

UCB_KAPPA = 2.0


def _z_score(mean, std, best, xi):
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    if mean.shape != std.shape:
        raise SurrobenchError(
            f"mean of shape {mean.shape} and std of shape {std.shape} differ"
        )
    improvement = mean - best - xi
    positive = std > 0
    z = np.where(positive, improvement / np.where(positive, std, 1.0), 0.0)
    return improvement, std, positive, z


def ei(mean, std, best: float, xi: float = 0.0) -> np.ndarray:
    """Expected improvement over ``f*``:

        ``EI = (μ − f* − ξ) Φ(z) + σ φ(z)``,  ``z = (μ − f* − ξ) / σ``.

    Example:
        >>> ei(np.array([1.0, 0.0]), np.array([1.0, 0.0]), best=1.0).round(4)
        array([0.3989, 0.    ])
    """
    improvement, std, positive, z = _z_score(mean, std, best, xi)
    expected = improvement * norm.cdf(z) + std * norm.pdf(z)
    return np.where(positive, expected, np.maximum(improvement, 0.0))


def pi(mean, std, best: float, xi: float = 0.0) -> np.ndarray:
    """Probability of improvement: ``PI = Φ((μ − f* − ξ) / σ)``.

    Example:
        >>> pi(np.array([1.0, 2.0]), np.array([1.0, 0.0]), best=1.0).tolist()
        [0.5, 1.0]
    """
    improvement, _, positive, z = _z_score(mean, std, best, xi)
    return np.where(positive, norm.cdf(z), (improvement > 0).astype(float))


def ucb(mean, std, kappa: float = UCB_KAPPA) -> np.ndarray:
    """Upper confidence bound: ``UCB = μ + κσ``.

    Example:
        >>> ucb(np.array([1.0]), np.array([0.5])).tolist()
        [2.0]
    """
    return np.asarray(mean, dtype=float) + kappa * np.asarray(std, dtype=float)


def ts(mean, std, draw: float) -> np.ndarray:
    """Thompson sampling: one sample ``μ + σ·ε`` of every candidate at once,
    with one shared ``ε ~ N(0, 1)`` per step.

    The surrogates give each candidate's marginal ``N(μ, σ²)``, not their
    joint distribution; sharing ``ε`` draws from the fully correlated joint
    with those marginals, so the sample keeps each candidate's distribution
    and the candidates' relative order under a common draw. (It equals UCB
    with a random ``κ = ε``.)

    Example:
        >>> ts(np.array([1.0, 0.0]), np.array([0.0, 2.0]), draw=1.0).tolist()
        [1.0, 2.0]
    """
    return np.asarray(mean, dtype=float) + draw * np.asarray(std, dtype=float)


def its(mean, std, rng: np.random.Generator) -> np.ndarray:
    """Independent Thompson sampling (BANANAS): one independent draw
    ``μᵢ + σᵢ·εᵢ``, ``εᵢ ~ N(0, 1)``, per candidate.

    Example:
        >>> its(np.array([1.0, 2.0]), np.zeros(2), np.random.default_rng(0)).tolist()
        [1.0, 2.0]
    """
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    return mean + std * rng.standard_normal(mean.shape)


ACQUISITIONS = ("ei", "ucb", "pi", "ts", "its")


def check_acquisition(name: object) -> str:
    if not isinstance(name, str) or name not in ACQUISITIONS:
        raise unknown_name("acquisition", name, ACQUISITIONS)
    return name


def acquisition_for_step(
    name: str, best: float, rng: np.random.Generator
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The acquisition ``(μ, σ) → score`` for one step of a search.

    ``ts`` draws its shared ``ε`` here, once, so that every candidate scored
    during the step (in one call or several) sees the same sample; ``its``
    draws anew for each candidate it scores.

    Example:
        >>> score = acquisition_for_step("ei", 0.0, np.random.default_rng(0))
        >>> score(np.array([0.0]), np.array([1.0])).round(4).tolist()
        [0.3989]
    """
    name = check_acquisition(name)
    if name == "ts":
        draw = float(rng.standard_normal())
        return lambda mean, std: ts(mean, std, draw)
    if name == "its":
        return lambda mean, std: its(mean, std, rng)
    if name == "ucb":
        return ucb
    function = ei if name == "ei" else pi
    return lambda mean, std: function(mean, std, best)
