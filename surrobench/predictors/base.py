"""The Predictor protocol that every performance predictor follows."""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from surrobench.architecture import Architecture
from surrobench.encodings import get_encoding
from surrobench.errors import SurrobenchError, check_int, check_seed, check_values
from surrobench.spaces import SearchSpace, get_space

# Beyond this, sums and squares of targets (means, variances, losses) overflow.
MAX_TARGET = 1e150
# Bounds of any count or real-valued constructor parameter (see fit).
MAX_COUNT = 1_000_000
MAX_REAL = 1e12


class Predictor(ABC):
    """Predicts a metric of architectures from a few trained ones.

    The constructor stores parameters only; everything learned by :meth:`fit`
    ends in an underscore. Subclasses declare what they need in ``needs``
    (``"encoding"``, later a learning curve or a data batch) and the harness
    supplies it.

    Attributes:
        name: the registry's short name.
        needs: inputs the harness must supply.
        has_uncertainty: True where :meth:`predict_dist` is the model's own.
        param_distributions: constructor parameters worth tuning, each mapped
            to a list of choices or a ``scipy.stats`` distribution (what
            ``sklearn.model_selection.ParameterSampler`` draws from).
    """

    name: ClassVar[str]
    needs: ClassVar[tuple[str, ...]] = ()
    has_uncertainty: ClassVar[bool] = False
    param_distributions: ClassVar[dict] = {}

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def get_params(self) -> dict:
        """Constructor parameters and their values: a job's identity."""
        signature = inspect.signature(type(self).__init__)
        names = [
            name
            for name, parameter in signature.parameters.items()
            if name != "self" and parameter.kind is parameter.POSITIONAL_OR_KEYWORD
        ]
        return {name: getattr(self, name) for name in names}

    def fit(self, archs: Sequence[Architecture], y: Sequence[float]) -> Predictor:
        """Learn from ``archs`` and their targets ``y`` (shape (n,)); returns self."""
        check_seed(self.seed)
        self._check_param_kinds()
        space, y = _check_train_set(archs, y)
        self.space_ = space
        # Kept (by reference) for the bootstrap that predict_dist may need.
        self.train_archs_, self.train_y_ = list(archs), y
        self.__dict__.pop("bootstrap_", None)
        self._fit(self.train_archs_, y)
        return self

    def predict(self, archs: Sequence[Architecture]) -> np.ndarray:
        """Predicted target for each architecture; shape (n,)."""
        archs = self._check_query(archs)
        if not archs:
            return np.empty(0)
        return np.asarray(self._predict(archs), dtype=float).reshape(len(archs))

    def predict_dist(
        self, archs: Sequence[Architecture]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Predictive mean and standard deviation; each of shape (n,).

        A model without uncertainty of its own (``has_uncertainty`` False)
        answers from a seeded bootstrap ensemble of itself
        (:class:`~surrobench.predictors.bootstrap.BootstrapEnsemble`), fit on
        first use: the mean is this model's prediction, the std the spread of
        the ensemble's.
        """
        archs = self._check_query(archs)
        if not archs:
            return np.empty(0), np.empty(0)
        if self.has_uncertainty:
            mean, std = self._predict_dist(archs)
        else:
            mean = self._predict(archs)
            _, std = self._bootstrap().predict_dist(archs)
        mean = np.asarray(mean, float).reshape(len(archs))
        std = np.asarray(std, float).reshape(len(archs))
        return mean, std

    def _bootstrap(self) -> Predictor:
        if not hasattr(self, "bootstrap_"):
            from surrobench.predictors.bootstrap import BootstrapEnsemble

            fresh = type(self)(**self.get_params())
            self.bootstrap_ = BootstrapEnsemble(fresh, seed=self.seed).fit(
                self.train_archs_, self.train_y_
            )
        return self.bootstrap_

    def _check_param_kinds(self) -> None:
        """Each numeric parameter has its default's kind and a sane range.

        Counts (int defaults) must be integers in 0..10⁶ and real parameters
        (float defaults) finite numbers in [0, 10¹²]: a stray string, NaN or
        2⁶⁴ stops here with its name instead of deep inside a library (or
        in a loop that never ends). Predictors check tighter ranges themselves.
        """
        signature = inspect.signature(type(self).__init__)
        for name, parameter in signature.parameters.items():
            default, value = parameter.default, getattr(self, name, None)
            if name == "seed" or isinstance(default, bool) or value is default:
                continue
            if isinstance(default, int):
                check_int(name, value, 0, MAX_COUNT)
            elif isinstance(default, float):
                if isinstance(value, bool) or not isinstance(
                    value, int | float | np.integer | np.floating
                ):
                    raise SurrobenchError(f"{name} must be a number, got {value!r}")
                if not 0 <= value <= MAX_REAL:  # also refuses NaN
                    raise SurrobenchError(
                        f"{name} must be in [0, {MAX_REAL:.0e}], got {value!r}"
                    )

    @abstractmethod
    def _fit(self, archs: list[Architecture], y: np.ndarray) -> None: ...

    @abstractmethod
    def _predict(self, archs: list[Architecture]) -> np.ndarray: ...

    def _predict_dist(self, archs: list[Architecture]) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _check_query(self, archs: Sequence[Architecture]) -> list[Architecture]:
        if not hasattr(self, "space_"):
            raise SurrobenchError(f"predictor {self.name!r} must be fit before predict")
        return self.space_.check_all(archs)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"


class VectorPredictor(Predictor):
    """A predictor over a vector encoding of each architecture.

    Subclasses implement ``_fit_features`` / ``_predict_features`` in
    standardised target units; this class maps predictions (and predictive
    std) back to the target's units.

    Args:
        encoding: encoding name (``onehot``, ``path``, ``onehot+path``...);
            None takes the predictor's ``default_encoding``.
        seed: seeds every random choice the model makes.
    """

    needs: ClassVar[tuple[str, ...]] = ("encoding",)
    default_encoding: ClassVar[str] = "onehot"

    def __init__(self, encoding: str | None = None, seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.encoding = encoding

    def features(self, archs: list[Architecture]) -> np.ndarray:
        """The encoded architectures; shape (n, d)."""
        encoder = get_encoding(self.encoding or self.default_encoding)
        return encoder.encode(archs, self.space_)

    def _fit(self, archs, y) -> None:
        # Models see standardised targets: accuracies in percent or fractions,
        # or offset by a constant, fit the same and lose no float precision.
        self.target_mean_ = float(y.mean())
        centred = y - self.target_mean_
        peak = float(np.abs(centred).max())
        # std via the peak: squaring tiny targets (1e-300) would underflow to 0.
        spread = peak * float((centred / peak).std()) if peak > 0 else 0.0
        self.target_scale_ = spread if spread > 0 else 1.0
        standardised = centred / self.target_scale_
        self._fit_features(self.features(archs), standardised)

    def _predict(self, archs) -> np.ndarray:
        # float64 first: models that answer in float32 (XGBoost) would lose the
        # digits of a target offset by 1e9.
        standardised = np.asarray(self._predict_features(self.features(archs)), float)
        return standardised * self.target_scale_ + self.target_mean_

    def _predict_dist(self, archs):
        mean, std = self._predict_dist_features(self.features(archs))
        mean, std = np.asarray(mean, float), np.asarray(std, float)
        return mean * self.target_scale_ + self.target_mean_, std * self.target_scale_

    @abstractmethod
    def _fit_features(self, features: np.ndarray, y: np.ndarray) -> None: ...

    @abstractmethod
    def _predict_features(self, features: np.ndarray) -> np.ndarray: ...

    def _predict_dist_features(self, features: np.ndarray):
        raise NotImplementedError


def _check_train_set(
    archs: Sequence[Architecture], y: Sequence[float]
) -> tuple[SearchSpace, np.ndarray]:
    if isinstance(archs, str | bytes) or not hasattr(archs, "__len__"):
        raise SurrobenchError(
            f"expected a sequence of architectures, got {type(archs).__name__}"
        )
    if len(archs) < 2:
        raise SurrobenchError(
            f"a train set needs at least 2 architectures, got {len(archs)}"
        )
    first = archs[0]
    if not isinstance(first, Architecture):
        raise SurrobenchError(
            f"expected Architecture objects, got {type(first).__name__}"
        )
    space = get_space(first.space)
    space.check_all(archs)
    y = check_values("targets", y)
    if y.shape != (len(archs),):
        raise SurrobenchError(
            f"got {len(archs)} architectures but targets of shape {y.shape}; "
            f"expected ({len(archs)},)"
        )
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise SurrobenchError(
            f"{bad.size} targets are NaN or infinite (first at position {bad[0]}); "
            "drop those architectures first"
        )
    if np.abs(y).max() > MAX_TARGET:  # their mean would overflow
        raise SurrobenchError(
            f"targets reach {np.abs(y).max():.3g}; rescale them below {MAX_TARGET:.0e} "
            "so that their squares stay finite"
        )
    return space, y
