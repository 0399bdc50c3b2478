"""Graph network predictors: GIN and GCN ensembles over the operation graph.

Each architecture is read as :mod:`surrobench.encodings.pyg`'s ``Data`` (the
operation-on-node DAG, one-hot labels). A network embeds the labels, runs
``num_layers`` message-passing layers over the DAG's edges taken both ways,
sums the node states of each graph and maps the sum to the standardised
target through a small MLP head::

    h⁰_v = ReLU(W x_v)
    h^{l+1}_v = ReLU(conv_l(hˡ, E ∪ Eᵀ)_v)
    ŷ = MLP(Σ_v h^L_v)

Why both ways: with the DAG's forward edges only, the input node never hears
of the operations after it and every node sees only its ancestors; on
NAS-Bench-201 train sets that cost ≈ 0.08 Kendall τ at 100 cells. Separate
weights per direction ranked no better (τ 0.59 against 0.63 at 100 cells, 0.79
against 0.77 at 400; two seeds) and cost 1.8× the time per step, so the two
directions share each layer's weights.

Why a sum over every node rather than the output node's state: in an
NAS-Bench-201 graph the output is six hops from the input, beyond a few
layers' reach (reading the output node reached τ 0.63 at 400 cells against
0.79 for the sum), and a sum also counts the operations. A mean gained 0.04 τ
at 100 cells and lost 0.02 at 400.

The uncertainty is that of a deep ensemble: ``num_models`` networks, each with
its own seed, initial weights, minibatch order and held-out slice, whose mean
and (population) standard deviation are the predictive mean and std.
"""

from __future__ import annotations

import logging
import math
from typing import ClassVar

import numpy as np
import torch
from scipy.stats import loguniform
from torch import nn
from torch_geometric.data import Batch
from torch_geometric.loader import DataLoader
from torch_geometric.nn import GCNConv, GINConv, global_add_pool

from surrobench.encodings.graph import graph_labels
from surrobench.encodings.pyg import graph_batch
from surrobench.errors import SurrobenchError, check_int
from surrobench.predictors.base import Predictor
from surrobench.predictors.torch_utils import seeded, single_thread

logger = logging.getLogger(__name__)

# Below this many training architectures no slice can be spared for early
# stopping: every network trains on all of them for ``epochs`` epochs.
MIN_TRAIN_FOR_EARLY_STOPPING = 10
MIN_HELD_OUT = 3
# With batch_size None a minibatch is this many graphs, or more once an epoch
# would take more than STEPS_PER_EPOCH steps: past ~600 cells an epoch keeps a
# fixed cost, so a fit at 1,000 cells stays near 20 s (for ≈ 0.01 τ).
DEFAULT_BATCH_SIZE = 64
STEPS_PER_EPOCH = 8
# Graphs per forward pass at predict time: all of NAS-Bench-201 in two passes.
PREDICT_CHUNK = 8192


def standardise(y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """``(mean, scale, (y − mean) / scale)``, ``scale`` the std (1 if y is flat).

    The std is taken through the largest deviation so that targets scaled by
    1e-300 do not underflow when squared.

    Example:
        >>> mean, scale, z = standardise(np.array([1.0, 2.0, 3.0]))
        >>> mean, round(scale, 4), z.round(4).tolist()
        (2.0, 0.8165, [-1.2247, 0.0, 1.2247])
    """
    mean = float(y.mean())
    centred = y - mean
    peak = float(np.abs(centred).max())
    spread = peak * float((centred / peak).std()) if peak > 0 else 0.0
    scale = spread if spread > 0 else 1.0
    return mean, scale, centred / scale


class GraphNetwork(nn.Module):
    """Embedding, ``num_layers`` message-passing layers both ways, sum, MLP head.

    Args:
        conv: ``"gin"`` (GINConv with a two-layer MLP) or ``"gcn"`` (GCNConv).
        num_labels: width of the one-hot node features.
        hidden_size: width of every node state and of the head.
        num_layers: message-passing layers.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> batch = graph_batch(load_benchmark("nb201-cifar10").archs[:5])
        >>> _ = torch.manual_seed(0)
        >>> GraphNetwork("gin", 7, hidden_size=16, num_layers=2)(batch).shape
        torch.Size([5])
    """

    def __init__(
        self, conv: str, num_labels: int, hidden_size: int, num_layers: int
    ) -> None:
        super().__init__()
        self.embed = nn.Linear(num_labels, hidden_size)
        self.convs = nn.ModuleList(_conv(conv, hidden_size) for _ in range(num_layers))
        self.head = nn.Sequential(
            nn.Linear(hidden_size, hidden_size), nn.ReLU(), nn.Linear(hidden_size, 1)
        )

    def forward(self, batch: Batch) -> torch.Tensor:
        """One prediction per graph of ``batch``; shape (graphs,)."""
        edges = torch.cat([batch.edge_index, batch.edge_index.flip(0)], dim=1)
        state = torch.relu(self.embed(batch.x))
        for conv in self.convs:
            state = torch.relu(conv(state, edges))
        pooled = global_add_pool(state, batch.batch, size=batch.ptr.numel() - 1)
        return self.head(pooled).squeeze(-1)


def _conv(kind: str, width: int) -> nn.Module:
    if kind == "gin":
        mlp = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))
        return GINConv(mlp)
    return GCNConv(width, width)


