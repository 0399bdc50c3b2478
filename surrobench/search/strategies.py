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
    surrogate = surrogate or defaults[0]
    acquisition = check_acquisition(acquisition or defaults[1])
    optimizer = optimizer or defaults[2]
    make_optimizer(optimizer)
    make_predictor(surrogate, encoding=encoding)  # unknown names fail here
    cls = PREDICTORS[surrogate]
    label = ""
    if "encoding" in cls.needs:
        label = encoding or cls.default_encoding
    return StrategyConfig(strategy, surrogate, acquisition, optimizer, label)


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
