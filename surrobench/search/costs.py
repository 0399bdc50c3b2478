"""Cost objectives for multi-objective search: read from a table or computed.

NAS-Bench-Graph tables carry their costs (``latency``, ``para``). The NB201
table carries none, so the parameters and FLOPs of each cell are counted here
from the NAS-Bench-201 CIFAR-10 network: a 3×3 stem convolution to C = 16
channels with BatchNorm, three stages of N = 5 cells at 16, 32 and 64
channels, a residual reduction block between stages, BatchNorm + ReLU, global
average pooling and a linear head over 10 classes.

* A cell edge's ``nor_conv_k×k`` is ReLU → Conv(C, C, k, bias off) → BN
  (affine): ``k²C² + 2C`` parameters and ``k²C²·H·W`` multiply-accumulates.
  ``skip_connect``, ``avg_pool_3x3`` and ``none`` carry no parameters; every
  edge's layer exists whether or not it reaches the cell's output.
* A reduction block from C to 2C is ReLU-Conv3×3(stride 2)-BN, then
  ReLU-Conv3×3-BN, with a shortcut of 2×2 average pooling and a 1×1
  convolution (bias off, no BN).

Parameters are learnable weights (BatchNorm's running statistics are not);
FLOPs are the multiply-accumulates of the convolutions and the linear layer
for one 32×32 image (BatchNorm, ReLU, pooling and additions not counted).
The smallest and largest cells give 0.0733 M and 1.5315 M parameters, 7.78 M
and 220.1 M FLOPs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from surrobench.architecture import Architecture
from surrobench.datasets import check_benchmark
from surrobench.errors import unknown_name

# The NB201 CIFAR-10 network: stem channels, cells per stage, image side,
# classes, and the kernel side of each convolution operation.
STEM_CHANNELS = 16
CELLS_PER_STAGE = 5
IMAGE_SIDE = 32
CLASSES = 10
CONV_KERNELS = {"nor_conv_1x1": 1, "nor_conv_3x3": 3}


def _stages() -> list[tuple[int, int]]:
    """(channels, feature-map side) of each of the three stages."""
    return [(STEM_CHANNELS * 2**i, IMAGE_SIDE // 2**i) for i in range(3)]


def _conv_bn(c_in: int, c_out: int, kernel: int) -> int:
    return kernel * kernel * c_in * c_out + 2 * c_out


def _skeleton_params() -> int:
    """Parameters outside the cells: stem, reduction blocks, last BN, head."""
    total = _conv_bn(3, STEM_CHANNELS, 3)
    for (c_in, _), (c_out, _) in zip(_stages(), _stages()[1:]):
        total += _conv_bn(c_in, c_out, 3) + _conv_bn(c_out, c_out, 3) + c_in * c_out
    last = _stages()[-1][0]
    return total + 2 * last + last * CLASSES + CLASSES


def _skeleton_flops() -> int:
    """Multiply-accumulates outside the cells, for one image."""
    total = 9 * 3 * STEM_CHANNELS * IMAGE_SIDE**2
    for (c_in, _), (c_out, side) in zip(_stages(), _stages()[1:]):
        total += (9 * c_in * c_out + 9 * c_out * c_out + c_in * c_out) * side**2
    return total + _stages()[-1][0] * CLASSES


def nb201_params(arch: Architecture) -> float:
    """Learnable parameters (millions) of the NB201 CIFAR-10 network of a cell.

    ``params = skeleton + N · Σ_stages Σ_edges (k²C² + 2C)`` over the
    convolution edges (see the module docstring).

    Example:
        >>> from surrobench.spaces import get_space
        >>> space = get_space("nb201")
        >>> round(nb201_params(space.from_ops(["nor_conv_3x3"] * 6)), 4)
        1.5315
    """
    total = _skeleton_params()
    for op in arch.edge_ops:
        kernel = CONV_KERNELS.get(op)
        if kernel:
            total += CELLS_PER_STAGE * sum(
                _conv_bn(channels, channels, kernel) for channels, _ in _stages()
            )
    return total / 1e6


def nb201_flops(arch: Architecture) -> float:
    """Multiply-accumulates (millions) of one 32×32 image through the network.

    ``flops = skeleton + N · Σ_stages Σ_edges k²C²·H·W`` over the convolution
    edges (see the module docstring).

    Example:
        >>> from surrobench.spaces import get_space
        >>> space = get_space("nb201")
        >>> round(nb201_flops(space.from_ops(["none"] * 6)), 2)
        7.78
    """
    total = _skeleton_flops()
    for op in arch.edge_ops:
        kernel = CONV_KERNELS.get(op)
        if kernel:
            total += CELLS_PER_STAGE * sum(
                kernel * kernel * channels * channels * side * side
                for channels, side in _stages()
            )
    return total / 1e6


# Costs computed from the architecture, per search space.
COMPUTED_COSTS: dict[str, dict[str, Callable[[Architecture], float]]] = {
    "nb201": {"params": nb201_params, "flops": nb201_flops},
}


def cost_names(benchmark) -> list[str]:
    """The costs a benchmark offers: those computed for its space, then its
    lower-is-better table metrics (spreads ``*_std`` excepted)."""
    check_benchmark(benchmark)
    computed = list(COMPUTED_COSTS.get(benchmark.space.name, {}))
    from_table = [
        name
        for name, metric in benchmark.metrics.items()
        if not metric.higher_is_better and not name.endswith("_std")
    ]
    return computed + [name for name in from_table if name not in computed]


def cost_values(benchmark, name: str) -> np.ndarray:
    """The cost ``name`` of every architecture of ``benchmark``; shape (n,).

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nbgraph-cora")
        >>> cost_values(bench, "para").shape
        (26206,)
    """
    if name not in cost_names(benchmark):
        raise unknown_name(f"cost of {benchmark.name}", name, cost_names(benchmark))
    computed = COMPUTED_COSTS.get(benchmark.space.name, {})
    if name in computed:
        return _computed(computed[name], benchmark.archs)
    return benchmark.values(name)


def _computed(function, archs: Sequence[Architecture]) -> np.ndarray:
    return np.array([function(arch) for arch in archs], dtype=float)
