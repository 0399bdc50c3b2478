"""Hyperparameter search inside a predictor's own training set.

Random search over the predictor's ``param_distributions`` (drawn by
scikit-learn's ``ParameterSampler``), each candidate scored by k-fold
cross-validated Kendall τ on the train set alone, until a time budget runs
out. The defaults are always the first candidate, so tuning never ends worse
than the defaults on the folds. The test architectures are never seen.

How many candidates fit in the budget depends on the machine: a tuned result
is reproducible on one machine, not across machines of different speed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import KFold, ParameterSampler

from surrobench.architecture import Architecture
from surrobench.errors import (
    SurrobenchError,
    check_int,
    check_seed,
    check_values,
    unknown_name,
)
from surrobench.eval.metrics import kendall_tau
from surrobench.predictors import PREDICTORS, make_predictor

logger = logging.getLogger(__name__)

MAX_CANDIDATES = 10_000
MAX_BUDGET = 7 * 24 * 3600


@dataclass(frozen=True)
class TuningResult:
    """The winning parameters and what the search cost.

    Attributes:
        params: the best candidate's tuned parameters ({} for the defaults).
        cv_kendall_tau: its mean cross-validated Kendall τ.
        candidates: how many candidates were scored.
        seconds: wall time of the search.
    """

    params: dict
    cv_kendall_tau: float
    candidates: int
    seconds: float


def check_budget(seconds: object) -> float:
    """A tuning budget in seconds, 0 to a week (0 turns tuning off)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise SurrobenchError(f"tuning budget must be seconds ≥ 0, got {seconds!r}")
    if not 0 <= seconds <= MAX_BUDGET:  # also refuses NaN
        raise SurrobenchError(
            f"tuning budget must be seconds in 0..{MAX_BUDGET}, got {seconds!r}"
        )
    return float(seconds)


def tune(
    predictor: str,
    archs: Sequence[Architecture],
    y: np.ndarray,
    seconds: float,
    encoding: str | None = None,
    seed: int = 0,
    folds: int = 3,
) -> TuningResult:
    """Random search with ``folds``-fold CV on ``(archs, y)`` for ``seconds``.

    Args:
        predictor: registry name.
        archs, y: the train set only; shape of ``y`` (n,).
        seconds: budget; a candidate is only started while time remains, so
            the search may overrun by one candidate's cost.
        encoding: passed to every candidate.
        seed: seeds the candidate draws, the folds and every candidate model.
        folds: cross-validation folds (fewer if the train set is tiny).

    Returns:
        The best candidate; its ``params`` go to
        :func:`~surrobench.predictors.make_predictor`.
    """
    seconds = check_budget(seconds)
    start = time.perf_counter()
    if predictor not in PREDICTORS:
        raise unknown_name("predictor", predictor, PREDICTORS)
    seed = check_seed(seed)
    folds = min(check_int("folds", folds, 2, 100), len(archs) // 2)
    y = check_values("targets", y)
    distributions = PREDICTORS[predictor].param_distributions
    if not distributions or folds < 2 or seconds == 0:
        return TuningResult({}, float("nan"), 0, 0.0)

    splits = list(
        KFold(folds, shuffle=True, random_state=seed).split(np.arange(len(y)))
    )
    sampler = ParameterSampler(distributions, MAX_CANDIDATES, random_state=seed)
    candidates = iter(sampler)
    best, best_score, tried = {}, -np.inf, 0
    params: dict = {}
    while True:
        score = _cross_validate(predictor, params, archs, y, splits, encoding, seed)
        tried += 1
        logger.debug("%s %s: cv kendall_tau=%.3f", predictor, params, score)
        if score > best_score:
            best, best_score = params, score
        if time.perf_counter() - start >= seconds:
            break
        params = next(candidates, None)
        if params is None:
            break
        params = {key: _plain(value) for key, value in params.items()}
    elapsed = time.perf_counter() - start
    logger.info(
        "tuned %s: %d candidates in %.1f s, cv kendall_tau=%.3f with %s",
        predictor,
        tried,
        elapsed,
        best_score,
        best or "the defaults",
    )
    return TuningResult(best, float(best_score), tried, elapsed)


def _cross_validate(predictor, params, archs, y, splits, encoding, seed) -> float:
    scores = []
    for train_rows, test_rows in splits:
        model = make_predictor(predictor, encoding=encoding, seed=seed, params=params)
        model.fit([archs[i] for i in train_rows], y[train_rows])
        predictions = model.predict([archs[i] for i in test_rows])
        if not np.isfinite(predictions).all():
            return -np.inf
        scores.append(kendall_tau(y[test_rows], predictions))
    return float(np.mean(scores))


def _plain(value):
    """numpy scalars as Python numbers, so that parameters serialise as JSON."""
    return value.item() if isinstance(value, np.generic) else value
