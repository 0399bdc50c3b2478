"""Thirteen zero-cost proxies: scores of an untrained network from one minibatch.

Each proxy is a function of a :class:`ProxyContext` (one architecture, one
network size, one minibatch, one seed) and returns a finite float. θ ranges
over the weights of every convolution and linear layer, L is the cross-entropy
of the minibatch at initialisation (batch norm in training mode), and the
network is initialised by PyTorch's defaults under the seed, so the same
context always gives the same score.

Every proxy declares its direction: ``higher_is_better`` is True where a larger
score predicts a more accurate network, as in the papers that proposed them.
Proxies that span orders of magnitude across cells are marked ``log_scale``;
the ``zc`` encoding takes their logarithm.

Scores that would be −inf (a logarithm of zero, for a cell whose output does
not depend on its input) are floored at ``LOG_FLOOR = log(1e-300) ≈ −690.8``,
below every real network's score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from surrobench.architecture import Architecture
from surrobench.errors import SurrobenchError, check_seed, unknown_name
from surrobench.predictors.torch_utils import seeded
from surrobench.zerocost import PROXY_NAMES
from surrobench.zerocost.data import DataSpec, load_minibatch
from surrobench.zerocost.networks import NB201Network, NetworkSize, network_size

LOG_FLOOR = math.log(1e-300)
# Added to eigenvalues and correlations before their logarithm, as in the
# proxies' papers, so that a singular matrix still has a finite score.
EIGEN_OFFSET = 1e-5
ZEN_MIXUP = 0.01  # α: the size of the input perturbation in the Zen-score


def safe_log(value: float) -> float:
    """``log(value)``, floored at :data:`LOG_FLOOR` where value ≤ 1e-300."""
    return math.log(value) if value > 1e-300 else LOG_FLOOR


def weighted_layers(network: nn.Module) -> list[nn.Module]:
    """Every convolution and linear layer, in module order."""
    return [m for m in network.modules() if isinstance(m, nn.Conv2d | nn.Linear)]


@dataclass
class GradientPass:
    """What one forward and backward pass of L gives every gradient proxy.

    Attributes:
        weights: θ_l of each layer, detached.
        gradients: ∂L/∂θ_l of each layer (zeros where L does not reach it).
        fisher: ``½ Σ_c mean_n (Σ_hw z ⊙ ∂L/∂z)²`` of each layer's output z.
    """

    weights: list[torch.Tensor]
    gradients: list[torch.Tensor]
    fisher: list[float]


class ProxyContext:
    """One architecture scored at one network size on one minibatch and seed.

    Passes that several proxies share (the loss gradients, the input Jacobian)
    run once and are kept; every proxy starts from the network reset to its
    initial state, so the order in which proxies run changes no score.

    Args:
        arch: an NB201 cell.
        images: float32 of shape (batch, 3, resolution, resolution).
        labels: int64 of shape (batch,).
        size: ``standard``, ``small`` or a :class:`NetworkSize`.
        seed: seeds the network's initialisation and any noise a proxy draws.
    """

    def __init__(
        self,
        arch: Architecture,
        images: torch.Tensor,
        labels: torch.Tensor,
        size: str | NetworkSize = "small",
        seed: int = 0,
    ) -> None:
        self.arch = arch
        self.size = network_size(size)
        self.seed = check_seed(seed)
        resolution = self.size.resolution
        if tuple(images.shape[1:]) != (3, resolution, resolution):
            raise SurrobenchError(
                f"images of shape {tuple(images.shape)} do not fit the {self.size.name}"
                f" network's input (batch, 3, {resolution}, {resolution})"
            )
        if labels.shape != (images.shape[0],):
            raise SurrobenchError(
                f"{images.shape[0]} images but labels of shape {tuple(labels.shape)}"
            )
        self.images = images
        self.labels = labels
        self._network: NB201Network | None = None
        self._initial_state: dict[str, torch.Tensor] = {}

    @classmethod
    def from_data(
        cls,
        arch: Architecture,
        data: DataSpec | None = None,
        size: str | NetworkSize = "small",
        seed: int = 0,
    ) -> ProxyContext:
        """A context whose minibatch is drawn from ``data`` (digits by default)."""
        size = network_size(size)
        images, labels = load_minibatch(data or DataSpec(), size.resolution, seed)
        return cls(arch, images, labels, size, seed)

    def network(self) -> NB201Network:
        """The seeded network at its initial state, in training mode.

        Built once per context (building costs more than most proxies) and
        reset on every call: float32 weights and batch-norm statistics as
        initialised, no gradients. A proxy may change the network it gets.
        """
        if self._network is None:
            with seeded(self.seed):
                self._network = NB201Network(self.arch, self.size)
            self._initial_state = {
                name: value.detach().clone()
                for name, value in self._network.state_dict().items()
            }
        network = self._network.float()
        with torch.no_grad():
            network.load_state_dict(self._initial_state)
        for parameter in network.parameters():
            parameter.grad = None
            parameter.requires_grad_(True)
        return network.train()

    @cached_property
    def gradients(self) -> GradientPass:
        network = self.network()
        layers = weighted_layers(network)
        fisher = [0.0] * len(layers)

        def keep_fisher(index: int):
            def hook(module, inputs, output):
                # The closure keeps a detached view, not the output itself: a
                # tensor whose own hook refers back to it is never freed.
                activation = output.detach()

                def on_gradient(gradient):
                    product = activation * gradient
                    if product.dim() == 4:
                        product = product.sum(dim=(2, 3))
                    fisher[index] += 0.5 * float(product.double().pow(2).mean(0).sum())

                if output.requires_grad:
                    output.register_hook(on_gradient)

            return hook

        handles = [
            layer.register_forward_hook(keep_fisher(i))
            for i, layer in enumerate(layers)
        ]
        try:
            loss = F.cross_entropy(network(self.images), self.labels)
            loss.backward()
        finally:
            for handle in handles:
                handle.remove()
        # Copies: later proxies reset or change the network's own tensors.
        weights = [layer.weight.detach().clone() for layer in layers]
        gradients = [
            torch.zeros_like(layer.weight)
            if layer.weight.grad is None
            else layer.weight.grad.detach()
            for layer in layers
        ]
        return GradientPass(weights, gradients, fisher)

    @cached_property
    def input_jacobian(self) -> np.ndarray:
        """``J_n = ∂(Σ_k f_k(x_n))/∂x_n`` per image; float64 (batch, 3·H·W)."""
        network = self.network()
        images = self.images.clone().requires_grad_(True)
        output = network(images)
        if output.requires_grad:
            output.backward(torch.ones_like(output))
        if images.grad is None:  # the output does not depend on the input
            return np.zeros((len(images), images[0].numel()))
        return images.grad.reshape(len(images), -1).double().numpy()


def synflow(context: ProxyContext) -> float:
    """``synflow = log Σ_θ |θ ⊙ ∂R/∂θ|``, ``R = 1ᵀ f_|θ|(1)``.

    The network runs in float64 with every parameter replaced by its absolute
    value on an all-ones input of one image, batch norm in evaluation mode with
    fresh statistics (the original removes it); no data is read. The network
    is then linear in its input, so where the float64 sum would overflow the
    input is scaled down and the logarithm corrected exactly.

    Example:
        >>> synflow(example_context()) > 0
        True
    """
    for scale in (1.0, 1e-200):
        total = _synflow_sum(context, scale)
        if math.isfinite(total):
            return safe_log(total) - math.log(scale) if total > 0 else LOG_FLOOR
    return LOG_FLOOR  # NOTE: unreachable for NB201 sizes; 1e-200 leaves 1e508 room


def _synflow_sum(context: ProxyContext, scale: float) -> float:
    network = context.network().double().eval()
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.abs_()
    resolution = context.size.resolution
    inputs = torch.full((1, 3, resolution, resolution), scale, dtype=torch.float64)
    network(inputs).sum().backward()
    total = 0.0
    for layer in weighted_layers(network):
        if layer.weight.grad is not None:
            total += float((layer.weight.detach() * layer.weight.grad).abs().sum())
    return total


def snip(context: ProxyContext) -> float:
    """``snip = Σ_θ |θ ⊙ ∂L/∂θ|``: connection sensitivity.

    Example:
        >>> snip(example_context()) > 0
        True
    """
    grads = context.gradients
    return float(
        sum((w * g).abs().sum() for w, g in zip(grads.weights, grads.gradients))
    )


def grasp(context: ProxyContext) -> float:
    """``grasp = −Σ_θ θ ⊙ (H ∂L/∂θ)``, H the Hessian of L: gradient signal
    preservation, through one Hessian-gradient product.

    Example:
        >>> math.isfinite(grasp(example_context()))
        True
    """
    network = context.network()
    weights = [layer.weight for layer in weighted_layers(network)]
    loss = F.cross_entropy(network(context.images), context.labels)
    gradients = torch.autograd.grad(loss, weights, create_graph=True, allow_unused=True)
    used = [(w, g) for w, g in zip(weights, gradients) if g is not None]
    # z = gᵀ·stop(g), so ∂z/∂θ = H g.
    z = sum((g * g.detach()).sum() for _, g in used)
    if not z.requires_grad:  # the loss is linear in every weight: H g = 0
        return 0.0
    hessian_gradient = torch.autograd.grad(z, [w for w, _ in used], allow_unused=True)
    return float(
        -sum(
            (w.detach() * hg).sum()
            for (w, _), hg in zip(used, hessian_gradient)
            if hg is not None
        )
    )


def fisher(context: ProxyContext) -> float:
    """``fisher = Σ_layers Σ_c ½ mean_n (Σ_hw z_nchw ∂L/∂z_nchw)²`` over each
    convolution's and linear layer's output z: the loss's sensitivity to
    removing a channel.

    Example:
        >>> fisher(example_context()) > 0
        True
    """
    return float(sum(context.gradients.fisher))


def grad_norm(context: ProxyContext) -> float:
    """``grad_norm = Σ_layers ‖∂L/∂θ_l‖₂``.

    Example:
        >>> grad_norm(example_context()) > 0
        True
    """
    return float(sum(g.double().norm() for g in context.gradients.gradients))


def plain(context: ProxyContext) -> float:
    """``plain = Σ_θ θ ⊙ ∂L/∂θ``, signed.

    Example:
        >>> math.isfinite(plain(example_context()))
        True
    """
    grads = context.gradients
    return float(
        sum((w * g).double().sum() for w, g in zip(grads.weights, grads.gradients))
    )


def _correlations(rows: np.ndarray) -> np.ndarray:
    """Pearson correlation of each pair of rows; shape (n, n).

    A row with no variation (the output ignores that image) counts as
    perfectly correlated with every row: it tells no image apart.
    """
    centred = rows - rows.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(centred, axis=1)
    flat = norms <= 1e-12 * max(float(norms.max(initial=0.0)), 1e-300)
    unit = centred / np.where(flat, 1.0, norms)[:, None]
    matrix = np.clip(unit @ unit.T, -1.0, 1.0)
    matrix[flat, :] = 1.0
    matrix[:, flat] = 1.0
    return matrix


def jacov(context: ProxyContext) -> float:
    """``jacov = −Σ_i [log(λ_i + k) + 1/(λ_i + k)]``, λ the eigenvalues of
    the correlation matrix of the input Jacobians ``J_n = ∂Σ_k f_k(x_n)/∂x_n``,
    ``k = 1e-5``; eigenvalues below 0 (rounding, or an image the network
    ignores) count as 0.

    Example:
        >>> jacov(example_context()) < 0
        True
    """
    eigenvalues = np.clip(
        np.linalg.eigvalsh(_correlations(context.input_jacobian)), 0.0, None
    )
    shifted = eigenvalues + EIGEN_OFFSET
    return float(-np.sum(np.log(shifted) + 1.0 / shifted))


def epe_nas(context: ProxyContext) -> float:
    """``epe_nas = Σ_c |Σ_ij log(|ρ^c_ij| + k)|``, ρ^c the correlation matrix of
    the input Jacobians of the minibatch's class-c images, ``k = 1e-5``.

    Example:
        >>> epe_nas(example_context()) > 0
        True
    """
    jacobian = context.input_jacobian
    labels = context.labels.numpy()
    total = 0.0
    for label in np.unique(labels):
        correlations = _correlations(jacobian[labels == label])
        total += abs(float(np.log(np.abs(correlations) + EIGEN_OFFSET).sum()))
    return total


def nwot(context: ProxyContext) -> float:
    """``nwot = log |det K|``, ``K_ij = N_A − d_H(c_i, c_j)``: c_n the binary
    code of which ReLUs fire on image n, N_A the number of ReLU units and d_H the
    Hamming distance (neural architecture search without training).

    Example:
        >>> nwot(example_context()) > 0
        True
    """
    network = context.network()
    batch = len(context.images)
    kernel = torch.zeros(batch, batch, dtype=torch.float64)

    def hook(module, inputs, output):
        signs = (inputs[0].detach().flatten(1) > 0).float() * 2 - 1
        # With s = 2c − 1: N_A − d_H = (N_A + s sᵀ) / 2, one product per ReLU.
        kernel.add_((signs.shape[1] + signs @ signs.T).double() / 2)

    relus = [m for m in network.modules() if isinstance(m, nn.ReLU)]
    handles = [relu.register_forward_hook(hook) for relu in relus]
    try:
        with torch.no_grad():
            network(context.images)
    finally:
        for handle in handles:
            handle.remove()
    sign, log_determinant = torch.linalg.slogdet(kernel)
    if sign == 0 or not math.isfinite(float(log_determinant)):
        return LOG_FLOOR
    return float(log_determinant)


def l2_norm(context: ProxyContext) -> float:
    """``l2_norm = Σ_layers ‖θ_l‖₂`` at initialisation.

    Example:
        >>> l2_norm(example_context()) > 0
        True
    """
    network = context.network()
    return float(
        sum(layer.weight.detach().double().norm() for layer in weighted_layers(network))
    )


def params(context: ProxyContext) -> float:
    """``params``: trainable parameters, in millions.

    Example:
        >>> round(params(example_context()), 3)
        0.27
    """
    return sum(p.numel() for p in context.network().parameters()) / 1e6


def flops(context: ProxyContext) -> float:
    """``flops``: multiply-accumulates of every convolution and linear layer for
    one input image, in millions (as NAS-Bench-201 counts them).

    Example:
        >>> round(flops(example_context()), 2)
        9.61
    """
    network = context.network().eval()
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        if isinstance(module, nn.Conv2d):
            kernel = module.kernel_size[0] * module.kernel_size[1]
            per_output = module.in_channels // module.groups * kernel
            total += output[0].numel() * per_output
        else:
            total += module.in_features * module.out_features

    handles = [m.register_forward_hook(hook) for m in weighted_layers(network)]
    try:
        with torch.no_grad():
            network(context.images[:1])
    finally:
        for handle in handles:
            handle.remove()
    return total / 1e6


def zen(context: ProxyContext) -> float:
    """``zen = log E_n Σ_chw |F(x_n) − F(x_n + α ε_n)| + Σ_BN log √(mean_c σ²_c)``.

    F is the feature map before global pooling, x and ε are drawn from
    N(0, I) (no data is read), α = 0.01, every convolution and linear weight is
    redrawn from N(0, 1), and σ²_c is the batch variance that each batch norm
    sees on x (Zen-NAS). Batch norms whose input is exactly zero (a branch fed
    only by ``none`` edges) carry no signal and are left out of the sum.

    Example:
        >>> math.isfinite(zen(example_context()))
        True
    """
    network = context.network()
    batch = len(context.images)
    resolution = context.size.resolution
    with seeded(context.seed) as generator:
        for layer in weighted_layers(network):
            nn.init.normal_(layer.weight, generator=generator)
        inputs = torch.randn(batch, 3, resolution, resolution, generator=generator)
        noise = torch.randn(batch, 3, resolution, resolution, generator=generator)

    log_scales: list[float] = []

    def hook(module, inputs, output):
        variance = inputs[0].detach().double().var(dim=(0, 2, 3), unbiased=False)
        if float(variance.mean()) > 0:
            log_scales.append(0.5 * math.log(float(variance.mean())))

    norms = [m for m in network.modules() if isinstance(m, nn.BatchNorm2d)]
    handles = [norm.register_forward_hook(hook) for norm in norms]
    try:
        with torch.no_grad():
            clean = network.features(inputs)
            for handle in handles:
                handle.remove()
            mixed = network.features(inputs + ZEN_MIXUP * noise)
    finally:
        for handle in handles:
            handle.remove()
    difference = (clean - mixed).double().abs().sum(dim=(1, 2, 3)).mean()
    return safe_log(float(difference)) + sum(log_scales)


@dataclass(frozen=True)
class Proxy:
    """A zero-cost proxy and what it needs.

    Attributes:
        name: the proxy's fixed name.
        function: ``function(context) -> float``.
        higher_is_better: True where a larger score predicts a better network.
        log_scale: True where scores span orders of magnitude, so that the
            ``zc`` encoding takes their logarithm (sign kept).
        reads_data: True where the score depends on the minibatch's images.
        version: bumped when the definition changes, so that stored scores
            of the old definition are not reused.
    """

    name: str
    function: Callable[[ProxyContext], float]
    higher_is_better: bool = True
    log_scale: bool = False
    reads_data: bool = True
    version: int = 1

    def data_key(self, data: DataSpec) -> str:
        """What the score depends on besides the network: its store key."""
        if self.reads_data:
            return data.identity()
        if self.name == "zen":  # draws a Gaussian batch of the same size
            return f"gaussian/batch={data.batch_size}"
        return "none"

    def __call__(self, context: ProxyContext) -> float:
        value = float(self.function(context))
        if not math.isfinite(value):  # a bug, not a property of the network
            raise SurrobenchError(
                f"proxy {self.name!r} gave {value} for {context.arch}; please report"
            )
        return value


PROXIES: dict[str, Proxy] = {
    proxy.name: proxy
    for proxy in (
        Proxy("synflow", synflow, reads_data=False),
        Proxy("snip", snip, log_scale=True),
        Proxy("grasp", grasp, log_scale=True),
        Proxy("fisher", fisher, log_scale=True),
        Proxy("grad_norm", grad_norm, log_scale=True),
        Proxy("jacov", jacov, log_scale=True),
        Proxy("nwot", nwot),
        Proxy("epe_nas", epe_nas),
        Proxy("l2_norm", l2_norm, reads_data=False),
        Proxy("plain", plain, log_scale=True),
        Proxy("params", params, log_scale=True, reads_data=False),
        Proxy("flops", flops, log_scale=True, reads_data=False),
        Proxy("zen", zen, reads_data=False, version=2),
    )
}


assert tuple(PROXIES) == PROXY_NAMES, "PROXY_NAMES and PROXIES disagree"


def proxy_names() -> list[str]:
    return list(PROXIES)


def get_proxies(names: Sequence[str] | None = None) -> list[Proxy]:
    """The proxies called ``names`` (all thirteen when None), each once."""
    if names is None:
        return list(PROXIES.values())
    if isinstance(names, str):
        names = [names]
    chosen = []
    for name in dict.fromkeys(names):
        if name not in PROXIES:
            raise unknown_name("zero-cost proxy", name, PROXIES)
        chosen.append(PROXIES[name])
    if not chosen:
        raise SurrobenchError(
            "no zero-cost proxy named; choose from " + ", ".join(PROXIES)
        )
    return chosen


def score_architecture(
    context: ProxyContext, proxies: Sequence[Proxy]
) -> dict[str, float]:
    """Every proxy of one context; ``{name: score}``."""
    return {proxy.name: proxy(context) for proxy in proxies}


def example_context() -> ProxyContext:
    """A small network of one cell on 16 digits: for examples and tests."""
    from surrobench.spaces import get_space

    arch = get_space("nb201").from_tuple((2, 2, 0, 2, 3, 2))
    return ProxyContext.from_data(arch, DataSpec("digits", batch_size=16), "small")