class GraphNetworkPredictor(Predictor):
    """A deep ensemble of :class:`GraphNetwork` regressors (shared by gin and gcn).

    Training: Adam on the mean squared error of standardised targets, in
    seeded minibatches from a torch-geometric ``DataLoader``. Each network
    holds out a seeded ``held_out_fraction`` of the train set (at least 3
    architectures), stops once the held-out error has not improved for
    ``patience`` epochs (or after ``epochs``) and keeps its best weights.
    Train sets under 10 architectures spare nothing: each network then trains
    on all of them for exactly ``epochs`` epochs.

    Defaults were chosen on NAS-Bench-201 train sets drawn apart from the test
    cells reported anywhere: two layers ranked as well as three or four and
    cost less; a patience of 40 epochs instead of 20 gained ≈ 0.03 τ at 100
    cells and ≈ 0.02 at 400 (over five seeds), as a held-out slice of 15 cells
    otherwise stops some networks on a noisy dip; ``weight_decay``, a larger
    step or width 32 or 128 did no better.

    Args:
        seed: seeds every network's weights, minibatches and held-out slice.
        hidden_size: width of the node states.
        num_layers: message-passing layers.
        learning_rate: Adam's step size.
        weight_decay: Adam's L2 penalty.
        batch_size: architectures per minibatch; None takes 64, or an eighth
            of the rows trained on where that is more.
        epochs: the most passes over the train set.
        patience: epochs without a better held-out error before stopping.
        held_out_fraction: share of the train set each network holds out.
        num_models: networks in the ensemble.
    """

    needs: ClassVar[tuple[str, ...]] = ("graph",)
    has_uncertainty: ClassVar[bool] = True
    conv: ClassVar[str]
    param_distributions: ClassVar[dict] = {
        "hidden_size": [32, 64, 128],
        "num_layers": [2, 3, 4],
        "learning_rate": loguniform(3e-4, 1e-2),
        "weight_decay": [0.0, 1e-5, 1e-4, 1e-3],
        "batch_size": [None, 32, 64, 128],
        "epochs": [100, 200, 300],
        "patience": [20, 40, 60],
    }

    def __init__(
        self,
        seed: int = 0,
        hidden_size: int = 64,
        num_layers: int = 2,
        learning_rate: float = 1e-3,
        weight_decay: float = 0.0,
        batch_size: int | None = None,
        epochs: int = 200,
        patience: int = 40,
        held_out_fraction: float = 0.15,
        num_models: int = 3,
    ) -> None:
        super().__init__(seed=seed)
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.epochs = epochs
        self.patience = patience
        self.held_out_fraction = held_out_fraction
        self.num_models = num_models

    def _fit(self, archs, y) -> None:
        self._check_params()
        self.target_mean_, self.target_scale_, standardised = standardise(y)
        self.networks_: list[GraphNetwork] = []
        self.held_out_: list[np.ndarray] = []
        self.held_out_losses_: list[np.ndarray] = []
        if np.all(standardised == 0):  # a flat target: every network would learn 0
            return

        targets = torch.tensor(standardised, dtype=torch.float32)
        num_labels = len(graph_labels(self.space_))
        with single_thread():
            for member in range(self.num_models):
                network, held_out, losses = self._fit_network(
                    archs, targets, num_labels, _member_seed(self.seed, member)
                )
                self.networks_.append(network)
                self.held_out_.append(held_out)
                self.held_out_losses_.append(losses)
        logger.debug(
            "%s: %d networks on %d architectures, %s epochs",
            self.name,
            len(self.networks_),
            len(archs),
            [len(losses) for losses in self.held_out_losses_],
        )

    def _fit_network(
        self, archs: list, targets: torch.Tensor, num_labels: int, seed: int
    ) -> tuple[GraphNetwork, np.ndarray, np.ndarray]:
        """Train one member; returns it, its held-out rows and per-epoch losses.

        ``targets``: standardised, shape (n,).
        """
        count = len(archs)
        order = np.random.default_rng(seed).permutation(count)
        if count >= MIN_TRAIN_FOR_EARLY_STOPPING:
            size = max(MIN_HELD_OUT, round(self.held_out_fraction * count))
            held_out, train = np.sort(order[:size]), order[size:]
        else:
            held_out, train = np.empty(0, dtype=int), order

        with seeded(seed) as generator:
            network = GraphNetwork(
                self.conv, num_labels, self.hidden_size, self.num_layers
            )
            optimizer = torch.optim.Adam(
                network.parameters(),
                lr=self.learning_rate,
                weight_decay=self.weight_decay,
                fused=True,  # one kernel for all parameters: a third off each step
            )
            # The loader deals out train-set rows; graph_batch stacks their
            # cached graphs. Collating Data objects instead took longer than the
            # network's own step.
            loader = DataLoader(
                train.tolist(),
                batch_size=self._batch_size(train.size),
                shuffle=True,
                generator=generator,
            )
            if held_out.size:
                held_batch = graph_batch([archs[i] for i in held_out], self.space_)
                held_targets = targets[held_out]
            best_epoch, best_state, losses = 0, None, []
            for epoch in range(self.epochs):
                for rows in loader:
                    batch = graph_batch([archs[i] for i in rows.tolist()], self.space_)
                    optimizer.zero_grad()
                    loss = torch.mean((network(batch) - targets[rows]) ** 2)
                    loss.backward()
                    optimizer.step()
                if not held_out.size:
                    continue
                with torch.no_grad():
                    error = network(held_batch) - held_targets
                    losses.append(float(torch.mean(error**2)))
                if losses[-1] < min(losses[:-1], default=math.inf):
                    best_epoch = epoch
                    best_state = {k: v.clone() for k, v in network.state_dict().items()}
                elif epoch - best_epoch >= self.patience:
                    break
            if best_state is not None:
                network.load_state_dict(best_state)
        return network.eval(), held_out, np.array(losses)

    def _batch_size(self, train_count: int) -> int:
        """Minibatch size when training on ``train_count`` architectures."""
        if self.batch_size is not None:
            return self.batch_size
        return max(DEFAULT_BATCH_SIZE, math.ceil(train_count / STEPS_PER_EPOCH))

    def _member_predictions(self, archs) -> np.ndarray:
        """Each network's standardised predictions; shape (num_models, n)."""
        rows = []
        with single_thread(), torch.no_grad():
            for start in range(0, len(archs), PREDICT_CHUNK):
                batch = graph_batch(archs[start : start + PREDICT_CHUNK], self.space_)
                rows.append(torch.stack([network(batch) for network in self.networks_]))
        return torch.cat(rows, dim=1).double().numpy()

    def _predict(self, archs) -> np.ndarray:
        return self._predict_dist(archs)[0]

    def _predict_dist(self, archs):
        if not self.networks_:  # a flat target
            return np.full(len(archs), self.target_mean_), np.zeros(len(archs))
        members = self._member_predictions(archs)
        mean = members.mean(axis=0) * self.target_scale_ + self.target_mean_
        return mean, members.std(axis=0) * self.target_scale_

    def _check_params(self) -> None:
        check_int("hidden_size", self.hidden_size, 1)
        check_int("num_layers", self.num_layers, 1)
        if self.batch_size is not None:
            check_int("batch_size", self.batch_size, 1)
        check_int("epochs", self.epochs, 1)
        check_int("patience", self.patience, 1)
        check_int("num_models", self.num_models, 2)  # one network has no spread
        _check_float("learning_rate", self.learning_rate, 0.0, math.inf, low_open=True)
        _check_float("weight_decay", self.weight_decay, 0.0, math.inf)
        _check_float("held_out_fraction", self.held_out_fraction, 0.0, 0.5, True)


