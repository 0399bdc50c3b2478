"""The named search strategies and how one run of each is started.

| strategy | surrogate | acquisition | optimiser |
| --- | --- | --- | --- |
| ``bo`` | any predictor (``gp``) | any (``ei``) | any (``pool``) |
| ``bananas`` | ``bananas`` (MLP ensemble, path encoding) | ``its`` | ``mutation`` |
| ``nasbot`` | ``otmann_gp`` | ``ei`` | ``evolution`` |
| ``random``, ``evolution``, ``local``, ``tpe`` | none | none | none |

Defaults for ``bo`` in brackets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surrobench.errors import SurrobenchError, unknown_name
from surrobench.predictors import PREDICTORS, make_predictor
from surrobench.search.acquisition import check_acquisition
from surrobench.search.baselines import (
    local_search,
    random_search,
    regularized_evolution,
)
from surrobench.search.loop import bayesian_optimisation
from surrobench.search.optimizers import make_optimizer
from surrobench.search.problem import SearchProblem

# (surrogate, acquisition, optimiser) of the model-based strategies; for
# ``bo`` these are the defaults, for the others fixed.
MODEL_BASED = {
    "bo": ("gp", "ei", "pool"),
    "bananas": ("bananas", "its", "mutation"),
    "nasbot": ("otmann_gp", "ei", "evolution"),
}
BASELINES = {
    "random": random_search,
    "evolution": regularized_evolution,
    "local": local_search,
    "tpe": None,  # imported on use: optuna is optional
}
STRATEGIES = (*MODEL_BASED, *BASELINES)


@dataclass(frozen=True)
class StrategyConfig:
    """One strategy with its surrogate settings (empty for baselines).

    Example:
        >>> configure("bo", surrogate="blr").label
        'bo(blr/path, ei, pool)'
    """

    strategy: str
    surrogate: str = ""
    acquisition: str = ""
    optimizer: str = ""
    encoding: str = ""

    @property
    def model_based(self) -> bool:
        return self.strategy in MODEL_BASED

    @property
    def label(self) -> str:
        if not self.model_based:
            return self.strategy
        model = self.surrogate + (f"/{self.encoding}" if self.encoding else "")
        return f"{self.strategy}({model}, {self.acquisition}, {self.optimizer})"


def configure(
    strategy: object,
    surrogate: str | None = None,
    acquisition: str | None = None,
    optimizer: str | None = None,
    encoding: str | None = None,
) -> StrategyConfig:
    """Check a strategy name and its settings; the settings apply to ``bo``
    only (the other strategies fix or need none, and ignore them)."""
    if not isinstance(strategy, str) or strategy not in STRATEGIES:
        raise unknown_name("strategy", strategy, STRATEGIES)
    if strategy not in MODEL_BASED:
        return StrategyConfig(strategy)
    defaults = MODEL_BASED[strategy]
    if strategy != "bo":
        surrogate, acquisition, optimizer, encoding = (*defaults, None)
    # None means the default; an empty name is a mistake, not "unset".
    surrogate = defaults[0] if surrogate is None else surrogate
    acquisition = check_acquisition(defaults[1] if acquisition is None else acquisition)
    optimizer = defaults[2] if optimizer is None else optimizer
    make_optimizer(optimizer)
    make_predictor(surrogate, encoding=encoding)  # unknown names fail here
    cls = PREDICTORS[surrogate]
    if "zero_cost" in cls.needs:
        raise SurrobenchError(
            f"--surrogate {surrogate} is a zero-cost proxy: its ranking ignores the "
            "queried values, so it cannot guide a search; choose a model that "
            f"learns ({', '.join(_learning_predictors())}), with --encoding zc and "
            "--zc-values FILE to feed it proxy scores"
        )
    label = ""
    if "encoding" in cls.needs:
        label = encoding or cls.default_encoding
    return StrategyConfig(strategy, surrogate, acquisition, optimizer, label)


def _learning_predictors() -> list[str]:
    return [name for name, cls in PREDICTORS.items() if "zero_cost" not in cls.needs]


def check_config(config: object) -> StrategyConfig:
    """``config`` if :func:`configure` would build it, else a one-line error."""
    if not isinstance(config, StrategyConfig):
        raise SurrobenchError(
            f"expected a StrategyConfig (see configure), got {config!r}"
        )
    settings = (config.surrogate, config.acquisition, config.optimizer)
    settings = tuple(value or None for value in settings)
    built = configure(config.strategy, *settings, config.encoding or None)
    if built != config:
        raise SurrobenchError(
            f"{config!r} is not a configuration of strategy {config.strategy!r}; "
            f"build it with configure (it gives {built!r})"
        )
    return config


def run_strategy(
    config: StrategyConfig,
    problem: SearchProblem,
    seed: int,
    initial: int,
    batch_size: int = 1,
) -> None:
    """Run one strategy on ``problem`` until its budget is spent; every random
    choice comes from ``numpy.random.default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    if config.model_based:
        if initial < 2:
            raise SurrobenchError(
                f"strategy {config.strategy!r} fits a surrogate to its initial "
                f"design: --initial must be at least 2, got {initial}"
            )
        bayesian_optimisation(
            problem,
            rng,
            surrogate=config.surrogate,
            acquisition=config.acquisition,
            optimizer=config.optimizer,
            initial=initial,
            batch_size=batch_size,
            encoding=config.encoding or None,
            seed=seed,
        )
    elif config.strategy == "tpe":
        from surrobench.search.tpe import tpe_search

        tpe_search(problem, rng, initial=initial, seed=seed)
    else:
        BASELINES[config.strategy](problem, rng, initial=initial)
