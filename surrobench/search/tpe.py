"""Tree-structured Parzen estimator search through Optuna (an optional extra).

The space is given to Optuna's ``TPESampler`` (default settings, seeded) as
independent categorical variables, those of
:meth:`~surrobench.spaces.SearchSpace.choices`: one per NB201 edge; for
NAS-Bench-Graph the link pattern and one per node's operation. The initial
design, shared with every other strategy, is handed to the study first, so
TPE models from its first suggestion on. In Pareto mode the study has two
objectives (normalised quality and cheapness, both maximised) and Optuna's
TPE becomes MOTPE.

A suggestion that names no architecture of the table (four ``skip``
operations on NAS-Bench-Graph) or one already queried is not queried: its
trial is told FAIL, which TPE leaves out of its model, and TPE is asked
again. A repeat costs no budget and adds nothing to the model (telling the
known value again would count one observation twice). After
:data:`MAX_PROPOSALS` suggestions in a row without a new architecture, a
random unqueried one is queried instead and added to the study as a finished
trial. The trajectory's ``candidates`` column counts the suggestions each
query took.
"""

from __future__ import annotations

import logging
import time
import warnings

import numpy as np

from surrobench.errors import SurrobenchError
from surrobench.search.loop import DEFAULT_INITIAL, initial_design
from surrobench.search.problem import SearchProblem

logger = logging.getLogger(__name__)

MAX_PROPOSALS = 100
INSTALL_HINT = "pip install surrobench[optuna]"


def import_optuna():
    """The optuna module, or a one-line error saying how to install it."""
    try:
        import optuna
    except ImportError:
        raise SurrobenchError(
            f"strategy 'tpe' needs optuna, which is not installed: {INSTALL_HINT}"
        ) from None
    return optuna


def tpe_search(
    problem: SearchProblem,
    rng: np.random.Generator,
    initial: int = DEFAULT_INITIAL,
    seed: int = 0,
) -> None:
    """Run TPE on ``problem`` until its budget is spent.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> from surrobench.search.multiobjective import Objective
        >>> bench = load_benchmark("nb201-cifar10")
        >>> problem = SearchProblem(bench, Objective(bench), budget=15)
        >>> tpe_search(problem, np.random.default_rng(0))
        >>> len(set(problem.rows))
        15
    """
    optuna = import_optuna()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    space, objective = problem.space, problem.objective
    distributions = {
        name: optuna.distributions.CategoricalDistribution(list(values))
        for name, values in space.choices().items()
    }

    def told(row: int) -> list[float]:
        if objective.pareto:
            return [float(value) for value in objective.points[row]]
        return [float(objective.rewards([row])[0])]

    def add(row: int) -> None:
        study.add_trial(
            optuna.trial.create_trial(
                params=space.to_choices(problem.arch(row)),
                distributions=distributions,
                values=told(row),
            )
        )

    with warnings.catch_warnings():
        # Multi-objective TPE is marked experimental in some Optuna releases.
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=initial)
        directions = ["maximize"] * (2 if objective.pareto else 1)
        study = optuna.create_study(directions=directions, sampler=sampler)
        for row in initial_design(problem, rng, initial):
            add(int(row))

        while problem.remaining > 0:
            start = time.perf_counter()
            for proposals in range(1, MAX_PROPOSALS + 1):
                trial = study.ask(distributions)
                row = _row_of(problem, trial.params)
                if row is not None and not problem.queried[row]:
                    seconds = time.perf_counter() - start
                    problem.query(
                        row, acquisition_seconds=seconds, candidates=proposals
                    )
                    study.tell(trial, told(row))
                    break
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            else:
                row = int(problem.random_unqueried(rng, 1)[0])
                logger.info(
                    "TPE proposed %d architectures in a row that were queried "
                    "already; querying a random one",
                    MAX_PROPOSALS,
                )
                seconds = time.perf_counter() - start
                problem.query(row, acquisition_seconds=seconds, candidates=proposals)
                add(row)


def _row_of(problem: SearchProblem, params: dict) -> int | None:
    try:
        arch = problem.space.from_choices(params)
    except SurrobenchError:
        return None
    return problem.row_of(arch)
