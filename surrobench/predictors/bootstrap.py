"""Bootstrap ensembles: predictive uncertainty for any predictor.

A model with no uncertainty of its own (boosted trees, SVR) is refit on
``num_models`` resamples of its train set drawn with replacement; the spread
of their predictions estimates how much the prediction depends on which
architectures happened to be trained. It measures the model's variance only,
not the noise of the target, so its intervals tend to be too narrow.
"""

from __future__ import annotations

import numpy as np

from surrobench.errors import SurrobenchError, check_int
from surrobench.predictors.base import Predictor


class BootstrapEnsemble(Predictor):
    """Mean and std over ``num_models`` copies of ``base`` fit on bootstrap resamples.

    ``μ(x) = mean_b f_b(x)``, ``σ(x) = std_b f_b(x)``, where ``f_b`` is ``base``
    refit on the ``b``-th resample (the same size as the train set) with its
    own seed.

    Args:
        base: an unfitted predictor; copies are made from its parameters.
        num_models: resamples (at least 2).
        seed: seeds the resamples and each copy's own seed.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> from surrobench.predictors import make_predictor
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(50, seed=0)
        >>> model = BootstrapEnsemble(make_predictor("nusvr"), num_models=5)
        >>> mean, std = model.fit(train, bench.query(train)).predict_dist(train[:3])
        >>> mean.shape, bool((std > 0).any())
        ((3,), True)
    """

    name = "bootstrap"
    has_uncertainty = True

    def __init__(self, base: Predictor, num_models: int = 10, seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.base = base
        self.num_models = num_models

    @property
    def needs(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.base.needs

    def _fit(self, archs, y) -> None:
        if not isinstance(self.base, Predictor):
            raise SurrobenchError(
                f"a bootstrap ensemble needs a Predictor to copy, got {self.base!r}"
            )
        check_int("num_models", self.num_models, 2)
        rng = np.random.default_rng(self.seed)
        params = self.base.get_params()
        self.models_ = []
        for seed in rng.integers(0, 2**31 - 1, size=self.num_models):
            rows = rng.integers(0, len(archs), size=len(archs))
            model = type(self.base)(**{**params, "seed": int(seed)})
            self.models_.append(model.fit([archs[i] for i in rows], y[rows]))

    def _member_predictions(self, archs) -> np.ndarray:
        """Every member's predictions; shape (num_models, n)."""
        return np.stack([model.predict(archs) for model in self.models_])

    def _predict(self, archs) -> np.ndarray:
        return self._member_predictions(archs).mean(axis=0)

    def _predict_dist(self, archs):
        predictions = self._member_predictions(archs)
        return predictions.mean(axis=0), predictions.std(axis=0)
