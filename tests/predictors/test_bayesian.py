"""Bayesian linear regression, DNGO and BOHAMIANN against independent references."""

import numpy as np
import pytest
import torch
from scipy import stats

from surrobench.encodings import get_encoding
from surrobench.errors import SurrobenchError
from surrobench.eval import kendall_tau
from surrobench.predictors.bayesian import (
    SGHMC,
    BayesianLinearRegression,
    BOHAMIANNPredictor,
    DNGOPredictor,
    fit_linear_posterior,
)


@pytest.fixture(scope="module")
def design(nb201):
    """One-hot features plus bias of 40 real cells, and their standardised targets."""
    archs = nb201.sample(40, seed=11)
    features = get_encoding("onehot").encode(archs, nb201.space).astype(float)
    features = np.hstack([features, np.ones((len(archs), 1))])
    y = nb201.query(archs)
    return features, (y - y.mean()) / y.std()


@pytest.fixture(scope="module")
def split(nb201):
    train = nb201.sample(100, seed=0)
    test = [arch for arch in nb201.sample(600, seed=1) if arch not in set(train)]
    return train, nb201.query(train), test[:500], nb201.query(test[:500])


def numpy_posterior(features, y, alpha, beta):
    """``A = αI + βΦᵀΦ``, ``m = βA⁻¹Φᵀy``, written out in numpy."""
    precision = alpha * np.eye(features.shape[1]) + beta * features.T @ features
    covariance = np.linalg.inv(precision)
    return beta * covariance @ features.T @ y, covariance


def test_blr_posterior_matches_the_closed_form(design):
    features, y = design
    posterior = fit_linear_posterior(torch.tensor(features), torch.tensor(y))
    alpha, beta = posterior.alpha, posterior.beta
    mean, covariance = numpy_posterior(features, y, alpha, beta)
    np.testing.assert_allclose(posterior.mean.numpy(), mean, rtol=1e-8, atol=1e-10)

    queries = np.vstack([features[:5], 3 * features[5:7]])  # two far from the data
    predicted, std = posterior.predict(torch.tensor(queries))
    np.testing.assert_allclose(predicted.numpy(), queries @ mean, atol=1e-10)
    expected = np.sqrt(
        1 / beta + np.einsum("qi,ij,qj->q", queries, covariance, queries)
    )
    np.testing.assert_allclose(std.numpy(), expected, rtol=1e-8)


def test_blr_hyperparameters_maximise_the_evidence(design):
    features, y = design
    n = len(y)
    posterior = fit_linear_posterior(torch.tensor(features), torch.tensor(y))

    def log_evidence(alpha, beta):
        # y ~ N(0, β⁻¹I + α⁻¹ΦΦᵀ): the marginal likelihood, computed directly.
        covariance = np.eye(n) / beta + features @ features.T / alpha
        return stats.multivariate_normal(np.zeros(n), covariance).logpdf(y)

    best = log_evidence(posterior.alpha, posterior.beta)
    assert posterior.log_evidence == pytest.approx(best, rel=1e-8)
    for alpha_factor, beta_factor in ((1.2, 1), (1 / 1.2, 1), (1, 1.2), (1, 1 / 1.2)):
        moved = log_evidence(
            posterior.alpha * alpha_factor, posterior.beta * beta_factor
        )
        assert moved < best


def test_blr_copes_with_fewer_cells_than_features_and_duplicates(design):
    features, y = design
    rows = [0, 1, 2, 0, 1, 2, 3]  # 7 rows of 37 features, 3 of them repeated
    posterior = fit_linear_posterior(
        torch.tensor(features[rows]), torch.tensor(y[rows])
    )
    mean, _ = numpy_posterior(features[rows], y[rows], posterior.alpha, posterior.beta)
    np.testing.assert_allclose(posterior.mean.numpy(), mean, rtol=1e-6, atol=1e-9)
    _, std = posterior.predict(torch.tensor(features))
    assert np.isfinite(std.numpy()).all() and (std.numpy() > 0).all()


def test_blr_std_grows_away_from_the_data(nb201):
    # Train only on cells without 1×1 convolutions; cells full of them lie
    # where the weights of those features are known only from the prior.
    pool = nb201.sample(3000, seed=5)
    without = [arch for arch in pool if "nor_conv_1x1" not in arch.edge_ops][:150]
    full = [arch for arch in pool if arch.edge_ops.count("nor_conv_1x1") >= 3][:50]
    near = [arch for arch in pool if "nor_conv_1x1" not in arch.edge_ops][150:200]
    model = BayesianLinearRegression(encoding="onehot")
    model.fit(without, nb201.query(without))
    _, std_near = model.predict_dist(near)
    _, std_far = model.predict_dist(full)
    assert np.median(std_far) > np.median(std_near)

    # The noise 1/β is the same everywhere; the weights' share φᵀA⁻¹φ is not.
    def weight_variance(std):
        return (std / model.target_scale_) ** 2 - 1 / model.posterior_.beta

    assert np.median(weight_variance(std_far)) > 3 * np.median(
        weight_variance(std_near)
    )


