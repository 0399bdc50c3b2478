"""Encodings written once against the Architecture type, and their registry."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from surrobench.architecture import Architecture
from surrobench.encodings.base import Encoding
from surrobench.encodings.categorical import CategoricalEncoding
from surrobench.encodings.onehot import OneHotEncoding
from surrobench.encodings.path import PathEncoding
from surrobench.encodings.zc import ZeroCostEncoding
from surrobench.errors import SurrobenchError, unknown_name
from surrobench.spaces import SearchSpace

ENCODINGS: dict[str, type[Encoding]] = {
    "onehot": OneHotEncoding,
    "categorical": CategoricalEncoding,
    "path": PathEncoding,
    "zc": ZeroCostEncoding,
}


class ConcatEncoding(Encoding):
    """Several encodings side by side: ``onehot+path``."""

    def __init__(self, parts: Sequence[Encoding]) -> None:
        self.parts = list(parts)
        self.name = "+".join(part.name for part in self.parts)

    def feature_names(self, space: SearchSpace) -> list[str]:
        return [name for part in self.parts for name in part.feature_names(space)]

    def _encode(self, archs, space) -> np.ndarray:
        return np.hstack([part._encode(archs, space) for part in self.parts])


def get_encoding(name: str) -> Encoding:
    """The encoding called ``name``; ``a+b`` concatenates encodings a and b."""
    if not isinstance(name, str) or not name:
        raise SurrobenchError(f"encoding name must be a non-empty string, got {name!r}")
    parts = name.split("+")
    for part in parts:
        if part not in ENCODINGS:
            where = f" in {name!r}" if len(parts) > 1 else ""
            error = unknown_name("encoding", part, ENCODINGS)
            raise SurrobenchError(
                str(error).replace(f"{part!r}", f"{part!r}{where}", 1)
            )
    if len(parts) == 1:
        return ENCODINGS[name]()
    if len(set(parts)) != len(parts):
        raise SurrobenchError(f"encoding {name!r} repeats a part")
    return ConcatEncoding([ENCODINGS[part]() for part in parts])


def encoding_names() -> list[str]:
    return list(ENCODINGS)


__all__ = ["Architecture", "Encoding", "encoding_names", "get_encoding"]
