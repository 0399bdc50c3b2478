"""NB201 cost counts against the published extremes and against the standard
zero-cost network built layer by layer in torch."""

import numpy as np
import pytest
import torch

from surrobench.errors import SurrobenchError
from surrobench.search.costs import cost_names, cost_values, nb201_flops, nb201_params
from surrobench.zerocost.proxies import ProxyContext, flops, params

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
def test_counts_equal_the_zero_cost_network(nb201_space, edge_ops):
    """Two independent counts: the analytic one here and the zero-cost proxies'
    hooks on the standard torch network built layer by layer."""
    arch = nb201_space.from_ops(edge_ops)
    images = torch.zeros(1, 3, 32, 32)
    context = ProxyContext(arch, images, torch.zeros(1, dtype=torch.long), "standard")
    assert nb201_params(arch) == pytest.approx(params(context), abs=1e-9)
    assert nb201_flops(arch) == pytest.approx(flops(context), abs=1e-9)
