"""Multilayer perceptrons: the network every neural predictor builds on, and BANANAS.

:class:`MLP` holds ``num_models`` independent fully connected networks side by
side, all their weights in one flat parameter vector, so that an ensemble
trains in one batched pass and an optimiser or sampler updates every weight in
a single tensor operation. :func:`train_mlp` fits it by minibatch AdamW.

Networks train in float32, all the precision gradient training needs; rounding
the standardised targets to float32 also leaves a fit blind to the last bits
of the target's units (a shift by 1e9, a scale by 1e-300).
"""

from __future__ import annotations

import logging
import math
from typing import ClassVar

import numpy as np
import torch
from scipy import stats

from surrobench.errors import SurrobenchError, check_int, unknown_name
from surrobench.predictors.base import VectorPredictor
from surrobench.predictors.torch_utils import as_tensor, seeded

logger = logging.getLogger(__name__)

NET_DTYPE = torch.float32
ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh}
LOSSES = ("mae", "mse")
# Initial weight variance times fan-in: He for ReLU, LeCun for tanh, so that
# activations neither vanish nor explode through a deep stack.
INIT_GAIN = {"relu": 2.0, "tanh": 1.0}


def _is_finite_number(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float | np.integer | np.floating)
        and math.isfinite(value)
    )


def check_positive(what: str, value: object) -> float:
    """``value`` as a float if it is a finite number > 0, else raise."""
    if not _is_finite_number(value) or value <= 0:
        raise SurrobenchError(f"{what} must be a positive number, got {value!r}")
    return float(value)


def check_non_negative(what: str, value: object) -> float:
    """``value`` as a float if it is a finite number ≥ 0, else raise."""
    if not _is_finite_number(value) or value < 0:
        raise SurrobenchError(f"{what} must be a number ≥ 0, got {value!r}")
    return float(value)


def check_choice(what: str, value: object, choices) -> str:
    """``value`` if it is one of ``choices``, else the error naming them."""
    if not isinstance(value, str) or value not in choices:
        raise unknown_name(what, value, choices)
    return value


def is_constant(y: np.ndarray) -> bool:
    """True when every target is the same: nothing to learn but that value."""
    return bool(np.ptp(y) == 0)


