import numpy as np
import pytest
from nas_bench_graph.architecture import Arch

from surrobench.errors import SurrobenchError
from surrobench.spaces import get_space


@pytest.fixture(scope="module")
def space():
    return get_space("nbgraph")


def test_space_matches_the_package_counts(space):
    assert sum(1 for _ in space.enumerate()) == 26206
    assert sum(1 for _ in get_space("nbgraph-proteins").enumerate()) == 2021


def test_every_row_key_round_trips_through_the_package_hash(space, cora):
    keys = cora.table["key"].to_numpy()
    for key, arch in zip(keys, cora.archs):
        assert space.key(arch) == key
        link, ops = space.to_link_ops(arch)
        assert Arch(link, ops).hash_arch() == key


def test_dag_structure_of_a_wiring(space):
    arch = space.from_link_ops([0, 0, 1, 2], ["gcn", "gat", "sage", "skip"])
    # node 3 reads node 1, node 4 reads node 2; nodes 3 and 4 feed the output.
    assert arch.edges == ((0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 5))
    assert arch.node_ops == ("input", "gcn", "gat", "sage", "skip", "output")
    assert space.parse(space.format(arch)) == arch


def test_isomorphic_wirings_find_the_same_row(space, cora):
    # Swapping the two parallel branches of [0,0,1,2] is the same network;
    # regrouping which branch feeds which layer is another network.
    arch = space.from_link_ops([0, 0, 1, 2], ["gcn", "gat", "sage", "skip"])
    swapped = space.from_link_ops([0, 0, 2, 1], ["gat", "gcn", "sage", "skip"])
    other = space.from_link_ops([0, 0, 2, 1], ["gat", "gcn", "skip", "sage"])
    assert space.canonicalize(swapped) == space.canonicalize(arch)
    assert cora.query([arch]) == cora.query([swapped])
    assert space.canonicalize(other) != space.canonicalize(arch)


def test_mutants_are_benchmark_rows(space, cora):
    rng = np.random.default_rng(1)
    arch = cora.archs[123]
    for _ in range(100):
        arch = space.mutate(arch, rng)
        assert np.isfinite(cora.query([arch])).all()


@pytest.mark.parametrize(
    "text",
    [
        "link=[0,0,1,5] ops=[gcn,gat,sage,skip]",
        "link=[0,0,1,2] ops=[gcn,gat,sage,conv]",
        "link=[0,0,1] ops=[gcn,gat,sage]",
        "gcn gat sage skip",
        "link=[0,0,0,0] ops=[skip,skip,skip,skip]",
        # Canonical strings whose DAG is no NAS-Bench-Graph wiring:
        "nbgraph:input,output|0-1",
        "nbgraph:input,a,gcn,gcn,gcn,output|0-1,1-2,2-3,3-4,4-5",
        "nbgraph:input,gcn,gcn,gcn,gcn,output|0-1,1-2,2-3,3-4,0-5",
        "nbgraph:input,gcn,gcn,gcn,gcn,output|0-1,1-2,2-3,3-4",
    ],
)
def test_malformed_architectures_are_rejected(space, text):
    with pytest.raises(SurrobenchError):
        space.parse(text)


def test_proteins_space_rejects_operations_it_was_not_run_with():
    with pytest.raises(SurrobenchError, match="gat"):
        get_space("nbgraph-proteins").from_link_ops([0, 0, 0, 0], ["gat"] * 4)


def test_canonical_string_parses(space, cora):
    assert space.parse(cora.archs[10].to_string()) == cora.archs[10]
