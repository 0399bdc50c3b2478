"""Graph kernels (WL features, OTMANN) and the GPs built on them."""

import numpy as np
import pytest

from surrobench.encodings.graph import OpGraph, graph_labels, op_graphs
from surrobench.errors import SurrobenchError
from surrobench.eval import kendall_tau
from surrobench.predictors.graph_gp import (
    KernelGP,
    OtmannGaussianProcess,
    WLGaussianProcess,
)
from surrobench.predictors.graph_kernels import (
    OtmannDistance,
    WeisfeilerLehman,
    path_lengths,
    wl_kernel,
)

# input → conv → pool → output, and input → conv → output
BRANCHED = OpGraph(
    ("input", "conv", "conv", "pool", "output"),
    ((0, 1), (0, 2), (1, 3), (2, 4), (3, 4)),
)


def chain(*ops: str) -> OpGraph:
    labels = ("input", *ops, "output")
    return OpGraph(labels, tuple((i, i + 1) for i in range(len(labels) - 1)))


# --- Weisfeiler–Lehman --------------------------------------------------------


def test_wl_features_match_hand_counts():
    wl = WeisfeilerLehman(iterations=2).fit([BRANCHED])
    counts, squared_norms = wl.transform([BRANCHED])
    found = dict(zip(wl.feature_names(), counts.toarray()[0]))
    expected = {
        # round 0: the labels themselves
        "input": 1,
        "conv": 2,
        "pool": 1,
        "output": 1,
        # round 1: label(in-neighbours' labels)
        "input()": 1,
        "conv(input)": 2,
        "pool(conv)": 1,
        "output(conv,pool)": 1,
        # round 2: round-1 label(in-neighbours' round-1 labels)
        "input()()": 1,
        "conv(input)(input())": 2,
        "pool(conv)(conv(input))": 1,
        "output(conv,pool)(conv(input),pool(conv))": 1,
    }
    assert found == expected
    assert squared_norms.tolist() == [3 * (1 + 4 + 1 + 1)]
    assert wl.rounds_.tolist() == [0] * 4 + [1] * 4 + [2] * 4


def test_wl_transform_stops_at_the_requested_round():
    wl = WeisfeilerLehman(iterations=2).fit([BRANCHED])
    counts, squared_norms = wl.transform([BRANCHED], iterations=0)
    assert counts.toarray()[0].tolist() == [1, 2, 1, 1] + [0] * 8
    assert squared_norms.tolist() == [7.0]


def test_unseen_labels_count_in_the_norm_but_match_nothing():
    seen, unseen = chain("conv"), chain("pool")
    wl = WeisfeilerLehman(iterations=1).fit([seen])
    counts_seen, norms_seen = wl.transform([seen])
    counts_unseen, norms_unseen = wl.transform([unseen])
    # 'pool', 'pool(input)' and 'output(pool)' have no column ...
    assert counts_unseen.sum() == 3  # input, output, input()
    # ... but are in the norm: 6 labels of count 1 each.
    assert norms_unseen.tolist() == [6.0]
    kernel = wl_kernel(counts_seen, norms_seen, counts_unseen, norms_unseen)
    assert kernel[0, 0] == pytest.approx(3 / 6)


def test_wl_kernel_is_symmetric_psd_with_unit_diagonal(nb201):
    graphs = op_graphs(nb201.sample(300, seed=0), nb201.space)
    wl = WeisfeilerLehman(iterations=3).fit(graphs)
    counts, norms = wl.transform(graphs)
    kernel = wl_kernel(counts, norms, counts, norms)
    np.testing.assert_allclose(kernel, kernel.T, atol=1e-12)
    np.testing.assert_allclose(np.diag(kernel), 1.0)
    assert np.linalg.eigvalsh(kernel).min() > -1e-9
    assert (kernel >= 0).all() and (kernel <= 1 + 1e-12).all()


def test_wl_rejects_bad_depths():
    with pytest.raises(SurrobenchError, match="iterations"):
        WeisfeilerLehman(iterations=-1).fit([BRANCHED])
    wl = WeisfeilerLehman(iterations=1).fit([BRANCHED])
    with pytest.raises(SurrobenchError, match=r"0\.\.1, got 2"):
        wl.transform([BRANCHED], iterations=2)


