"""Performance predictors behind one protocol, and their registry."""

from __future__ import annotations

from surrobench.encodings import get_encoding
from surrobench.errors import SurrobenchError, check_seed, unknown_name
from surrobench.predictors.base import Predictor, VectorPredictor
from surrobench.predictors.svr import NuSVRPredictor
from surrobench.predictors.trees import LightGBMPredictor, RandomForestPredictor

PREDICTORS: dict[str, type[Predictor]] = {
    cls.name: cls for cls in (LightGBMPredictor, RandomForestPredictor, NuSVRPredictor)
}


def make_predictor(name: str, encoding: str | None = None, seed: int = 0) -> Predictor:
    """A fresh predictor by registry name, seeded; ``encoding`` for vector models."""
    if name not in PREDICTORS:
        raise unknown_name("predictor", name, PREDICTORS)
    cls = PREDICTORS[name]
    seed = check_seed(seed)
    if encoding is not None:
        if "encoding" not in cls.needs:
            raise SurrobenchError(f"predictor {name!r} takes no --encoding")
        get_encoding(encoding)  # an unknown name fails here, before any work
        return cls(encoding=encoding, seed=seed)
    return cls(seed=seed)


def predictor_names() -> list[str]:
    return list(PREDICTORS)


__all__ = [
    "PREDICTORS",
    "Predictor",
    "VectorPredictor",
    "make_predictor",
    "predictor_names",
]
