"""Search spaces: each converts its native formats into one Architecture type."""

from __future__ import annotations

from functools import cache

from surrobench.errors import unknown_name
from surrobench.spaces.base import SearchSpace
from surrobench.spaces.nb201 import NB201Space
from surrobench.spaces.nbgraph import NBGraphSpace

_SPACES = {
    "nb201": NB201Space,
    "nbgraph": NBGraphSpace,
    "nbgraph-proteins": lambda: NBGraphSpace(proteins=True),
}


@cache
def get_space(name: str) -> SearchSpace:
    """The search space called ``name`` (one shared instance per name)."""
    if name not in _SPACES:
        raise unknown_name("search space", name, _SPACES)
    return _SPACES[name]()


def space_names() -> list[str]:
    return sorted(_SPACES)


__all__ = ["NB201Space", "NBGraphSpace", "SearchSpace", "get_space", "space_names"]
