import numpy as np
import pytest

from surrobench.encodings import encoding_names, get_encoding
from surrobench.errors import SurrobenchError
from surrobench.spaces import get_space

NB201 = get_space("nb201")
NBGRAPH = get_space("nbgraph")
# conv3 on 0→1, none on 0→2, skip on 0→3, pool on 1→2, conv1 on 1→3, conv3 on 2→3
CELL = NB201.parse(
    "|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|"
    "+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
)


def test_onehot_of_a_hand_worked_cell():
    encoding = get_encoding("onehot")
    features = encoding.encode([CELL])[0]
    names = encoding.feature_names(NB201)
    on = {name for name, value in zip(names, features) if value}
    assert on == {
        "adj0-1",
        "adj0-3",
        "adj1-2",
        "adj1-3",
        "adj2-3",  # 0→2 is 'none'
        "edge0-1=nor_conv_3x3",
        "edge0-2=none",
        "edge0-3=skip_connect",
        "edge1-2=avg_pool_3x3",
        "edge1-3=nor_conv_1x1",
        "edge2-3=nor_conv_3x3",
    }
    assert features.dtype == np.float32 and features.shape == (36,)


def test_categorical_of_a_hand_worked_cell():
    features = get_encoding("categorical").encode([CELL])[0]
    # NB201_OPS = none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3
    np.testing.assert_array_equal(features, [3, 0, 1, 4, 2, 3])


def test_path_of_a_hand_worked_cell():
    encoding = get_encoding("path")
    features = encoding.encode([CELL])[0]
    on = {name for name, value in zip(encoding.feature_names(NB201), features) if value}
    # Routes 0→3, 0→1→3 and 0→1→2→3 carry paths; 0→2→3 runs through 'none'.
    assert on == {
        "path:skip_connect",
        "path:nor_conv_3x3>nor_conv_1x1",
        "path:nor_conv_3x3>avg_pool_3x3>nor_conv_3x3",
    }
    assert len(encoding.feature_names(NB201)) == 4 + 16 + 64


def test_path_of_a_graph_architecture():
    arch = NBGRAPH.from_link_ops([0, 0, 1, 2], ["gcn", "gat", "sage", "skip"])
    encoding = get_encoding("path")
    features = encoding.encode([arch])[0]
    on = {name for name, v in zip(encoding.feature_names(NBGRAPH), features) if v}
    assert on == {"path:gcn>sage", "path:gat>skip"}


# Encodings of the structure alone; zc reads proxy scores (see test_zc.py).
STRUCTURAL = [name for name in encoding_names() if name != "zc"]


def test_onehot_of_a_graph_architecture_keeps_the_wiring():
    a = NBGRAPH.from_link_ops([0, 0, 1, 2], ["gcn", "gat", "sage", "skip"])
    b = NBGRAPH.from_link_ops([0, 1, 2, 3], ["gcn", "gat", "sage", "skip"])
    for name in STRUCTURAL:
        encoded = get_encoding(name).encode([a, b])
        assert not np.array_equal(encoded[0], encoded[1]), name


@pytest.mark.parametrize("name", [*STRUCTURAL, "onehot+path"])
def test_batch_encoding_equals_one_at_a_time(name, nb201, cora):
    encoding = get_encoding(name)
    for bench in (nb201, cora):
        archs = bench.sample(200, seed=0)
        batch = encoding.encode(archs)
        single = np.vstack([encoding.encode([arch]) for arch in archs])
        np.testing.assert_array_equal(batch, single)
        assert batch.shape == (200, len(encoding.feature_names(bench.space)))


def test_whole_benchmark_encodes_to_distinct_rows(nb201):
    features = get_encoding("onehot").encode(nb201.archs)
    assert features.shape == (15625, 36)
    assert len(np.unique(features, axis=0)) == 15625


def test_unknown_encoding_names_the_choices():
    with pytest.raises(SurrobenchError, match="did you mean 'onehot'"):
        get_encoding("onehott")
    with pytest.raises(SurrobenchError, match="unknown encoding 'zz' in 'onehot\\+zz'"):
        get_encoding("onehot+zz")
    with pytest.raises(SurrobenchError, match="unknown encoding '' in 'onehot\\+'"):
        get_encoding("onehot+")


def test_encoding_rejects_mixed_spaces_and_non_architectures(nb201, cora):
    with pytest.raises(SurrobenchError, match="space"):
        get_encoding("onehot").encode([nb201.archs[0], cora.archs[0]])
    with pytest.raises(SurrobenchError):
        get_encoding("onehot").encode(["|none~0|"])
    with pytest.raises(SurrobenchError, match="pass space="):
        get_encoding("onehot").encode([])
    with pytest.raises(SurrobenchError, match="sequence"):
        get_encoding("onehot").encode(arch for arch in nb201.archs[:3])
    assert get_encoding("path").encode([], nb201.space).shape == (0, 84)
    named = get_encoding("onehot").encode(nb201.archs[:3], "nb201")
    np.testing.assert_array_equal(named, get_encoding("onehot").encode(nb201.archs[:3]))
