import numpy as np
import pytest
import torch

from surrobench.encodings.graph import op_graph
from surrobench.encodings.pyg import graph_batch
from surrobench.errors import SurrobenchError
from surrobench.eval import kendall_tau
from surrobench.predictors import make_predictor
from surrobench.predictors.gnn import (
    GCNPredictor,
    GINPredictor,
    GraphNetwork,
    standardise,
)

MODELS = [GINPredictor, GCNPredictor]


@pytest.fixture(scope="module")
def split(nb201):
    train = nb201.sample(100, seed=5)
    test = [arch for arch in nb201.sample(600, seed=6) if arch not in set(train)]
    return train, nb201.query(train), test[:500], nb201.query(test[:500])


@pytest.fixture(scope="module")
def fitted(split):
    train, y, _, _ = split
    return {cls.name: cls(seed=0).fit(train, y) for cls in MODELS}


@pytest.mark.parametrize("name", ["gin", "gcn"])
def test_ranks_held_out_cells_well_above_chance(name, fitted, split):
    _, _, test, y_test = split
    # At 100 cells both reach τ ≈ 0.6; one-hot lgb reaches ≈ 0.49.
    assert kendall_tau(y_test, fitted[name].predict(test)) > 0.45


@pytest.mark.parametrize("name", ["gin", "gcn"])
def test_the_prediction_is_the_ensemble_mean(name, fitted, split):
    model = fitted[name]
    test = split[2][:50]
    members = model._member_predictions(test)
    assert members.shape == (3, 50)
    mean, std = model.predict_dist(test)
    np.testing.assert_allclose(
        mean, members.mean(0) * model.target_scale_ + model.target_mean_
    )
    np.testing.assert_allclose(std, members.std(0) * model.target_scale_)
    np.testing.assert_array_equal(model.predict(test), mean)
    # Members differ (own seeds, own held-out slices) but agree on the ranking.
    assert std.min() > 0
    assert kendall_tau(members[0], members[1]) > 0.5


def test_members_hold_out_different_slices(fitted):
    held_out = fitted["gin"].held_out_
    assert [len(rows) for rows in held_out] == [15, 15, 15]  # 15 % of 100
    assert len({tuple(rows) for rows in held_out}) == 3


@pytest.mark.parametrize("name", ["gin", "gcn"])
def test_cells_with_the_same_graph_get_the_same_prediction(name, fitted, nb201):
    space = nb201.space
    # Only the skip 0→3 and the conv 0→1→3 reach the output: what sits on the
    # dead ends (0→2, 1→2, and 2→3 reading nothing) cannot matter.
    first = space.parse(
        "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|nor_conv_1x1~1|none~2|"
    )
    second = space.parse(
        "|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_3x3~1|"
        "+|skip_connect~0|nor_conv_1x1~1|none~2|"
    )
    assert first != second and op_graph(first) == op_graph(second)
    model = fitted[name]
    alone = [model.predict([arch])[0] for arch in (first, second)]
    assert alone[0] == alone[1]
    mean, std = model.predict_dist([first, second, *nb201.archs[:100]])
    np.testing.assert_allclose(mean[0], mean[1], rtol=1e-6)
    np.testing.assert_allclose(mean[0], alone[0], rtol=1e-6)  # batch-independent
    np.testing.assert_allclose(std[0], std[1], rtol=1e-4)


@pytest.mark.parametrize("conv", ["gin", "gcn"])
def test_a_network_ignores_how_the_nodes_are_numbered(conv, nb201):
    batch = graph_batch(nb201.sample(8, seed=0))
    torch.manual_seed(0)
    network = GraphNetwork(conv, batch.x.shape[1], hidden_size=16, num_layers=3)
    permutation = torch.randperm(batch.num_nodes)
    position = torch.empty_like(permutation)
    position[permutation] = torch.arange(batch.num_nodes)
    shuffled = batch.clone()
    shuffled.x = batch.x[permutation]
    shuffled.batch = batch.batch[permutation]
    shuffled.edge_index = position[batch.edge_index]
    with torch.no_grad():
        torch.testing.assert_close(network(shuffled), network(batch))


def test_early_stopping_restores_the_best_weights(nb201):
    train = nb201.sample(80, seed=2)
    y = nb201.query(train)
    # A large step overfits fast, so the held-out error turns up early.
    model = GINPredictor(seed=1, learning_rate=0.02, patience=5, epochs=400)
    model.fit(train, y)
    _, _, standardised = standardise(y)
    ran_past_best = 0
    for network, held_out, losses in zip(
        model.networks_, model.held_out_, model.held_out_losses_
    ):
        assert len(losses) < 400  # it stopped early
        assert len(losses) - 1 - int(np.argmin(losses)) == 5  # patience epochs on
        with torch.no_grad():
            prediction = network(graph_batch([train[i] for i in held_out]))
        error = prediction.double().numpy() - standardised[held_out]
        # The kept network is the best epoch's, not the last one's.
        np.testing.assert_allclose(np.mean(error**2), losses.min(), rtol=1e-5)
        ran_past_best += losses[-1] > losses.min()
    assert ran_past_best == 3


def test_tiny_train_sets_train_for_a_fixed_number_of_epochs(nb201):
    train = nb201.sample(5, seed=0)
    model = GCNPredictor(epochs=30).fit(train, nb201.query(train))
    assert all(rows.size == 0 for rows in model.held_out_)
    assert all(losses.size == 0 for losses in model.held_out_losses_)
    assert np.isfinite(model.predict(nb201.archs[:10])).all()


def test_ranks_nas_bench_graph_architectures(cora):
    train = cora.sample(150, seed=0)
    test = [arch for arch in cora.sample(650, seed=1) if arch not in set(train)][:500]
    model = make_predictor("gin", seed=0).fit(train, cora.query(train))
    assert kendall_tau(cora.query(test), model.predict(test)) > 0.25


def test_large_train_sets_take_larger_minibatches():
    assert GINPredictor()._batch_size(85) == 64
    assert GINPredictor()._batch_size(850) == 107  # eight steps an epoch
    assert GINPredictor(batch_size=32)._batch_size(850) == 32


def test_fit_leaves_the_thread_count_alone(nb201):
    before = torch.get_num_threads()
    train = nb201.sample(20, seed=0)
    GINPredictor(epochs=3).fit(train, nb201.query(train)).predict(train)
    assert torch.get_num_threads() == before


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"epochs": -1}, "epochs must be in"),
        ({"hidden_size": 1.5}, "hidden_size must be an integer"),
        ({"num_layers": 0}, "num_layers must be in 1.."),
        ({"num_models": True}, "num_models must be an integer"),
        ({"learning_rate": 0.0}, r"learning_rate must be a finite number in \(0"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"weight_decay": -1e-4}, "weight_decay"),
        ({"held_out_fraction": 0.9}, r"held_out_fraction .* in \(0.0, 0.5\]"),
        ({"batch_size": "32"}, "batch_size must be an integer"),
    ],
)
def test_bad_parameters_are_named(params, message, nb201):
    train = nb201.sample(10, seed=0)
    with pytest.raises(SurrobenchError, match=message):
        GINPredictor(**params).fit(train, nb201.query(train))
