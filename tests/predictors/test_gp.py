"""Correctness of the exact and sparse Gaussian-process predictors."""

import math

import numpy as np
import pytest
import torch

from surrobench.encodings import get_encoding
from surrobench.errors import SurrobenchError
from surrobench.eval import kendall_tau, split
from surrobench.predictors.gp import (
    ExactGPPredictor,
    SparseGPPredictor,
    typical_distance,
)


@pytest.fixture(scope="module")
def fitted(nb201):
    train = nb201.sample(60, seed=0)
    y = nb201.query(train)
    return train, y, ExactGPPredictor(seed=0).fit(train, y)


def held_out(nb201, train_size, seed):
    train_rows, test_rows = split(len(nb201), train_size, 1000, seed)
    values = nb201.query(nb201.archs)
    train = [nb201.archs[i] for i in train_rows]
    test = [nb201.archs[i] for i in test_rows]
    return train, values[train_rows], test, values[test_rows]


def test_matern_kernel_matches_the_formula(fitted, nb201):
    """k(x, x') = s²·(1 + √5 r + 5r²/3)·exp(−√5 r), r = ‖(x − x')/ℓ‖ per feature."""
    _, _, model = fitted
    pair = nb201.sample(2, seed=5)
    features = get_encoding("onehot").encode(pair, nb201.space)
    lengthscales = model.lengthscales_
    scale = float(model.model_.covar_module.outputscale.detach())
    r = np.linalg.norm((features[0] - features[1]) / lengthscales)
    expected = (
        scale * (1 + math.sqrt(5) * r + 5 * r**2 / 3) * math.exp(-math.sqrt(5) * r)
    )

    covariance = model.model_.covar_module
    with torch.no_grad():
        x = torch.as_tensor(features, dtype=torch.float64)
        matrix = covariance(x).to_dense().numpy()
    assert matrix[0, 1] == pytest.approx(expected, rel=1e-10)
    np.testing.assert_allclose(matrix, matrix.T)
    assert np.linalg.eigvalsh(matrix).min() > -1e-12


def test_ard_lengthscales_have_one_per_feature(nb201):
    train = nb201.sample(40, seed=0)
    y = nb201.query(train)
    for encoding, dims in (("onehot", 36), ("path", 84), ("categorical", 6)):
        for cls in (ExactGPPredictor, SparseGPPredictor):
            lengthscales = cls(encoding=encoding).fit(train, y).lengthscales_
            assert lengthscales.shape == (dims,)
            assert np.isfinite(lengthscales).all() and (lengthscales > 0).all()


def test_posterior_nearly_interpolates_and_is_sure_only_near_the_data(fitted, nb201):
    train, y, model = fitted
    mean, std = model.predict_dist(train)
    # The learned noise is a small part of the target's variance, so the
    # posterior mean passes close to the training values...
    assert model.noise_ < 0.1
    assert np.abs(mean - y).mean() < 0.25 * y.std()

    # ...and is surest there: the std grows with the distance to the nearest
    # training cell (in edges whose operation differs).
    encoding = get_encoding("categorical")
    train_ops = encoding.encode(train, nb201.space)
    queries = nb201.sample(600, seed=1)
    query_ops = encoding.encode(queries, nb201.space)
    distance = (query_ops[:, None, :] != train_ops[None, :, :]).sum(-1).min(1)
    _, query_std = model.predict_dist(queries)
    assert query_std[distance >= 3].mean() > 1.5 * std.mean()
    assert np.corrcoef(distance, query_std)[0, 1] > 0.3


def test_predictive_std_includes_the_observation_noise(fitted):
    train, _, model = fitted
    _, std = model.predict_dist(train)
    noise_std = math.sqrt(model.noise_) * model.target_scale_
    assert (std >= noise_std * (1 - 1e-9)).all()


def test_gp_interval_covers_95_percent_at_200(nb201):
    train, y, test, y_test = held_out(nb201, 200, seed=0)
    mean, std = ExactGPPredictor(seed=0).fit(train, y).predict_dist(test)
    coverage = np.mean(np.abs(y_test - mean) <= 1.96 * std)
    assert 0.85 <= coverage <= 0.99


