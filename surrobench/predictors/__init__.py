"""Performance predictors behind one protocol, and their registry."""

from __future__ import annotations

from collections.abc import Mapping

from surrobench.encodings import get_encoding
from surrobench.errors import SurrobenchError, check_seed, unknown_name
from surrobench.predictors.base import Predictor, VectorPredictor
from surrobench.predictors.bayesian import (
    BayesianLinearRegression,
    BOHAMIANNPredictor,
    DNGOPredictor,
)
from surrobench.predictors.gnn import GCNPredictor, GINPredictor
from surrobench.predictors.gp import ExactGPPredictor, SparseGPPredictor
from surrobench.predictors.graph_gp import OtmannGaussianProcess, WLGaussianProcess
from surrobench.predictors.mlp import BANANASPredictor
from surrobench.predictors.svr import NuSVRPredictor
from surrobench.predictors.trees import (
    LightGBMPredictor,
    NGBoostPredictor,
    RandomForestPredictor,
    XGBoostPredictor,
)
from surrobench.predictors.zero_cost import ZERO_COST_PREDICTORS

PREDICTORS: dict[str, type[Predictor]] = {
    cls.name: cls
    for cls in (
        LightGBMPredictor,
        RandomForestPredictor,
        NuSVRPredictor,
        XGBoostPredictor,
        NGBoostPredictor,
        GINPredictor,
        GCNPredictor,
        ExactGPPredictor,
        SparseGPPredictor,
        WLGaussianProcess,
        OtmannGaussianProcess,
        BayesianLinearRegression,
        DNGOPredictor,
        BOHAMIANNPredictor,
        BANANASPredictor,
        *ZERO_COST_PREDICTORS,
    )
}


def make_predictor(
    name: str,
    encoding: str | None = None,
    seed: int = 0,
    params: Mapping[str, object] | None = None,
    higher_is_better: bool = True,
) -> Predictor:
    """A fresh predictor by registry name, seeded; ``encoding`` for vector models.

    ``params`` sets other constructor parameters (e.g. tuned ones);
    ``higher_is_better`` (the target's direction) reaches those that need it.
    """
    if not isinstance(name, str) or name not in PREDICTORS:
        raise unknown_name("predictor", name, PREDICTORS)
    if params is not None and not isinstance(params, Mapping):
        raise SurrobenchError(f"params must be a mapping of names, got {params!r}")
    cls = PREDICTORS[name]
    seed = check_seed(seed)
    kwargs = dict(params or {})
    allowed = [key for key in cls(seed=seed).get_params() if key != "seed"]
    for key in kwargs:
        if key in ("seed", "encoding") or key not in allowed:
            raise unknown_name(f"parameter of {name!r}", key, allowed)
    if "target_direction" in cls.needs:
        kwargs["higher_is_better"] = bool(higher_is_better)
    if encoding is not None:
        if "encoding" not in cls.needs:
            raise SurrobenchError(f"predictor {name!r} takes no --encoding")
        get_encoding(encoding)  # an unknown name fails here, before any work
        kwargs["encoding"] = encoding
    return cls(seed=seed, **kwargs)


def predictor_names() -> list[str]:
    return list(PREDICTORS)


__all__ = [
    "PREDICTORS",
    "Predictor",
    "VectorPredictor",
    "make_predictor",
    "predictor_names",
]
