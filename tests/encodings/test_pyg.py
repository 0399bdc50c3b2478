import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from surrobench.encodings.graph import graph_labels
from surrobench.encodings.pyg import graph_batch, graph_data, graph_dataset
from surrobench.errors import SurrobenchError
from surrobench.spaces import get_space

NB201 = get_space("nb201")
NBGRAPH = get_space("nbgraph")
# conv3 on 0→1, none on 0→2, skip on 0→3, pool on 1→2, conv1 on 1→3, conv3 on 2→3
CELL = NB201.parse(
    "|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|"
    "+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
)


def decoded_labels(data, space):
    """The label of each node, read back from the one-hot rows."""
    assert torch.equal(data.x.sum(dim=1), torch.ones(data.num_nodes))
    return [graph_labels(space)[i] for i in data.x.argmax(dim=1).tolist()]


def test_a_hand_worked_nb201_cell():
    data = graph_data(CELL)
    # 4 cell nodes + 5 operation nodes ('none' on 0→2 is no node); worked by
    # hand in op_graph's topological order (Kahn's, smallest node first).
    assert decoded_labels(data, NB201) == [
        "input",
        "nor_conv_3x3",  # 0→1
        "node",  # cell node 1
        "skip_connect",  # 0→3
        "avg_pool_3x3",  # 1→2
        "node",  # cell node 2
        "nor_conv_1x1",  # 1→3
        "nor_conv_3x3",  # 2→3
        "output",
    ]
    assert data.edge_index.tolist() == [
        [0, 0, 1, 2, 2, 3, 4, 5, 6, 7],
        [1, 3, 2, 4, 6, 8, 5, 7, 8, 8],
    ]
    assert data.x.dtype == torch.float32 and data.x.shape == (9, 7)
    assert data.edge_index.dtype == torch.int64


def test_a_hand_worked_nbgraph_architecture():
    # link [0, 0, 1, 2]: gcn and gat read the input, sage reads gcn, skip reads
    # gat; sage and skip are read by no one, so they feed the output.
    arch = NBGRAPH.from_link_ops([0, 0, 1, 2], ["gcn", "gat", "sage", "skip"])
    data = graph_data(arch)
    assert decoded_labels(data, NBGRAPH) == [
        "input",
        "gcn",
        "gat",
        "sage",
        "skip",
        "output",
    ]
    assert data.edge_index.tolist() == [[0, 0, 1, 2, 3, 4], [1, 2, 3, 4, 5, 5]]
    assert data.x.shape == (6, len(graph_labels(NBGRAPH))) == (6, 11)


def test_edges_only_point_forward_with_no_self_loops(nb201, cora):
    for bench in (nb201, cora):
        batch = graph_batch(bench.sample(300, seed=0))
        source, target = batch.edge_index
        assert (source < target).all()  # no reverse edges, no self loops


def test_dead_operations_leave_no_node():
    # Only skip 0→3 reaches the output: the convolutions on 0→1→2 go nowhere.
    pruned = NB201.parse(
        "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|none~2|"
    )
    data = graph_data(pruned)
    assert decoded_labels(data, NB201) == ["input", "skip_connect", "output"]
    assert data.edge_index.tolist() == [[0, 1], [1, 2]]


def test_batch_matches_pyg_collation(nb201, cora):
    for bench in (nb201, cora):
        archs = bench.sample(200, seed=3)
        expected = Batch.from_data_list(graph_dataset(archs))
        batch = graph_batch(archs)
        for key in ("x", "edge_index", "batch", "ptr"):
            assert torch.equal(batch[key], expected[key]), key
        assert batch.num_graphs == 200


def test_batching_all_nb201_cells_is_fast(nb201):
    import time

    graph_batch(nb201.archs)  # fills the cache
    start = time.perf_counter()
    batch = graph_batch(nb201.archs)
    assert time.perf_counter() - start < 2.0
    assert batch.num_graphs == len(nb201) == 15_625


def test_cached_arrays_cannot_be_changed_through_a_tensor():
    first = graph_data(CELL)
    first.edge_index[0, 0] = 5
    first.x[0] = 0
    again = graph_data(CELL)
    assert again.edge_index[0, 0] == 0 and again.x[0].sum() == 1


def test_bad_input_is_named(nb201, cora):
    with pytest.raises(SurrobenchError, match="several spaces"):
        graph_batch([nb201.archs[0], cora.archs[0]])
    with pytest.raises(SurrobenchError, match="Architecture"):
        graph_dataset(["|none~0|"])
    with pytest.raises(SurrobenchError, match="sequence"):
        graph_batch("abc")
    with pytest.raises(SurrobenchError, match="at least one"):
        graph_batch([])
    with pytest.raises(SurrobenchError, match="space"):
        graph_data(cora.archs[0], NB201)


def test_one_hot_width_follows_the_space(cora):
    data = graph_dataset(cora.archs[:3])
    assert {d.x.shape[1] for d in data} == {len(graph_labels(NBGRAPH))}
    assert np.all([d.num_nodes <= NBGRAPH.num_nodes for d in data])
