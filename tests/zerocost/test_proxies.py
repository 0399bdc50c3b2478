import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from surrobench.errors import SurrobenchError
from surrobench.eval import kendall_tau
from surrobench.zerocost import PROXY_NAMES
from surrobench.zerocost.data import DataSpec
from surrobench.zerocost.proxies import (
    LOG_FLOOR,
    PROXIES,
    ProxyContext,
    _correlations,
    _synflow_sum,
    get_proxies,
    score_architecture,
    weighted_layers,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

DATA = DataSpec("digits", batch_size=16)
CELL = (2, 2, 0, 2, 3, 2)
DISCONNECTED = (1,) * 6  # every edge 'none': the output ignores the input


@pytest.fixture(scope="module")
def context(nb201_space):
    return ProxyContext.from_data(nb201_space.from_tuple(CELL), DATA)


@pytest.fixture(scope="module")
def scores(context):
    return score_architecture(context, get_proxies())


def test_thirteen_fixed_names_each_with_a_direction(scores):
    assert tuple(PROXIES) == PROXY_NAMES and len(PROXY_NAMES) == 13
    assert list(scores) == list(PROXY_NAMES)
    assert all(math.isfinite(value) for value in scores.values())
    assert all(isinstance(proxy.higher_is_better, bool) for proxy in PROXIES.values())


def test_same_context_same_scores_in_any_order(nb201_space, scores):
    fresh = ProxyContext.from_data(nb201_space.from_tuple(CELL), DATA)
    backwards = score_architecture(fresh, get_proxies(list(reversed(PROXY_NAMES))))
    assert backwards == scores  # bit-identical: every network is seeded


def test_seed_changes_data_reading_scores_only(nb201_space, scores):
    other = ProxyContext.from_data(nb201_space.from_tuple(CELL), DATA, seed=1)
    moved = score_architecture(other, get_proxies())
    assert moved["snip"] != scores["snip"] and moved["zen"] != scores["zen"]
    assert moved["params"] == scores["params"] and moved["flops"] == scores["flops"]


def test_synflow_is_homogeneous_so_its_overflow_fallback_is_exact(context):
    plain = _synflow_sum(context, 1.0)
    scaled = _synflow_sum(context, 1e-200)
    assert scaled * 1e200 == pytest.approx(plain, rel=1e-9)


def test_synflow_runs_in_float64_on_absolute_weights(context, monkeypatch):
    seen = []
    original = nn.Conv2d.forward

    def spy(self, x):
        seen.append((x.dtype, bool((self.weight >= 0).all())))
        return original(self, x)

    monkeypatch.setattr(nn.Conv2d, "forward", spy)
    PROXIES["synflow"](context)
    assert seen and all(dtype == torch.float64 and positive for dtype, positive in seen)


def test_gradient_proxies_match_a_direct_computation(context, scores):
    network = context.network()
    loss = F.cross_entropy(network(context.images), context.labels)
    loss.backward()
    layers = [m.requires_grad_(False) for m in weighted_layers(network)]
    snip = sum(float((m.weight * m.weight.grad).abs().sum()) for m in layers)
    norms = sum(float(m.weight.grad.norm()) for m in layers)
    plain = sum(float((m.weight * m.weight.grad).sum()) for m in layers)
    assert scores["snip"] == pytest.approx(snip, rel=1e-5)
    assert scores["grad_norm"] == pytest.approx(norms, rel=1e-5)
    assert scores["plain"] == pytest.approx(plain, rel=1e-4, abs=1e-7)


def test_fisher_of_the_head_matches_its_formula(context):
    network = context.network()
    features = network.features(context.images).mean(dim=(2, 3)).detach()
    features.requires_grad_(False)
    logits = network.classifier(features)
    logits.retain_grad()
    F.cross_entropy(logits, context.labels).backward()
    head = 0.5 * float((logits.detach() * logits.grad).pow(2).mean(0).sum())
    # The head is the last weighted layer: its term in the gradient pass.
    assert context.gradients.fisher[-1] == pytest.approx(head, rel=1e-5)


def test_nwot_kernel_matches_the_hamming_definition(context, scores):
    network = context.network()
    codes = []
    hooks = [
        relu.register_forward_hook(
            lambda module, inputs, output: codes.append(inputs[0].flatten(1) > 0)
        )
        for relu in network.modules()
        if isinstance(relu, nn.ReLU)
    ]
    with torch.no_grad():
        network(context.images)
    for hook in hooks:
        hook.remove()
    c = torch.cat(codes, dim=1).double()
    kernel = c @ c.T + (1 - c) @ (1 - c).T
    assert scores["nwot"] == pytest.approx(float(torch.linalg.slogdet(kernel)[1]))


def test_correlations_treat_an_ignored_image_as_fully_correlated():
    rows = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [5.0, 5.0, 5.0]])
    matrix = _correlations(rows)
    np.testing.assert_allclose(matrix[:2, :2], [[1, -1], [-1, 1]], atol=1e-12)
    np.testing.assert_array_equal(matrix[2], 1.0)
    np.testing.assert_array_equal(_correlations(np.zeros((4, 6))), 1.0)


