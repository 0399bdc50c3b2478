"""NB201 cost counts against the published extremes and against a network
built layer by layer in torch."""

import numpy as np
import pytest
import torch
from torch import nn

from surrobench.errors import SurrobenchError
from surrobench.search.costs import cost_names, cost_values, nb201_flops, nb201_params
from surrobench.spaces.nb201 import EDGES

# NAS-Bench-201 (Dong & Yang, 2020) CIFAR-10 networks range from about 0.073 M
# parameters (every edge none, skip or pool) to 1.53 M (every edge a 3×3 conv).
SMALLEST_PARAMS, LARGEST_PARAMS = 0.073, 1.53


def test_parameter_extremes_match_nb201(nb201_space):
    smallest = nb201_params(nb201_space.from_ops(["none"] * 6))
    largest = nb201_params(nb201_space.from_ops(["nor_conv_3x3"] * 6))
    assert smallest == pytest.approx(SMALLEST_PARAMS, abs=0.0005)
    assert largest == pytest.approx(LARGEST_PARAMS, abs=0.005)
    for ops in (["skip_connect"] * 6, ["avg_pool_3x3"] * 6):
        assert nb201_params(nb201_space.from_ops(ops)) == smallest


def test_costs_over_the_benchmark(nb201):
    params = cost_values(nb201, "params")
    flops = cost_values(nb201, "flops")
    assert params.shape == flops.shape == (15625,)
    assert params.min() == pytest.approx(0.073306) and params.max() == pytest.approx(
        1.531546
    )
    assert flops.min() == pytest.approx(7.78304) and flops.max() == pytest.approx(
        220.11968
    )
    # Both count the same convolutions, so they rank cells alike.
    assert np.corrcoef(params, flops)[0, 1] > 0.999


def test_cost_names(nb201, cora):
    assert cost_names(nb201) == ["params", "flops"]
    assert cost_names(cora) == ["latency", "para"]
    with pytest.raises(SurrobenchError, match="did you mean 'params'"):
        cost_values(nb201, "param")


class _ReLUConvBN(nn.Sequential):
    def __init__(self, c_in, c_out, kernel, stride=1):
        super().__init__(
            nn.ReLU(),
            nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, bias=False),
            nn.BatchNorm2d(c_out, affine=True),
        )


class _Cell(nn.Module):
    def __init__(self, edge_ops, channels):
        super().__init__()
        self.edges = nn.ModuleList()
        for op in edge_ops:
            if op == "nor_conv_3x3":
                self.edges.append(_ReLUConvBN(channels, channels, 3))
            elif op == "nor_conv_1x1":
                self.edges.append(_ReLUConvBN(channels, channels, 1))
            elif op == "avg_pool_3x3":
                self.edges.append(nn.AvgPool2d(3, 1, 1))
            else:  # skip and none: no layer; none's output is zero
                self.edges.append(nn.Identity())
        self.zero = [op == "none" for op in edge_ops]

    def forward(self, x):
        nodes = [x]
        for target in (1, 2, 3):
            total = 0
            for index, (source, end) in enumerate(EDGES):
                if end == target:
                    out = self.edges[index](nodes[source])
                    total = total + (0 * out if self.zero[index] else out)
            nodes.append(total)
        return nodes[3]


class _Reduction(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.a = _ReLUConvBN(c_in, c_out, 3, stride=2)
        self.b = _ReLUConvBN(c_out, c_out, 3)
        self.shortcut = nn.Sequential(
            nn.AvgPool2d(2, 2), nn.Conv2d(c_in, c_out, 1, bias=False)
        )

    def forward(self, x):
        return self.b(self.a(x)) + self.shortcut(x)


def _network(edge_ops):
    layers = [nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)]
    for stage, channels in enumerate((16, 32, 64)):
        if stage:
            layers.append(_Reduction(channels // 2, channels))
        layers += [_Cell(edge_ops, channels) for _ in range(5)]
    layers += [
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(64, 10),
    ]
    return nn.Sequential(*layers)


def _multiply_accumulates(network):
    total = 0

    def count(module, inputs, output):
        nonlocal total
        if isinstance(module, nn.Conv2d):
            kernel = module.kernel_size[0] * module.kernel_size[1]
            total += output.numel() * module.in_channels * kernel
        elif isinstance(module, nn.Linear):
            total += module.in_features * module.out_features

    hooks = [m.register_forward_hook(count) for m in network.modules()]
    with torch.no_grad():
        network(torch.zeros(1, 3, 32, 32))
    for hook in hooks:
        hook.remove()
    return total


@pytest.mark.parametrize(
    "edge_ops",
    [
        ("none",) * 6,
        ("nor_conv_3x3",) * 6,
        (
            "nor_conv_1x1",
            "skip_connect",
            "nor_conv_3x3",
            "avg_pool_3x3",
            "none",
            "nor_conv_1x1",
        ),
    ],
)
def test_counts_equal_a_torch_network(nb201_space, edge_ops):
    arch = nb201_space.from_ops(edge_ops)
    network = _network(edge_ops)
    params = sum(parameter.numel() for parameter in network.parameters())
    assert nb201_params(arch) == pytest.approx(params / 1e6, abs=1e-9)
    assert nb201_flops(arch) == pytest.approx(
        _multiply_accumulates(network) / 1e6, abs=1e-9
    )
