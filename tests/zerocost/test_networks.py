import pytest
import torch

from surrobench.errors import SurrobenchError
from surrobench.zerocost.networks import NETWORK_SIZES, Cell, NB201Network
from surrobench.zerocost.proxies import ProxyContext, flops, params

pytestmark = pytest.mark.usefixtures("one_torch_thread")

# NAS-Bench-201's own counts on CIFAR-10 for its largest and smallest cells:
# params (millions) and FLOPs (millions of multiply-accumulates).
ALL_CONV_3X3 = (2,) * 6
ALL_SKIP = (0,) * 6
PUBLISHED = {ALL_CONV_3X3: (1.531546, 220.11968), ALL_SKIP: (0.073306, 7.78304)}


@pytest.mark.parametrize("indices", list(PUBLISHED))
def test_standard_network_matches_nb201s_published_size(nb201_space, indices):
    context = ProxyContext.from_data(nb201_space.from_tuple(indices), size="standard")
    expected_params, expected_flops = PUBLISHED[indices]
    assert params(context) == pytest.approx(expected_params, abs=1e-6)
    assert flops(context) == pytest.approx(expected_flops, abs=1e-4)


@pytest.mark.parametrize("size", list(NETWORK_SIZES))
def test_output_and_feature_shapes(nb201_space, size):
    arch = nb201_space.from_tuple((2, 3, 0, 4, 1, 2))
    network = NB201Network(arch, size)
    resolution = NETWORK_SIZES[size].resolution
    channels = NETWORK_SIZES[size].channels
    images = torch.randn(3, 3, resolution, resolution)
    assert network(images).shape == (3, 10)
    assert network.features(images).shape == (
        3,
        4 * channels,
        resolution // 4,
        resolution // 4,
    )
    cells = sum(isinstance(module, Cell) for module in network.modules())
    assert cells == 3 * NETWORK_SIZES[size].cells_per_stage


def test_none_edges_compute_nothing(nb201_space):
    # Only 0→1 carries an operation, and node 1 reaches the output through
    # 'none' edges alone: the cell's output is zero whatever its input.
    cell = Cell(nb201_space.from_tuple((3, 1, 1, 1, 1, 1)).edge_ops, channels=4)
    assert len(cell.ops) == 1
    assert torch.count_nonzero(cell(torch.randn(2, 4, 8, 8))) == 0
    # A skip from input to output passes the input through unchanged.
    skip = Cell(nb201_space.from_tuple((1, 1, 0, 1, 1, 1)).edge_ops, channels=4)
    images = torch.randn(2, 4, 8, 8)
    torch.testing.assert_close(skip(images), images)


def test_other_spaces_and_sizes_are_refused(cora, nb201_space):
    with pytest.raises(SurrobenchError, match=r"NB201 cells only.*'nbgraph'"):
        NB201Network(cora.archs[0])
    with pytest.raises(SurrobenchError, match="did you mean 'small'"):
        NB201Network(nb201_space.from_tuple(ALL_SKIP), "smal")