def test_a_network_that_ignores_its_input_scores_worst_but_finite(nb201_space, scores):
    dead = ProxyContext.from_data(nb201_space.from_tuple(DISCONNECTED), DATA)
    dead_scores = score_architecture(dead, get_proxies())
    assert all(math.isfinite(value) for value in dead_scores.values())
    assert dead_scores["synflow"] == LOG_FLOOR and dead_scores["nwot"] == LOG_FLOOR
    for name in ("synflow", "snip", "grad_norm", "jacov", "nwot", "epe_nas", "zen"):
        assert dead_scores[name] < scores[name], name


def test_zen_reads_no_data(nb201_space, tmp_path):
    arch = nb201_space.from_tuple(CELL)
    digits = ProxyContext.from_data(arch, DATA)
    noise = ProxyContext(arch, torch.randn(16, 3, 16, 16), digits.labels, "small")
    assert PROXIES["zen"](digits) == PROXIES["zen"](noise)
    assert PROXIES["zen"].data_key(DATA) == "gaussian/batch=16"
    assert PROXIES["synflow"].data_key(DATA) == "none"
    assert PROXIES["snip"].data_key(DATA) == DATA.identity()


def test_proxies_rank_real_cells_better_than_chance(nb201):
    archs = nb201.sample(20, seed=5)
    targets = nb201.query(archs)
    names = ("synflow", "params", "nwot")
    table = {name: [] for name in names}
    for arch in archs:
        context = ProxyContext.from_data(arch, DATA)
        for name, value in score_architecture(context, get_proxies(names)).items():
            table[name].append(value)
    for name in names:
        assert kendall_tau(targets, np.array(table[name])) > 0.3, name


def test_unknown_proxies_and_misshapen_batches_are_refused(nb201_space, context):
    with pytest.raises(SurrobenchError, match="did you mean 'synflow'"):
        get_proxies(["synflw"])
    with pytest.raises(SurrobenchError, match="do not fit the small network"):
        ProxyContext(context.arch, torch.zeros(4, 3, 32, 32), torch.zeros(4).long())
    with pytest.raises(SurrobenchError, match="labels of shape"):
        ProxyContext(context.arch, torch.zeros(4, 3, 16, 16), torch.zeros(3).long())


def test_the_gradient_pass_keeps_no_activation_alive(nb201_space):
    import gc
    import weakref

    context = ProxyContext.from_data(nb201_space.from_tuple(CELL), DATA)
    activations = []
    for layer in weighted_layers(context.network()):
        layer.register_forward_hook(
            lambda module, inputs, output: activations.append(weakref.ref(output))
        )
    assert context.gradients.fisher
    del context
    gc.collect()
    assert activations and all(ref() is None for ref in activations)