class GINPredictor(GraphNetworkPredictor):
    """Graph isomorphism network ensemble (Xu et al. 2019):
    ``h'_v = MLP((1 + ε) h_v + Σ_{u ∈ N(v)} h_u)``, summed over nodes, MLP head.

    The GIN predictor of NAS-Bench-Suite, ``N(v)`` the DAG neighbours of ``v``
    either way (see the module docstring); ``ε = 0``.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(40, seed=0)
        >>> model = GINPredictor(seed=0, epochs=20).fit(train, bench.query(train))
        >>> mean, std = model.predict_dist(bench.sample(3, seed=1))
        >>> mean.shape, std.shape
        ((3,), (3,))
    """

    name = "gin"
    conv = "gin"


class GCNPredictor(GraphNetworkPredictor):
    """Graph convolutional network ensemble (Kipf & Welling 2017):
    ``h'_v = Σ_{u ∈ N(v) ∪ {v}} W h_u / √(d̂_u d̂_v)``, summed over nodes, MLP head.

    In the spirit of Wen et al. (2020)'s GCN predictor, run on the
    operation-on-node DAG with ``N(v)`` its neighbours either way and ``d̂`` the
    degree counting the self loop.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(40, seed=0)
        >>> model = GCNPredictor(seed=0, epochs=20).fit(train, bench.query(train))
        >>> model.predict(bench.sample(3, seed=1)).shape
        (3,)
    """

    name = "gcn"
    conv = "gcn"


def _member_seed(seed: int, member: int) -> int:
    """A seed of its own for each ensemble member, derived from ``seed``."""
    return int(np.random.SeedSequence([seed, member]).generate_state(1)[0])


def _check_float(
    what: str, value: object, low: float, high: float, low_open: bool = False
) -> float:
    """``value`` as a finite float in ``[low, high]`` (``(low, high]`` if open)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise SurrobenchError(f"{what} must be a number, got {value!r}")
    value = float(value)
    above_low = low < value if low_open else low <= value
    if not (math.isfinite(value) and above_low and value <= high):
        bracket = "(" if low_open else "["
        raise SurrobenchError(
            f"{what} must be a finite number in {bracket}{low}, {high}], got {value}"
        )
    return value
