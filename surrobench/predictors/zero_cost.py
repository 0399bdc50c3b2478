"""Each zero-cost proxy as a predictor that needs no training.

The ranking is the proxy's own:
``prediction = ȳ + s_y · clip((d · t(score) − m) / s, −6, 6)``, where t is the
score, or its :func:`~surrobench.encodings.zc.log_scale` for proxies that
span orders of magnitude (knee: the train set's median |score|); m and s are
the median and interquartile range / 1.349 of ``d · t`` over the train set;
ȳ and s_y the targets' mean and std; and ``d = +1`` where the proxy's
direction agrees with the target's (a larger score predicts a better network
and the target is better when higher, or both the opposite), else −1. The
train set only puts predictions in the target's units; it never changes their
order, except that the clip ties the far tail of networks that ignore their
input (floored scores), which would otherwise be predicted far outside the
target's range.

Scores come from :func:`surrobench.zerocost.values.default_values` unless a
source is passed; the harness tells each predictor which way its target is
better (``higher_is_better``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from surrobench.encodings.zc import CLIP, log_scale, typical_magnitude
from surrobench.errors import SurrobenchError
from surrobench.predictors.base import Predictor
from surrobench.zerocost import PROXY_NAMES


class ZeroCostPredictor(Predictor):
    """A proxy's score, oriented and put in the target's units (see module).

    Args:
        seed: kept for the protocol; nothing here is random.
        higher_is_better: whether the target is better when higher.
        values: where scores come from (the default source when None).

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> from surrobench.zerocost.values import ComputedValues
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train, test = bench.sample(10, seed=0), bench.sample(3, seed=1)
        >>> model = PREDICTORS_BY_PROXY["params"](values=ComputedValues(["params"]))
        >>> model.fit(train, bench.query(train)).predict(test).shape
        (3,)
    """

    proxy: ClassVar[str]
    needs: ClassVar[tuple[str, ...]] = ("zero_cost", "target_direction")

    def __init__(self, seed: int = 0, higher_is_better: bool = True, values=None):
        super().__init__(seed=seed)
        self.higher_is_better = higher_is_better
        self.values = values

    def get_params(self) -> dict:
        params = super().get_params()
        # A job's identity: where the scores come from, not the object itself.
        params["values"] = None if self.values is None else self.values.identity
        return params

    def _fit(self, archs, y) -> None:
        from surrobench.zerocost.proxies import PROXIES

        if not isinstance(self.higher_is_better, bool | np.bool_):
            raise SurrobenchError(
                f"higher_is_better must be True or False, got {self.higher_is_better!r}"
            )
        self.knee_ = 1.0
        if PROXIES[self.proxy].log_scale:
            raw = self._source().column(archs, self.proxy)
            self.knee_ = float(typical_magnitude(raw[:, None])[0])
        scores = self._oriented_scores(archs)
        # Median and interquartile range: a network that ignores its input has
        # a floored score far from the rest and must not set the scale.
        self.score_centre_ = float(np.median(scores))
        low, high = np.percentile(scores, [25, 75])
        spread = (high - low) / 1.349 if high > low else float(scores.std())
        self.score_scale_ = spread if spread > 0 else 1.0

        self.target_mean_ = float(y.mean())
        centred = y - self.target_mean_
        peak = float(np.abs(centred).max())
        # std via the peak: squaring tiny targets (1e-300) would underflow to 0.
        self.target_scale_ = peak * float((centred / peak).std()) if peak > 0 else 0.0

    def _predict(self, archs) -> np.ndarray:
        standardised = (self._oriented_scores(archs) - self.score_centre_) / (
            self.score_scale_
        )
        clipped = np.clip(standardised, -CLIP, CLIP)
        return self.target_mean_ + self.target_scale_ * clipped

    def _source(self):
        from surrobench.zerocost.values import default_values

        return self.values if self.values is not None else default_values()

    def _oriented_scores(self, archs) -> np.ndarray:
        """``d · t(score)`` of each architecture; shape (n,)."""
        from surrobench.zerocost.proxies import PROXIES

        proxy = PROXIES[self.proxy]
        source = self._source()
        scores = source.column(archs, self.proxy)
        if proxy.log_scale:
            scores = log_scale(scores, self.knee_)
        bad = np.flatnonzero(~np.isfinite(scores))
        if bad.size:
            raise SurrobenchError(
                f"{source.source} has no finite {self.proxy!r} score for "
                f"{archs[bad[0]]} ({bad.size} missing); drop those architectures"
            )
        agree = proxy.higher_is_better == bool(self.higher_is_better)
        return scores if agree else -scores


def _predictor_class(proxy: str) -> type[ZeroCostPredictor]:
    return type(
        f"{proxy.title().replace('_', '')}Predictor",
        (ZeroCostPredictor,),
        {
            "name": proxy,
            "proxy": proxy,
            "__doc__": (
                f"The zero-cost proxy {proxy!r} as a predictor; its formula is in "
                f"surrobench.zerocost.proxies.{proxy}."
            ),
            "__module__": __name__,
        },
    )


PREDICTORS_BY_PROXY = {proxy: _predictor_class(proxy) for proxy in PROXY_NAMES}
ZERO_COST_PREDICTORS = tuple(PREDICTORS_BY_PROXY.values())
