import pytest

from surrobench.architecture import Architecture
from surrobench.errors import SurrobenchError


def test_canonical_string_round_trip_hash_and_equality():
    arch = Architecture("toy", ("input", "conv", "output"), ((0, 1), (0, 2), (1, 2)))
    same = Architecture("toy", ("input", "conv", "output"), ((0, 1), (0, 2), (1, 2)))
    assert arch == same and hash(arch) == hash(same)
    assert Architecture.from_string(arch.to_string()) == arch
    assert arch.to_string() == "toy:input,conv,output|0-1,0-2,1-2"
    assert len({arch, same}) == 1


def test_edge_labels_take_part_in_identity():
    a = Architecture("toy", ("input", "output"), ((0, 1),), ("conv",))
    b = Architecture("toy", ("input", "output"), ((0, 1),), ("pool",))
    assert a != b
    assert a.edge_op(0, 1) == "conv" and a.edge_op(1, 0) is None


@pytest.mark.parametrize(
    "nodes, edges, edge_ops",
    [
        (("input",), (), ()),
        (("input", "output"), ((1, 0),), ()),
        (("input", "output"), ((0, 5),), ()),
        (("input", "a", "output"), ((1, 2), (0, 1)), ()),
        (("input", "output"), ((0, 1),), ("a", "b")),
    ],
)
def test_invalid_dags_are_rejected(nodes, edges, edge_ops):
    with pytest.raises(SurrobenchError):
        Architecture("toy", nodes, edges, edge_ops)


def test_architecture_is_immutable():
    arch = Architecture("toy", ("input", "output"), ((0, 1),))
    with pytest.raises(AttributeError):
        arch.space = "other"


@pytest.mark.parametrize("text", ["nocolon", "toy:input,output", "toy:a,b|0-x"])
def test_malformed_canonical_strings(text):
    with pytest.raises(SurrobenchError):
        Architecture.from_string(text)
