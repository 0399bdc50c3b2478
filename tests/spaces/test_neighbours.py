"""Neighbourhoods (local search) and categorical descriptions (TPE) of spaces."""

import numpy as np
import pytest

from surrobench.errors import SurrobenchError
from surrobench.spaces import get_space


def test_nb201_neighbours_differ_in_one_edge(nb201_space):
    arch = nb201_space.from_tuple((2, 2, 0, 2, 3, 2))
    neighbours = nb201_space.neighbours(arch)
    assert len(neighbours) == len(set(neighbours)) == 24
    for neighbour in neighbours:
        changed = [a != b for a, b in zip(arch.edge_ops, neighbour.edge_ops)]
        assert sum(changed) == 1


def test_nbgraph_neighbours_are_what_mutation_reaches(cora):
    space = cora.space
    rng = np.random.default_rng(0)
    for arch in cora.sample(20, seed=0):
        neighbours = set(space.neighbours(arch))
        assert arch not in neighbours and neighbours
        cora.rows(list(neighbours))  # every one is in the table
        for _ in range(20):
            assert space.mutate(arch, rng) in neighbours


@pytest.mark.parametrize("name", ["nb201", "nbgraph"])
def test_choices_round_trip(name, nb201, cora):
    bench = nb201 if name == "nb201" else cora
    space = get_space(name)
    choices = space.choices()
    for arch in bench.sample(50, seed=1):
        chosen = space.to_choices(arch)
        assert set(chosen) == set(choices)
        assert all(chosen[key] in values for key, values in choices.items())
        assert space.from_choices(chosen) == space.canonicalize(arch)


def test_nbgraph_choices_that_name_no_architecture():
    space = get_space("nbgraph")
    with pytest.raises(SurrobenchError, match="four 'skip'"):
        space.from_choices({"link": 0} | {f"op{i}": "skip" for i in range(1, 5)})
    with pytest.raises(SurrobenchError, match=r"link index in 0\.\.8"):
        space.from_choices({"link": 9, "op1": "gcn"})
