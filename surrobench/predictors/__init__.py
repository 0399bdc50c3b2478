"""Performance predictors behind one protocol, and their registry."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module

from surrobench.encodings import get_encoding
from surrobench.errors import SurrobenchError, check_seed, unknown_name
from surrobench.predictors.base import Predictor, VectorPredictor
from surrobench.zerocost import PROXY_NAMES

# Registry name → (module, class). Modules are imported on first use, so that
# `surrobench --help` or a run of trees does not load torch, torch-geometric
# and gpytorch (five seconds and 400 MB).
_LOCATIONS: dict[str, tuple[str, str]] = {
    "lgb": ("trees", "LightGBMPredictor"),
    "rf": ("trees", "RandomForestPredictor"),
    "nusvr": ("svr", "NuSVRPredictor"),
    "xgb": ("trees", "XGBoostPredictor"),
    "ngb": ("trees", "NGBoostPredictor"),
    "gin": ("gnn", "GINPredictor"),
    "gcn": ("gnn", "GCNPredictor"),
    "gp": ("gp", "ExactGPPredictor"),
    "sparse_gp": ("gp", "SparseGPPredictor"),
    "gpwl": ("graph_gp", "WLGaussianProcess"),
    "otmann_gp": ("graph_gp", "OtmannGaussianProcess"),
    "blr": ("bayesian", "BayesianLinearRegression"),
    "dngo": ("bayesian", "DNGOPredictor"),
    "bohamiann": ("bayesian", "BOHAMIANNPredictor"),
    "bananas": ("mlp", "BANANASPredictor"),
    # Each zero-cost proxy as a predictor: zero_cost.PREDICTORS_BY_PROXY[name].
    **{proxy: ("zero_cost", "") for proxy in PROXY_NAMES},
}


class _Registry(Mapping):
    """Registry name → predictor class, importing each module on first use."""

    def __getitem__(self, name: str) -> type[Predictor]:
        module_name, class_name = _LOCATIONS[name]
        module = import_module(f"{__name__}.{module_name}")
        if not class_name:
            return module.PREDICTORS_BY_PROXY[name]
        return getattr(module, class_name)

    def __iter__(self) -> Iterator[str]:
        return iter(_LOCATIONS)

    def __len__(self) -> int:
        return len(_LOCATIONS)

    def __repr__(self) -> str:
        return f"PREDICTORS({', '.join(_LOCATIONS)})"


PREDICTORS: Mapping[str, type[Predictor]] = _Registry()


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