# --- OTMANN ---------------------------------------------------------------------


NB201_LABELS = ["input", "output", "node", "nor_conv_3x3", "nor_conv_1x1"]


def test_path_lengths_by_hand():
    lengths = path_lengths(BRANCHED)
    # from the input: shortest, longest, random walk; then to the output
    assert lengths[0].tolist() == [0, 0, 0, 2, 3, 2.5]
    assert lengths[3].tolist() == [2, 2, 2, 1, 1, 1]
    assert lengths[4].tolist() == [2, 3, 2.5, 0, 0, 0]


def test_otmann_distance_by_hand():
    # G₁ = in → conv → out; G₂ = in → conv → conv → out. Masses: convs 1,
    # input and output 0.1 × (other mass): 0.1 in G₁, 0.2 in G₂.
    # Input ↔ input: 0.1 moved at ν_str/6·(3 × |2 − 3|) = 0.05, 0.1 unmoved at ν.
    # The same for the output. The conv ↔ nearer conv: 1 × 0.05; other conv: ν.
    distance = OtmannDistance(
        NB201_LABELS, non_assignment_penalty=0.5, structural_weight=0.1
    )
    one, two = chain("nor_conv_3x3"), chain("nor_conv_3x3", "nor_conv_3x3")
    by_hand = 2 * (0.1 * 0.05 + 0.1 * 0.5) + 0.05 + 0.5
    assert distance(one, two) == pytest.approx(by_hand)
    assert distance(two, one) == pytest.approx(by_hand)


def test_otmann_is_a_dissimilarity_on_real_cells(nb201):
    space = nb201.space
    distance = OtmannDistance(graph_labels(space))
    # One graph per layer signature: isomorphic cells are at distance 0.
    graphs = list(
        {
            distance.layers(graph).signature: graph
            for graph in op_graphs(nb201.sample(80, seed=3), space)
        }.values()
    )
    matrix = distance.pairwise(graphs)
    assert np.diag(matrix).tolist() == [0.0] * len(graphs)
    np.testing.assert_allclose(matrix, matrix.T, atol=1e-12)
    off_diagonal = matrix[~np.eye(len(graphs), dtype=bool)]
    assert (off_diagonal > 0).all()
    # Solving one pair by itself gives the entry of the batched matrix.
    assert distance(graphs[1], graphs[2]) == pytest.approx(matrix[1, 2])
    assert distance(graphs[2], graphs[1]) == pytest.approx(matrix[1, 2])


def test_otmann_conv_to_pool_is_farther_than_conv3_to_conv1(nb201):
    space = nb201.space
    distance = OtmannDistance(graph_labels(space))
    base = "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|none~0|{}~1|{}~2|"
    cell = space.parse(base.format("nor_conv_3x3", "skip_connect"))
    conv1 = space.parse(base.format("nor_conv_1x1", "skip_connect"))
    pool = space.parse(base.format("avg_pool_3x3", "skip_connect"))
    graph, graph_conv1, graph_pool = op_graphs([cell, conv1, pool], space)
    assert 0 < distance(graph, graph_conv1) < distance(graph, graph_pool)


def test_otmann_rejects_bad_settings_and_labels():
    with pytest.raises(SurrobenchError, match="non_assignment_penalty"):
        OtmannDistance(NB201_LABELS, non_assignment_penalty=0)
    with pytest.raises(SurrobenchError, match="structural_weight"):
        OtmannDistance(NB201_LABELS, structural_weight=-1.0)
    with pytest.raises(SurrobenchError, match="'pool' is not among"):
        OtmannDistance(NB201_LABELS).layers(chain("pool"))


# --- the exact GP ---------------------------------------------------------------


