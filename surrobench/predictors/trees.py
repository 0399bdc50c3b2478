"""Tree ensembles: LightGBM gradient boosting and a scikit-learn random forest."""

from __future__ import annotations

import lightgbm
import numpy as np
from sklearn.ensemble import RandomForestRegressor

from surrobench.predictors.base import VectorPredictor


class LightGBMPredictor(VectorPredictor):
    """Gradient-boosted trees: ``f(x) = Σ_m η·tree_m(x)`` fit to squared error.

    Small leaves (``min_child_samples=5``) so that a few dozen training
    architectures still give the trees room to split.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(50, seed=0)
        >>> model = LightGBMPredictor(seed=0).fit(train, bench.query(train))
        >>> model.predict(bench.sample(3, seed=1)).shape
        (3,)
    """

    name = "lgb"

    def __init__(
        self,
        encoding: str | None = None,
        seed: int = 0,
        n_estimators: int = 100,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 5,
    ) -> None:
        super().__init__(encoding=encoding, seed=seed)
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples

    def _fit_features(self, features, y) -> None:
        self.model_ = lightgbm.LGBMRegressor(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            min_child_weight=0.0,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.9,
            random_state=self.seed,
            deterministic=True,
            force_col_wise=True,
            n_jobs=1,
            verbose=-1,
        ).fit(features, y)

    def _predict_features(self, features) -> np.ndarray:
        return self.model_.predict(features)


class RandomForestPredictor(VectorPredictor):
    """Random forest: ``f(x) = mean_b tree_b(x)``; the spread over trees is its std.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(50, seed=0)
        >>> model = RandomForestPredictor(seed=0).fit(train, bench.query(train))
        >>> mean, std = model.predict_dist(bench.sample(3, seed=1))
        >>> mean.shape, std.shape
        ((3,), (3,))
    """

    name = "rf"
    has_uncertainty = True

    def __init__(
        self,
        encoding: str | None = None,
        seed: int = 0,
        n_estimators: int = 200,
        max_features: float = 0.5,
        min_samples_leaf: int = 1,
    ) -> None:
        super().__init__(encoding=encoding, seed=seed)
        self.n_estimators = n_estimators
        self.max_features = max_features
        self.min_samples_leaf = min_samples_leaf

    def _fit_features(self, features, y) -> None:
        self.model_ = RandomForestRegressor(
            n_estimators=self.n_estimators,
            max_features=self.max_features,
            min_samples_leaf=self.min_samples_leaf,
            random_state=self.seed,
            n_jobs=1,
        ).fit(features, y)

    def _predict_features(self, features) -> np.ndarray:
        return self.model_.predict(features)

    def _predict_dist_features(self, features):
        per_tree = np.stack(
            [tree.predict(features) for tree in self.model_.estimators_]
        )
        return per_tree.mean(axis=0), per_tree.std(axis=0)
