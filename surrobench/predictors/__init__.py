"""Performance predictors behind one protocol, and their registry."""

from __future__ import annotations

from surrobench.encodings import get_encoding
from surrobench.errors import SurrobenchError, check_seed, unknown_name
from surrobench.predictors.base import Predictor, VectorPredictor
from surrobench.predictors.svr import NuSVRPredictor
from surrobench.predictors.trees import LightGBMPredictor, RandomForestPredictor
from surrobench.predictors.zero_cost import ZERO_COST_PREDICTORS

PREDICTORS: dict[str, type[Predictor]] = {
    cls.name: cls
    for cls in (
        LightGBMPredictor,
        RandomForestPredictor,
        NuSVRPredictor,
        *ZERO_COST_PREDICTORS,
    )
}


def make_predictor(
    name: str,
    encoding: str | None = None,
    seed: int = 0,
    higher_is_better: bool = True,
) -> Predictor:
    """A fresh predictor by registry name, seeded; ``encoding`` for vector models;
    ``higher_is_better`` (the target's direction) for those that need it."""
    if name not in PREDICTORS:
        raise unknown_name("predictor", name, PREDICTORS)
    cls = PREDICTORS[name]
    seed = check_seed(seed)
    extra = {}
    if "target_direction" in cls.needs:
        extra["higher_is_better"] = bool(higher_is_better)
    if encoding is not None:
        if "encoding" not in cls.needs:
            raise SurrobenchError(f"predictor {name!r} takes no --encoding")
        get_encoding(encoding)  # an unknown name fails here, before any work
        return cls(encoding=encoding, seed=seed, **extra)
    return cls(seed=seed, **extra)


def predictor_names() -> list[str]:
    return list(PREDICTORS)


__all__ = [
    "PREDICTORS",
    "Predictor",
    "VectorPredictor",
    "make_predictor",
    "predictor_names",
]