def test_rbf_kernel_fits_differently(fitted, nb201):
    train, y, matern = fitted
    rbf = ExactGPPredictor(kernel="rbf").fit(train, y)
    queries = nb201.sample(200, seed=1)
    rbf_mean = rbf.predict(queries)
    assert np.isfinite(rbf_mean).all()
    assert not np.allclose(rbf_mean, matern.predict(queries))
    assert kendall_tau(nb201.query(queries), rbf_mean) > 0.2


def test_sparse_start_is_the_exact_posterior_below_num_inducing(fitted, nb201):
    """Every row an inducing point: the closed-form q(u) gives the exact GP."""
    train, y, exact = fitted
    sparse = SparseGPPredictor(seed=0).fit(train, y)
    queries = nb201.sample(300, seed=1)
    exact_mean, exact_std = exact.predict_dist(queries)
    sparse_mean, sparse_std = sparse.predict_dist(queries)
    np.testing.assert_allclose(sparse_mean, exact_mean, rtol=1e-6)
    # Jitter on K_ZZ moves the tiny std at a query that is a training cell.
    np.testing.assert_allclose(sparse_std, exact_std, rtol=1e-3, atol=1e-3 * y.std())


def test_sparse_gp_at_2000_points_ranks_well(nb201):
    train, y, test, y_test = held_out(nb201, 2000, seed=0)
    model = SparseGPPredictor(seed=0).fit(train, y)
    inducing = model.model_.variational_strategy.inducing_points
    assert tuple(inducing.shape) == (256, 36)
    mean, std = model.predict_dist(test)
    assert kendall_tau(y_test, mean) > 0.65
    assert 0.8 <= np.mean(np.abs(y_test - mean) <= 1.96 * std) <= 0.99


def test_sparse_steps_are_seeded_and_keep_a_constant_target(nb201):
    train = nb201.sample(60, seed=0)
    y = nb201.query(train)
    queries = nb201.sample(50, seed=1)
    # Fewer inducing points than rows, so the minibatch steps do run.
    options = {"num_inducing": 16, "iterations": 20, "batch_size": 32}
    first = SparseGPPredictor(seed=4, **options).fit(train, y).predict(queries)
    again = SparseGPPredictor(seed=4, **options).fit(train, y).predict(queries)
    other = SparseGPPredictor(seed=5, **options).fit(train, y).predict(queries)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)

    constant = SparseGPPredictor(**options).fit(train, np.full(len(train), 42.0))
    np.testing.assert_allclose(constant.predict(queries), 42.0, atol=1e-9)


def test_typical_distance_ignores_repeated_rows():
    # Distinct rows (0, 0), (0, 2), (0, 4): distances 2, 4, 2; with the
    # repeats counted the median would be 0.
    rows = np.array([[0.0, 0.0]] * 5 + [[0.0, 2.0], [0.0, 4.0]])
    assert typical_distance(rows) == 2.0
    assert typical_distance(np.zeros((3, 4))) == 1.0


@pytest.mark.parametrize(
    ("cls", "params", "message"),
    [
        (ExactGPPredictor, {"kernel": "maternn"}, "unknown kernel 'maternn'.*matern"),
        (ExactGPPredictor, {"kernel": None}, "unknown kernel None"),
        (SparseGPPredictor, {"kernel": "RBF"}, "unknown kernel 'RBF'.*rbf"),
        (ExactGPPredictor, {"iterations": 0}, "iterations must be in 1.."),
        (ExactGPPredictor, {"iterations": 2.5}, "iterations must be an integer"),
        (ExactGPPredictor, {"lengthscale_prior_width": -1}, "prior_width"),
        (SparseGPPredictor, {"num_inducing": 0}, "num_inducing must be in 1.."),
        (SparseGPPredictor, {"iterations": -1}, "iterations must be in 0.."),
        (SparseGPPredictor, {"batch_size": True}, "batch_size must be an integer"),
        (SparseGPPredictor, {"learning_rate": float("nan")}, "learning_rate"),
        (SparseGPPredictor, {"lengthscale_prior_width": 0}, "prior_width"),
    ],
)
def test_bad_params_are_named(nb201, cls, params, message):
    train = nb201.sample(10, seed=0)
    model = cls(**params)  # the constructor only stores them
    with pytest.raises(SurrobenchError, match=message):
        model.fit(train, nb201.query(train))
