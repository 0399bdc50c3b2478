"""PyTorch networks of NAS-Bench-201 cells, built with the benchmark's skeleton.

The macro skeleton is NAS-Bench-201's: a 3×3 convolution stem; three stages of
N copies of the cell at C, 2C and 4C channels, joined by residual reduction
blocks that halve the resolution; batch norm, ReLU, global average pooling and
a linear head. In the cell, node j sums ``op(node_i)`` over its incoming edges;
``nor_conv_kxk`` is ReLU → k×k convolution → batch norm, ``avg_pool_3x3`` a
3×3 average pooling, ``skip_connect`` the identity and ``none`` nothing at all.

``standard`` is the size NAS-Bench-201 trained (C=16, N=5, 32×32 input).
``small`` (C=8, N=5, 16×16 input) keeps the cell, the skeleton and its depth at
half the width and a quarter of the pixels: 16 times fewer multiply-adds.
Depth is what the gradient-based proxies need: with one cell per stage (N=1)
snip's Spearman correlation with NB201 CIFAR-10 accuracy falls from 0.62 to
0.25 on 500 random cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from surrobench.architecture import Architecture
from surrobench.errors import SurrobenchError, unknown_name
from surrobench.spaces.nb201 import EDGES, NB201Space

NUM_CLASSES = 10


@dataclass(frozen=True)
class NetworkSize:
    """How big a network to build around the cell.

    Attributes:
        name: ``standard`` or ``small``.
        channels: C, the channels of the first stage.
        cells_per_stage: N, cells in each of the three stages.
        resolution: height and width of the input images.
    """

    name: str
    channels: int
    cells_per_stage: int
    resolution: int

    def as_config(self) -> dict:
        """What identifies the size in a results store."""
        return {
            "name": self.name,
            "channels": self.channels,
            "cells_per_stage": self.cells_per_stage,
            "resolution": self.resolution,
        }


NETWORK_SIZES = {
    "standard": NetworkSize("standard", channels=16, cells_per_stage=5, resolution=32),
    "small": NetworkSize("small", channels=8, cells_per_stage=5, resolution=16),
}


def network_size(size: str | NetworkSize) -> NetworkSize:
    """The :class:`NetworkSize` called ``size`` (or ``size`` itself)."""
    if isinstance(size, NetworkSize):
        return size
    if size not in NETWORK_SIZES:
        raise unknown_name("network size", size, NETWORK_SIZES)
    return NETWORK_SIZES[size]


class ReLUConvBN(nn.Sequential):
    """``BN(conv_k×k(ReLU(x)))``: NAS-Bench-201's convolution operation."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel: int, stride: int = 1
    ) -> None:
        super().__init__(
            nn.ReLU(),
            nn.Conv2d(
                in_channels,
                out_channels,
                kernel,
                stride=stride,
                padding=kernel // 2,
                bias=False,
            ),
            nn.BatchNorm2d(out_channels),
        )


def cell_operation(op: str, channels: int) -> nn.Module | None:
    """The module of one NB201 edge operation; None for ``none``."""
    if op == "none":
        return None
    if op == "skip_connect":
        return nn.Identity()
    if op == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    if op == "nor_conv_1x1":
        return ReLUConvBN(channels, channels, 1)
    if op == "nor_conv_3x3":
        return ReLUConvBN(channels, channels, 3)
    raise SurrobenchError(f"no network module for NB201 operation {op!r}")


class Cell(nn.Module):
    """One NB201 cell: ``node_j = Σ_{i<j} op_ij(node_i)``, output = node 3.

    Edges labelled ``none`` are left out of the sum, which computes exactly
    what a multiplication by zero would; a node with no other input is zero.

    Shapes: input and output (batch, channels, height, width).
    """

    def __init__(self, edge_ops: tuple[str, ...], channels: int) -> None:
        super().__init__()
        self.edges = [
            (source, target, str(index))
            for index, ((source, target), op) in enumerate(zip(EDGES, edge_ops))
            if op != "none"
        ]
        self.ops = nn.ModuleDict(
            {
                str(index): cell_operation(op, channels)
                for index, op in enumerate(edge_ops)
                if op != "none"
            }
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for target in (1, 2, 3):
            inputs = [
                self.ops[key](nodes[source])
                for source, edge_target, key in self.edges
                if edge_target == target
            ]
            nodes.append(sum(inputs) if inputs else torch.zeros_like(x))
        return nodes[3]


class ReductionBlock(nn.Module):
    """NB201's residual block between stages: stride-2 convolutions plus a
    pooled 1×1 shortcut; ``out = conv_b(conv_a(x)) + conv_1×1(avgpool_2×2(x))``.

    Shapes: input (batch, C, H, W), output (batch, 2C, H/2, W/2).
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv_a = ReLUConvBN(in_channels, out_channels, 3, stride=2)
        self.conv_b = ReLUConvBN(out_channels, out_channels, 3)
        self.shortcut = nn.Sequential(
            nn.AvgPool2d(2, stride=2),
            nn.Conv2d(in_channels, out_channels, 1, bias=False),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv_b(self.conv_a(x)) + self.shortcut(x)


class NB201Network(nn.Module):
    """The NAS-Bench-201 network of one cell, at a given size.

    Args:
        arch: an architecture of space ``nb201``.
        size: ``"standard"`` (C=16, N=5), ``"small"`` (C=8, N=5) or a
            :class:`NetworkSize`.
        num_classes: outputs of the linear head.

    Shapes: input (batch, 3, resolution, resolution); :meth:`features`
    (batch, 4C, resolution/4, resolution/4); output (batch, num_classes).

    Example:
        >>> from surrobench.spaces import get_space
        >>> arch = get_space("nb201").from_tuple((2, 2, 0, 2, 3, 2))
        >>> network = NB201Network(arch, "small")
        >>> network(torch.zeros(2, 3, 16, 16)).shape
        torch.Size([2, 10])
    """

    def __init__(
        self,
        arch: Architecture,
        size: str | NetworkSize = "standard",
        num_classes: int = NUM_CLASSES,
    ) -> None:
        super().__init__()
        arch = check_nb201(arch)
        self.size = network_size(size)
        channels = self.size.channels
        self.stem = nn.Sequential(
            nn.Conv2d(3, channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(channels),
        )
        layers: list[nn.Module] = []
        for stage in range(3):
            if stage > 0:
                layers.append(ReductionBlock(channels, 2 * channels))
                channels *= 2
            layers += [
                Cell(arch.edge_ops, channels) for _ in range(self.size.cells_per_stage)
            ]
        self.cells = nn.Sequential(*layers)
        self.last_activation = nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU())
        self.classifier = nn.Linear(channels, num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The feature map before global pooling."""
        return self.last_activation(self.cells(self.stem(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).mean(dim=(2, 3)))


def check_nb201(arch: object) -> Architecture:
    """``arch`` if it is an NB201 cell, else an error saying what is supported."""
    if isinstance(arch, Architecture) and arch.space != NB201Space.name:
        raise SurrobenchError(
            f"zero-cost proxies build networks for NB201 cells only, got an "
            f"architecture of space {arch.space!r}; read proxies of other spaces "
            "from a NAS-Bench-Suite-Zero file instead"
        )
    return NB201Space().check(arch)