class MLP(torch.nn.Module):
    """``num_models`` fully connected networks, evaluated side by side.

    Each member computes ``f(x) = W_{L+1}ᵀ h_L + b_{L+1}`` with hidden layers
    ``h_l = act(W_lᵀ h_{l-1} + b_l)``, ``h_0 = x``, ``L = depth`` layers of
    ``width`` units. Member ``m``'s weights are ``W_l[m]`` of shape
    (num_models, fan_in, fan_out), views into the one flat parameter ``flat``.

    Args:
        inputs: input features d.
        width: units per hidden layer.
        depth: hidden layers (at least 1).
        outputs: output units.
        num_models: independent members.
        activation: ``relu`` or ``tanh``.

    Example:
        >>> net = MLP(inputs=4, width=8, depth=2, outputs=1, num_models=3)
        >>> net.reset_parameters(torch.Generator().manual_seed(0))
        >>> x = torch.zeros(5, 4)  # shared by the members
        >>> net(x).shape, net.hidden(x).shape
        (torch.Size([3, 5, 1]), torch.Size([3, 5, 8]))
    """

    def __init__(
        self,
        inputs: int,
        width: int,
        depth: int,
        outputs: int = 1,
        num_models: int = 1,
        activation: str = "relu",
    ) -> None:
        super().__init__()
        self.num_models = num_models
        self.activation = activation
        self.sizes = [(inputs, width)] + [(width, width)] * (depth - 1)
        self.sizes.append((width, outputs))
        self.chunk_sizes = [
            num_models * size
            for fan_in, fan_out in self.sizes
            for size in (fan_in * fan_out, fan_out)
        ]
        total = sum(self.chunk_sizes)
        self.flat = torch.nn.Parameter(torch.empty(total, dtype=NET_DTYPE))

    def layers(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """``(W, b)`` per layer: shapes (M, fan_in, fan_out) and (M, 1, fan_out)."""
        members = self.num_models
        # One split, not a slice per tensor: each slice's backward would write
        # a zero-filled copy of the whole flat vector.
        chunks = torch.split(self.flat, self.chunk_sizes)
        return [
            (
                chunks[2 * index].view(members, fan_in, fan_out),
                chunks[2 * index + 1].view(members, 1, fan_out),
            )
            for index, (fan_in, fan_out) in enumerate(self.sizes)
        ]

    def fan_ins(self) -> torch.Tensor:
        """Each weight's fan-in, 1 for a bias; shape (p,), aligned with ``flat``."""
        counts = []
        for fan_in, fan_out in self.sizes:
            counts.append(torch.full((self.num_models * fan_in * fan_out,), fan_in))
            counts.append(torch.ones(self.num_models * fan_out))
        return torch.cat(counts).to(NET_DTYPE)

    def member_index(self) -> torch.Tensor:
        """The member each entry of ``flat`` belongs to; shape (p,)."""
        members = torch.arange(self.num_models)
        return torch.cat(
            [
                members.repeat_interleave(size // self.num_models)
                for size in self.chunk_sizes
            ]
        )

    @torch.no_grad()
    def reset_parameters(self, generator: torch.Generator) -> None:
        """Draw ``W ~ N(0, gain / fan_in)`` (gain 1 for the output layer), b = 0."""
        layers = self.layers()
        for index, (weight, bias) in enumerate(layers):
            fan_in = weight.shape[1]
            last = index == len(layers) - 1
            gain = 1.0 if last else INIT_GAIN[self.activation]
            noise = torch.randn(weight.shape, generator=generator, dtype=NET_DTYPE)
            weight.copy_(noise * math.sqrt(gain / fan_in))
            bias.zero_()

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """Last hidden layer ``h_L``; x (n, d) or (M, n, d) → (M, n, width)."""
        act = ACTIVATIONS[self.activation]
        h = x
        for weight, bias in self.layers()[:-1]:
            h = act(torch.matmul(h, weight) + bias)
        return h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Outputs; x (n, d) or (M, n, d) → (M, n, outputs)."""
        weight, bias = self.layers()[-1]
        return torch.baddbmm(bias, self.hidden(x), weight)


def train_mlp(
    net: MLP,
    features: torch.Tensor,
    y: torch.Tensor,
    *,
    loss: str,
    epochs: int,
    learning_rate: float,
    weight_decay: float,
    batch_size: int,
    generator: torch.Generator,
    validation: tuple[torch.Tensor, torch.Tensor] | None = None,
) -> float:
    """Fit ``net``'s single output to ``y`` by AdamW, cosine-annealed to zero.

    Each member minimises its own ``mean_i ℓ(f(x_i) − y_i)`` (``ℓ`` absolute or
    squared error) over its own shuffle of the train set; the members' losses
    are summed, so their gradients stay apart. Given a validation set, each
    member ends at the epoch where its validation loss was lowest (early
    stopping). Returns the final epoch's train loss per member.

    Args:
        features: shape (n, d).
        y: targets, shape (n,).
        validation: held-out features (v, d) and targets (v,), or None.
    """
    n = len(y)
    batch_size = min(batch_size, n)
    batches = math.ceil(n / batch_size)
    optimizer = torch.optim.AdamW(
        net.parameters(), lr=learning_rate, weight_decay=weight_decay
    )
    steps, step = epochs * batches, 0
    epoch_loss = float("nan")
    if validation is not None:
        member_of = net.member_index()
        best_weights = net.flat.detach().clone()
        best_loss = torch.full((net.num_models,), math.inf)
    for epoch in range(epochs):
        # One shuffle per member, so members see different minibatches.
        order = torch.argsort(torch.rand(net.num_models, n, generator=generator), 1)
        total = 0.0
        for start in range(0, n, batch_size):
            rows = order[:, start : start + batch_size]
            objective = _member_losses(net(features[rows]), y[rows], loss).sum()

            # Cosine annealing: large steps first, then settle into a minimum.
            for group in optimizer.param_groups:
                group["lr"] = (
                    learning_rate * 0.5 * (1 + math.cos(math.pi * step / steps))
                )
            optimizer.zero_grad(set_to_none=True)
            objective.backward()
            optimizer.step()
            step += 1
            total += objective.item() * rows.shape[1] / n
        epoch_loss = total / net.num_models
        logger.debug("epoch %d: loss %.4g", epoch, epoch_loss)

        if validation is not None:
            with torch.no_grad():
                held_out = _member_losses(net(validation[0]), validation[1], loss)
                improved = held_out < best_loss
                best_loss = torch.where(improved, held_out, best_loss)
                best_weights = torch.where(
                    improved[member_of], net.flat.detach(), best_weights
                )
    if validation is not None:
        with torch.no_grad():
            net.flat.copy_(best_weights)
    return epoch_loss


def _member_losses(outputs: torch.Tensor, y: torch.Tensor, loss: str) -> torch.Tensor:
    """Each member's mean loss; outputs (M, b, 1), y (b,) or (M, b) → (M,)."""
    error = outputs[..., 0] - y
    return (error.abs() if loss == "mae" else error.square()).mean(dim=1)


class BANANASPredictor(VectorPredictor):
    """BANANAS' ensemble: ``μ(x) = mean_m f_m(x)``, ``σ(x) = std_m f_m(x)``.

    ``num_models`` MLPs (White et al., 2021), each from its own random
    initialisation and minibatch order, fit to the standardised targets of the
    path encoding. The spread of the members measures how much the fit depends
    on those random choices; it holds no observation noise.

    Args:
        num_models: ensemble members (at least 2).
        width: units per hidden layer.
        depth: hidden layers.
        epochs: passes over the train set.
        learning_rate: AdamW's initial step size, annealed to zero.
        weight_decay: AdamW's decoupled weight decay.
        batch_size: minibatch size (the whole set if smaller).
        loss: ``mae`` (as in BANANAS) or ``mse``.
        activation: ``relu`` or ``tanh``.

    Example:
        >>> from surrobench.datasets import load_benchmark
        >>> bench = load_benchmark("nb201-cifar10")
        >>> train = bench.sample(50, seed=0)
        >>> model = BANANASPredictor(epochs=20).fit(train, bench.query(train))
        >>> mean, std = model.predict_dist(bench.sample(3, seed=1))
        >>> mean.shape, bool((std > 0).all())
        ((3,), True)
    """

    name = "bananas"
    has_uncertainty = True
    default_encoding = "path"
    param_distributions: ClassVar[dict] = {
        "num_models": [3, 5, 10],
        "width": [20, 32, 64, 128],
        "depth": [1, 2, 3, 5, 10, 20],
        "epochs": [50, 100, 200, 300],
        "learning_rate": stats.loguniform(1e-3, 3e-2),
        "weight_decay": stats.loguniform(1e-4, 1e-1),
        "batch_size": [16, 32, 64, 128],
        "loss": list(LOSSES),
        "activation": list(ACTIVATIONS),
    }

    def __init__(
        self,
        encoding: str | None = None,
        seed: int = 0,
        num_models: int = 5,
        width: int = 64,
        depth: int = 3,
        epochs: int = 100,
        learning_rate: float = 0.01,
        weight_decay: float = 0.01,
        batch_size: int = 32,
        loss: str = "mae",
        activation: str = "relu",
    ) -> None:
        super().__init__(encoding=encoding, seed=seed)
        self.num_models = num_models
        self.width = width
        self.depth = depth
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.loss = loss
        self.activation = activation

    def _check_params(self) -> None:
        check_int("num_models", self.num_models, 2)
        check_int("width", self.width, 1)
        check_int("depth", self.depth, 1)
        check_int("epochs", self.epochs, 1)
        check_int("batch_size", self.batch_size, 1)
        check_positive("learning_rate", self.learning_rate)
        check_non_negative("weight_decay", self.weight_decay)
        check_choice("loss", self.loss, LOSSES)
        check_choice("activation", self.activation, ACTIVATIONS)

    def _fit_features(self, features, y) -> None:
        self._check_params()
        self.constant_ = float(y[0]) if is_constant(y) else None
        if self.constant_ is not None:
            return
        with seeded(self.seed) as generator:
            self.net_ = MLP(
                features.shape[1],
                self.width,
                self.depth,
                num_models=self.num_models,
                activation=self.activation,
            )
            self.net_.reset_parameters(generator)
            loss = train_mlp(
                self.net_,
                as_tensor(features, NET_DTYPE),
                as_tensor(y, NET_DTYPE),
                loss=self.loss,
                epochs=self.epochs,
                learning_rate=self.learning_rate,
                weight_decay=self.weight_decay,
                batch_size=self.batch_size,
                generator=generator,
            )
        logger.debug("bananas: %d members, final loss %.4g", self.num_models, loss)

    def member_predictions(self, features: np.ndarray) -> np.ndarray:
        """Each member's standardised prediction; features (n, d) → (M, n)."""
        if self.constant_ is not None:
            return np.full((self.num_models, len(features)), self.constant_)
        with torch.no_grad():
            outputs = self.net_(as_tensor(features, NET_DTYPE))[..., 0]
        return outputs.double().numpy()

    def _predict_features(self, features) -> np.ndarray:
        return self.member_predictions(features).mean(axis=0)

    def _predict_dist_features(self, features):
        members = self.member_predictions(features)
        return members.mean(axis=0), members.std(axis=0)