def test_dngo_is_blr_on_the_last_hidden_layer(split):
    train, y, test, _ = split
    model = DNGOPredictor(epochs=30).fit(train, y)
    basis = model.basis(model.features(test))
    assert basis.shape == (len(test), model.width + 1)
    standardised = (y - model.target_mean_) / model.target_scale_
    posterior = fit_linear_posterior(
        model.basis(model.features(train)), torch.tensor(standardised)
    )
    mean, std = posterior.predict(basis)
    predicted_mean, predicted_std = model.predict_dist(test)
    np.testing.assert_allclose(
        predicted_mean, mean.numpy() * model.target_scale_ + model.target_mean_
    )
    np.testing.assert_allclose(predicted_std, std.numpy() * model.target_scale_)


def test_sghmc_samples_a_known_gaussian_posterior():
    # Linear-Gaussian model: the posterior N(m, A⁻¹) is known exactly.
    generator = torch.Generator().manual_seed(0)
    n, d, alpha, beta = 100, 4, 1.0, 4.0
    x = torch.randn(n, d, generator=generator, dtype=torch.float64)
    y = x @ torch.randn(d, generator=generator, dtype=torch.float64)
    y = y + 0.5 * torch.randn(n, generator=generator, dtype=torch.float64)
    precision = alpha * torch.eye(d, dtype=torch.float64) + beta * x.T @ x
    covariance = torch.linalg.inv(precision)
    mean = beta * covariance @ x.T @ y

    theta = torch.zeros(d, dtype=torch.float64)
    sampler = SGHMC(theta, 1e-2, 0.05, torch.tensor(1e9), generator)
    samples = []
    for step in range(12_000):
        gradient = beta * x.T @ (x @ theta - y) + alpha * theta
        if step < 2000:
            sampler.adapt(gradient)
        sampler.step(gradient)
        if step >= 2000:
            samples.append(theta.clone())
    samples = torch.stack(samples)
    std = covariance.diag().sqrt()
    assert ((samples.mean(0) - mean).abs() < 0.2 * std).all()
    np.testing.assert_allclose(samples.std(0) / std, 1.0, atol=0.15)


def test_bohamiann_samples_differ_and_predictions_are_their_mixture(split):
    train, y, test, _ = split
    model = BOHAMIANNPredictor(
        num_chains=2, num_steps=400, burn_in=200, keep_every=50
    ).fit(train, y)
    samples = model.samples_
    assert samples.shape[0] == 4  # (400 − 200) / 50 kept
    distances = torch.cdist(samples, samples)
    assert (distances + torch.eye(len(samples)) > 1e-3).all()

    features = torch.tensor(model.features(test[:20]), dtype=torch.float32)
    means, variances = [], []
    for sample in samples:
        model.net_.flat.data.copy_(sample)
        mean, variance = model._heads(model.net_(features).detach())
        means.append(mean.double())
        variances.append(variance.double())
    means, variances = torch.cat(means), torch.cat(variances)  # (S·chains, 20)
    mixture_mean = means.mean(0)
    mixture_std = (variances.mean(0) + means.var(0, correction=0)).sqrt()
    predicted_mean, predicted_std = model.predict_dist(test[:20])
    np.testing.assert_allclose(
        predicted_mean,
        mixture_mean.numpy() * model.target_scale_ + model.target_mean_,
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        predicted_std, mixture_std.numpy() * model.target_scale_, rtol=1e-4
    )


@pytest.mark.parametrize(
    ("model", "threshold"),
    [
        (BayesianLinearRegression(), 0.4),
        (DNGOPredictor(), 0.45),
        (DNGOPredictor(validation_fraction=0.2), 0.4),
        (BOHAMIANNPredictor(), 0.45),
    ],
    ids=["blr", "dngo", "dngo-early-stopping", "bohamiann"],
)
def test_ranks_held_out_cells_well_above_chance(model, threshold, split):
    train, y, test, y_test = split
    mean, std = model.fit(train, y).predict_dist(test)
    assert kendall_tau(y_test, mean) > threshold
    assert (std > 0).all()


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (BayesianLinearRegression(alpha=0), "alpha"),
        (BayesianLinearRegression(beta="high"), "beta"),
        (DNGOPredictor(epochs=-1), "epochs"),
        (DNGOPredictor(validation_fraction=1.0), "validation_fraction"),
        (DNGOPredictor(activation="sigmoid"), "valid: relu, tanh"),
        (DNGOPredictor(learning_rate=0), "learning_rate"),
        (BOHAMIANNPredictor(burn_in=3000, num_steps=3000), "burn_in"),
        (BOHAMIANNPredictor(keep_every=0), "keep_every"),
        (BOHAMIANNPredictor(friction=1.5), "friction"),
        (BOHAMIANNPredictor(temperature=-1.0), "temperature"),
    ],
)
def test_bad_settings_are_named(model, message, split):
    train, y, _, _ = split
    with pytest.raises(SurrobenchError, match=message):
        model.fit(train, y)


def test_blr_fixed_precisions_are_kept(design):
    features, y = design
    posterior = fit_linear_posterior(
        torch.tensor(features), torch.tensor(y), alpha=2.0, beta=5.0
    )
    assert (posterior.alpha, posterior.beta) == pytest.approx((2.0, 5.0))
    mean, _ = numpy_posterior(features, y, 2.0, 5.0)
    np.testing.assert_allclose(posterior.mean.numpy(), mean, rtol=1e-8, atol=1e-10)

    # Fixing one, the evidence still picks the other.
    free = fit_linear_posterior(torch.tensor(features), torch.tensor(y))
    half = fit_linear_posterior(torch.tensor(features), torch.tensor(y), beta=free.beta)
    assert half.alpha == pytest.approx(free.alpha, rel=1e-6)
