import numpy as np
import pytest

from surrobench.architecture import Architecture
from surrobench.errors import SurrobenchError
from surrobench.spaces import get_space
from surrobench.spaces.nb201 import EDGES

BEST = (
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
    "+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
)


@pytest.fixture(scope="module")
def space():
    return get_space("nb201")


def test_enumerates_15625_distinct_cells(space):
    archs = list(space.enumerate())
    assert len(archs) == 15625
    assert len(set(archs)) == 15625
    assert len({arch.to_string() for arch in archs}) == 15625


def test_string_and_tuple_round_trip_over_every_cell(space):
    for arch in space.enumerate():
        assert space.parse(space.format(arch)) == arch
        assert space.from_tuple(space.to_tuple(arch)) == arch
        assert Architecture.from_string(arch.to_string()) == arch
        assert space.parse(str(space.to_tuple(arch))) == arch


def test_tuple_follows_naslib_edge_and_operation_order(space):
    # (2,2,0,2,3,2): edges (1,2),(1,3),(1,4),(2,3),(2,4),(3,4) with ops indexed
    # into skip_connect, none, nor_conv_3x3, nor_conv_1x1, avg_pool_3x3.
    arch = space.from_tuple((2, 2, 0, 2, 3, 2))
    assert space.format(arch) == BEST
    assert arch.edge_op(0, 3) == "skip_connect"
    assert arch.edge_op(1, 3) == "nor_conv_1x1"
    assert space.from_tuple((1,) * 6).edge_ops == ("none",) * 6


def test_mapping_is_the_same_cell_whatever_the_key_order(space):
    arch = space.parse(BEST)
    mapping = {edge: arch.edge_op(*edge) for edge in EDGES}
    reversed_mapping = dict(reversed(list(mapping.items())))
    assert space.from_mapping(mapping) == space.from_mapping(reversed_mapping) == arch
    assert hash(space.from_mapping(reversed_mapping)) == hash(arch)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|",
        "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|",
        "|none~1|+|none~0|none~1|+|none~0|none~1|none~2|",
        "(0, 0, 0)",
        "(0, 0, 0, 0, 0, 9)",
        "(0, 0, 0, 0, 0, x)",
    ],
)
def test_malformed_strings_are_rejected_clearly(space, text):
    with pytest.raises(SurrobenchError) as error:
        space.parse(text)
    assert "\n" not in str(error.value)


def test_mutation_changes_exactly_one_edge(space):
    rng = np.random.default_rng(0)
    arch = space.parse(BEST)
    for _ in range(50):
        neighbour = space.mutate(arch, rng)
        changed = sum(a != b for a, b in zip(arch.edge_ops, neighbour.edge_ops))
        assert changed == 1


def test_sample_is_seeded_and_distinct(space):
    first = space.sample(20, seed=3)
    assert first == space.sample(20, seed=3)
    assert len(set(first)) == 20
    with pytest.raises(SurrobenchError):
        space.sample(20000)


@pytest.mark.parametrize(
    "text",
    [
        "nb201:input,output|0-1=none",
        "nb201:input,a,b,c,d,output|0-5=none",
        "nb201:input,node,node,output|0-1=none,0-2=none,0-3=none,1-2=none,1-3=none",
        "nb201:input,node,node,output|0-1=conv,0-2=none,0-3=none,"
        "1-2=none,1-3=none,2-3=none",
        "(True, False, 0, 0, 0, 0)",
    ],
)
def test_canonical_strings_must_describe_a_cell(space, text):
    with pytest.raises(SurrobenchError):
        space.parse(text)


def test_canonical_string_of_a_cell_parses(space):
    arch = space.parse(BEST)
    assert space.parse(arch.to_string()) == arch
