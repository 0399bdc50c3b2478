"""ν-support vector regression on standardised targets."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from scipy.stats import loguniform, uniform
from sklearn.svm import NuSVR

from surrobench.predictors.base import VectorPredictor


class NuSVRPredictor(VectorPredictor):
    """ν-SVR with an RBF kernel ``k(x, x') = exp(−γ‖x − x'‖²)``.

    Targets reach the model standardised (as for every vector predictor), so
    that ``C`` and the ε-tube mean the same on accuracies in percent and in
    fractions.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(50, seed=0)
        >>> model = NuSVRPredictor().fit(train, bench.query(train))
        >>> model.predict(bench.sample(3, seed=1)).shape
        (3,)
    """

    name = "nusvr"
    param_distributions: ClassVar[dict] = {
        "nu": uniform(0.1, 0.8),
        "C": loguniform(0.1, 100.0),
        "gamma": ["scale", *loguniform(1e-3, 1.0).rvs(8, random_state=0).tolist()],
    }

    def __init__(
        self,
        encoding: str | None = None,
        seed: int = 0,
        nu: float = 0.5,
        C: float = 1.0,
        gamma: str | float = "scale",
    ) -> None:
        super().__init__(encoding=encoding, seed=seed)
        self.nu = nu
        self.C = C
        self.gamma = gamma

    def _fit_features(self, features, y) -> None:
        self.model_ = NuSVR(nu=self.nu, C=self.C, gamma=self.gamma, kernel="rbf")
        self.model_.fit(features, y)

    def _predict_features(self, features) -> np.ndarray:
        return self.model_.predict(features)
