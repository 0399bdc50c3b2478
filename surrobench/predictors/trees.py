"""Tree ensembles: gradient boosting (LightGBM, XGBoost, NGBoost), random forest."""

from __future__ import annotations

from typing import ClassVar

import lightgbm
import ngboost
import numpy as np
import xgboost
from scipy.stats import loguniform, randint, uniform
from sklearn.ensemble import RandomForestRegressor
from sklearn.tree import DecisionTreeRegressor

from surrobench.errors import SurrobenchError, check_int
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
    param_distributions: ClassVar[dict] = {
        "n_estimators": randint(50, 500),
        "learning_rate": loguniform(0.01, 0.3),
        "num_leaves": randint(4, 64),
        "min_child_samples": randint(2, 30),
    }

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
        check_int("n_estimators", self.n_estimators, 1)
        check_int("num_leaves", self.num_leaves, 2)
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
    param_distributions: ClassVar[dict] = {
        "n_estimators": randint(50, 400),
        "max_features": uniform(0.1, 0.9),
        "min_samples_leaf": randint(1, 6),
    }

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
        check_int("n_estimators", self.n_estimators, 1)
        check_int("min_samples_leaf", self.min_samples_leaf, 1)
        if not 0 < self.max_features <= 1:
            raise SurrobenchError(
                f"max_features must be a fraction in (0, 1], got {self.max_features!r}"
            )
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


class XGBoostPredictor(VectorPredictor):
    """XGBoost: ``f(x) = Σ_m η·tree_m(x)``, trees grown on a second-order expansion
    of the squared error with L2-regularised leaf weights.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(50, seed=0)
        >>> model = XGBoostPredictor(seed=0).fit(train, bench.query(train))
        >>> model.predict(bench.sample(3, seed=1)).shape
        (3,)
    """

    name = "xgb"
    param_distributions: ClassVar[dict] = {
        "n_estimators": randint(50, 600),
        "learning_rate": loguniform(0.01, 0.3),
        "max_depth": randint(2, 10),
        "min_child_weight": loguniform(0.1, 10.0),
        "reg_lambda": loguniform(0.1, 10.0),
    }

    def __init__(
        self,
        encoding: str | None = None,
        seed: int = 0,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        max_depth: int = 6,
        min_child_weight: float = 1.0,
        reg_lambda: float = 1.0,
    ) -> None:
        super().__init__(encoding=encoding, seed=seed)
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.min_child_weight = min_child_weight
        self.reg_lambda = reg_lambda

    def _fit_features(self, features, y) -> None:
        check_int("n_estimators", self.n_estimators, 1, 100_000)
        self.model_ = xgboost.XGBRegressor(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            max_depth=self.max_depth,
            min_child_weight=self.min_child_weight,
            reg_lambda=self.reg_lambda,
            subsample=0.8,
            colsample_bytree=0.9,
            tree_method="hist",
            random_state=self.seed,
            n_jobs=1,
        ).fit(features, y)

    def _predict_features(self, features) -> np.ndarray:
        return self.model_.predict(features)


class NGBoostPredictor(VectorPredictor):
    """NGBoost: boosted trees for both parameters of ``y ~ N(μ(x), σ(x)²)``.

    Each round fits one tree per parameter to the natural gradient of the
    negative log-likelihood, so the predictive std is learned, not bolted on.
    Left to run, boosting shrinks σ on the train set until the intervals are
    far too narrow (95 % intervals covered 12 % of held-out NB201 cells at 60
    train architectures), so boosting stops early once the likelihood of a
    seeded fifth of the train set has not improved for
    ``early_stopping_rounds`` rounds (NGBoost's own early stopping).

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(50, seed=0)
        >>> model = NGBoostPredictor(seed=0).fit(train, bench.query(train))
        >>> mean, std = model.predict_dist(bench.sample(3, seed=1))
        >>> bool((std > 0).all())
        True
    """

    name = "ngb"
    has_uncertainty = True
    param_distributions: ClassVar[dict] = {
        "n_estimators": randint(100, 1000),
        "learning_rate": loguniform(0.01, 0.2),
        "max_depth": randint(2, 6),
        "min_samples_leaf": randint(1, 6),
    }
    # Below this many architectures there is no slice to stop early on.
    MIN_EARLY_STOPPING = 10

    def __init__(
        self,
        encoding: str | None = None,
        seed: int = 0,
        n_estimators: int = 500,
        learning_rate: float = 0.05,
        max_depth: int = 3,
        min_samples_leaf: int = 1,
        early_stopping_rounds: int = 20,
    ) -> None:
        super().__init__(encoding=encoding, seed=seed)
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.early_stopping_rounds = early_stopping_rounds

    def _model(self, n_estimators: int) -> ngboost.NGBRegressor:
        return ngboost.NGBRegressor(
            Dist=ngboost.distns.Normal,
            Base=DecisionTreeRegressor(
                criterion="friedman_mse",
                max_depth=self.max_depth,
                min_samples_leaf=self.min_samples_leaf,
                random_state=0,
            ),
            n_estimators=n_estimators,
            learning_rate=self.learning_rate,
            random_state=self.seed,
            verbose=False,
        )

    def _fit_features(self, features, y) -> None:
        check_int("n_estimators", self.n_estimators, 1)
        check_int("early_stopping_rounds", self.early_stopping_rounds, 1)
        check_int("max_depth", self.max_depth, 1, 64)
        if not self.learning_rate > 0:  # 0 would boost forever without moving
            raise SurrobenchError(
                f"learning_rate must be positive, got {self.learning_rate!r}"
            )
        self.constant_ = float(y[0]) if np.all(y == y[0]) else None
        if self.constant_ is not None:  # a zero-variance Normal has no gradient
            return
        if len(y) < self.MIN_EARLY_STOPPING:
            # Nothing to hold out: a few rounds per architecture, as a guard
            # against boosting σ to nothing.
            rounds = min(self.n_estimators, 5 * len(y))
            self.model_ = self._model(rounds).fit(features, y)
            return
        rows = np.random.default_rng(self.seed).permutation(len(y))
        held_out, kept = rows[: len(y) // 5], rows[len(y) // 5 :]
        self.model_ = self._model(self.n_estimators).fit(
            features[kept],
            y[kept],
            X_val=features[held_out],
            Y_val=y[held_out],
            early_stopping_rounds=self.early_stopping_rounds,
        )

    def _predict_features(self, features) -> np.ndarray:
        return self._predict_dist_features(features)[0]

    def _predict_dist_features(self, features):
        if self.constant_ is not None:
            return np.full(len(features), self.constant_), np.zeros(len(features))
        distribution = self.model_.pred_dist(features)
        return distribution.params["loc"], distribution.params["scale"]