def test_repeated_inputs_fold_into_the_same_gp():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(6, 2))
    kernel = np.exp(-((points[:, None] - points[None]) ** 2).sum(-1))
    groups = np.array([0, 1, 1, 2, 3, 3, 3, 4, 5, 0])
    y = rng.normal(size=len(groups))
    gp = KernelGP.fit(kernel, y, groups)

    # The same GP written out over all 10 targets.
    full = gp.outputscale * kernel[np.ix_(groups, groups)] + gp.noise * np.eye(10)
    _, log_det = np.linalg.slogdet(full)
    log_likelihood = -0.5 * (
        y @ np.linalg.solve(full, y) + log_det + 10 * np.log(2 * np.pi)
    )
    assert gp.log_marginal_likelihood == pytest.approx(log_likelihood)
    cross = np.exp(-((rng.normal(size=(3, 2))[:, None] - points) ** 2).sum(-1))
    mean, variance = gp.posterior(cross, np.ones(3))
    cross_full = cross[:, groups]
    solved = np.linalg.solve(full, cross_full.T)
    np.testing.assert_allclose(
        mean, gp.outputscale * cross_full @ np.linalg.solve(full, y)
    )
    np.testing.assert_allclose(
        variance,
        gp.outputscale - gp.outputscale**2 * np.einsum("ij,ji->i", cross_full, solved),
        atol=1e-12,
    )


def test_an_indefinite_kernel_is_guarded():
    kernel = np.array([[1.0, 0.9, 0.0], [0.9, 1.0, 0.9], [0.0, 0.9, 1.0]])
    assert np.linalg.eigvalsh(kernel).min() < 0
    gp = KernelGP.fit(kernel, np.array([1.0, 0.0, -1.0]), np.arange(3))
    assert (gp.eigenvalues >= 0).all() and np.isfinite(gp.log_marginal_likelihood)
    mean, variance = gp.posterior(kernel, np.ones(3))
    assert np.isfinite(mean).all() and (variance >= 0).all()


# --- the predictors ---------------------------------------------------------------


@pytest.fixture(scope="module")
def nb201_split(nb201):
    train = nb201.sample(100, seed=10)
    test = [arch for arch in nb201.sample(400, seed=11) if arch not in set(train)]
    return train, nb201.query(train), test[:300], nb201.query(test[:300])


@pytest.mark.parametrize("model", [WLGaussianProcess, OtmannGaussianProcess])
def test_ranks_held_out_nb201_cells_well(model, nb201_split):
    train, y, test, y_test = nb201_split
    fitted = model().fit(train, y)
    mean, std = fitted.predict_dist(test)
    # one-hot lgb reaches about 0.49 here
    assert kendall_tau(y_test, mean) > 0.55
    # Uncertainty is lower where the model has seen the architecture.
    _, std_train = fitted.predict_dist(train)
    assert std_train.mean() < std.mean()


@pytest.mark.parametrize("model", [WLGaussianProcess, OtmannGaussianProcess])
def test_nas_bench_graph_architectures_work(model, cora):
    train = cora.sample(80, seed=0)
    test = cora.sample(200, seed=1)
    predictions = model().fit(train, cora.query(train)).predict(test)
    assert predictions.shape == (200,) and np.isfinite(predictions).all()
    assert kendall_tau(cora.query(test), predictions) > 0.15


def test_wl_depth_is_chosen_within_range(nb201_split):
    train, y, _, _ = nb201_split
    model = WLGaussianProcess(max_wl_iterations=2).fit(train, y)
    assert model.wl_iterations_ in (0, 1, 2)


@pytest.mark.parametrize(
    ("model", "params", "message"),
    [
        (WLGaussianProcess, {"max_wl_iterations": -1}, "max_wl_iterations"),
        (WLGaussianProcess, {"max_wl_iterations": "3"}, "max_wl_iterations"),
        (OtmannGaussianProcess, {"non_assignment_penalty": -1}, "non_assignment"),
        (OtmannGaussianProcess, {"io_share": float("nan")}, "io_share"),
    ],
)
def test_bad_settings_are_named(model, params, message, nb201_split):
    train, y, _, _ = nb201_split
    with pytest.raises(SurrobenchError, match=message):
        model(**params).fit(train[:10], y[:10])
