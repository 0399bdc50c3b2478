"""The batched MLP, its training loop, and the BANANAS ensemble."""

import numpy as np
import pytest
import torch

from surrobench.errors import SurrobenchError
from surrobench.eval import kendall_tau
from surrobench.predictors.mlp import MLP, BANANASPredictor, train_mlp


@pytest.fixture(scope="module")
def split(nb201):
    train = nb201.sample(100, seed=0)
    test = [arch for arch in nb201.sample(600, seed=1) if arch not in set(train)]
    return train, nb201.query(train), test[:500], nb201.query(test[:500])


def test_members_are_independent_networks():
    net = MLP(inputs=6, width=5, depth=2, outputs=1, num_models=3)
    net.reset_parameters(torch.Generator().manual_seed(0))
    x = torch.randn(4, 6, generator=torch.Generator().manual_seed(1))
    outputs = net(x)
    assert outputs.shape == (3, 4, 1)

    # Member 1 alone, run as a plain network from its slices of the weights.
    h = x
    for index, (weight, bias) in enumerate(net.layers()):
        h = h @ weight[1] + bias[1]
        if index < len(net.sizes) - 1:
            h = torch.relu(h)
    torch.testing.assert_close(outputs[1], h)

    # Member 0's output depends on none of the other members' weights.
    (gradient,) = torch.autograd.grad(outputs[0].sum(), net.flat)
    member_of = net.member_index()
    assert (gradient[member_of != 0] == 0).all()
    assert (gradient[member_of == 0] != 0).any()
    assert net.fan_ins().shape == net.flat.shape


def test_training_fits_the_train_set(nb201):
    from surrobench.encodings import get_encoding

    archs = nb201.sample(200, seed=3)
    features = torch.tensor(get_encoding("path").encode(archs, nb201.space))
    y = torch.tensor(nb201.query(archs), dtype=torch.float32)
    y = (y - y.mean()) / y.std()
    net = MLP(features.shape[1], 32, 2, num_models=2)
    generator = torch.Generator().manual_seed(0)
    net.reset_parameters(generator)
    with torch.no_grad():
        before = (net(features)[..., 0] - y).square().mean()
    after = train_mlp(
        net,
        features,
        y,
        loss="mse",
        epochs=60,
        learning_rate=0.01,
        weight_decay=0.0,
        batch_size=32,
        generator=generator,
    )
    assert after < 0.2 * float(before)


def test_ensemble_members_differ_and_the_prediction_is_their_average(split):
    train, y, test, _ = split
    model = BANANASPredictor(epochs=30).fit(train, y)
    features = model.features(test)
    members = model.member_predictions(features)
    assert members.shape == (5, len(test))
    assert members.std(axis=0).min() > 0  # every query sees disagreement

    mean, std = model.predict_dist(test)
    np.testing.assert_allclose(
        mean, members.mean(axis=0) * model.target_scale_ + model.target_mean_
    )
    np.testing.assert_allclose(std, members.std(axis=0) * model.target_scale_)
    np.testing.assert_allclose(model.predict(test), mean)


def test_bananas_ranks_held_out_cells_well_above_chance(split):
    train, y, test, y_test = split
    model = BANANASPredictor().fit(train, y)
    assert kendall_tau(y_test, model.predict(test)) > 0.5


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"num_models": 1}, "num_models"),
        ({"loss": "huber"}, "valid: mae, mse"),
        ({"weight_decay": -0.1}, "weight_decay"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_bad_settings_are_named(settings, message, split):
    train, y, _, _ = split
    with pytest.raises(SurrobenchError, match=message):
        BANANASPredictor(**settings).fit(train, y)
