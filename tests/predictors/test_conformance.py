"""One conformance suite that every registered predictor passes."""

import numpy as np
import pytest

from surrobench.errors import SurrobenchError
from surrobench.predictors import PREDICTORS, make_predictor, predictor_names

# Zero-cost predictors need proxy scores of every architecture they see;
# tests/predictors/test_zero_cost.py runs them through the same checks.
ALL = [name for name in predictor_names() if "zero_cost" not in PREDICTORS[name].needs]


def test_the_registry_names_each_class_by_its_own_name():
    """The registry maps names to modules without importing them; each class
    it loads must carry the name it is registered under."""
    assert len(set(predictor_names())) == len(PREDICTORS) == 28
    for name in predictor_names():
        assert PREDICTORS[name].name == name
    with pytest.raises(KeyError):
        PREDICTORS["gpp"]


@pytest.fixture(scope="module")
def data(nb201):
    train = nb201.sample(60, seed=0)
    test = nb201.sample(500, seed=1)
    return train, nb201.query(train), test, nb201.query(test)


@pytest.mark.parametrize("name", ALL)
def test_fits_and_predicts_the_right_shape(name, data):
    train, y, test, y_test = data
    model = make_predictor(name, seed=0)
    assert model.fit(train, y) is model
    predictions = model.predict(test)
    assert predictions.shape == (len(test),) and np.isfinite(predictions).all()
    assert model.predict([]).shape == (0,)
    # A real model ranks better than chance on held-out cells.
    from surrobench.eval import kendall_tau

    assert kendall_tau(y_test, predictions) > 0.2


@pytest.mark.parametrize("name", ALL)
def test_deterministic_under_a_seed(name, data):
    train, y, test, _ = data
    first = make_predictor(name, seed=3).fit(train, y).predict(test)
    second = make_predictor(name, seed=3).fit(train, y).predict(test)
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("name", ALL)
def test_constant_target(name, data):
    train, _, test, _ = data
    predictions = (
        make_predictor(name).fit(train, np.full(len(train), 42.0)).predict(test)
    )
    np.testing.assert_allclose(predictions, 42.0, atol=1e-6)


@pytest.mark.parametrize("name", ALL)
def test_train_set_of_two(name, data):
    train, y, test, _ = data
    predictions = make_predictor(name).fit(train[:2], y[:2]).predict(test)
    assert predictions.shape == (len(test),) and np.isfinite(predictions).all()


@pytest.mark.parametrize("name", ALL)
def test_duplicate_architectures(name, data):
    train, y, test, _ = data
    doubled = train[:20] + train[:20]
    predictions = make_predictor(name).fit(doubled, np.concatenate([y[:20], y[:20]]))
    assert np.isfinite(predictions.predict(test)).all()


@pytest.mark.parametrize("name", ALL)
def test_every_encoding_is_accepted(name, data):
    train, y, test, _ = data
    if "encoding" not in PREDICTORS[name].needs:
        pytest.skip("takes no encoding")
    for encoding in ("onehot", "categorical", "path", "onehot+path"):
        model = make_predictor(name, encoding=encoding).fit(train, y)
        assert model.predict(test[:5]).shape == (5,)


@pytest.mark.parametrize("name", ALL)
def test_every_predictor_answers_predict_dist(name, data):
    train, y, test, y_test = data
    model = make_predictor(name).fit(train, y)
    mean, std = model.predict_dist(test)
    assert mean.shape == std.shape == (len(test),)
    assert np.isfinite(mean).all() and np.isfinite(std).all()
    assert (std >= 0).all() and std.max() > 0
    from surrobench.eval import kendall_tau

    assert kendall_tau(y_test, mean) > 0.2
    if not PREDICTORS[name].has_uncertainty:
        # The bootstrap's mean is the model's own prediction.
        np.testing.assert_allclose(mean, model.predict(test))
    empty_mean, empty_std = model.predict_dist([])
    assert empty_mean.shape == empty_std.shape == (0,)


@pytest.mark.parametrize("name", ALL)
def test_tunable_parameters_are_constructor_parameters(name, data):
    from sklearn.model_selection import ParameterSampler

    distributions = PREDICTORS[name].param_distributions
    assert distributions, f"{name} declares nothing to tune"
    train, y, test, _ = data
    for params in ParameterSampler(distributions, 2, random_state=0):
        model = make_predictor(name, params=params).fit(train[:30], y[:30])
        assert np.isfinite(model.predict(test[:5])).all()


@pytest.mark.parametrize("name", ALL)
def test_params_are_stored_not_learned(name):
    model = make_predictor(name, seed=7)
    params = model.get_params()
    assert params["seed"] == 7
    assert not [key for key in vars(model) if key.endswith("_")]


@pytest.mark.parametrize("name", ALL)
def test_bad_input_is_rejected_clearly(name, data, cora):
    train, y, test, _ = data
    model = make_predictor(name)
    with pytest.raises(SurrobenchError, match="fit before predict"):
        model.predict(test)
    bad = y.copy()
    bad[4] = np.nan
    cases = [
        ((train, bad), "NaN or infinite"),
        ((train, y[:-1]), "targets of shape"),
        ((train[:1], y[:1]), "at least 2"),
        ((["|none~0|"] * 3, y[:3]), "Architecture"),
        ((train[:5] + cora.archs[:5], y[:10]), "space"),
        ((train, ["a"] * len(train)), "numbers"),
        (("abc", y[:3]), "sequence"),
        ((train, [str(v) for v in y]), "real numbers"),
        ((train, y > 80), "real numbers"),
        ((train, y.reshape(-1, 1)), "targets of shape"),
        ((train, np.full(len(train), 1e305)), "rescale"),
        ((iter(train), y), "sequence"),
    ]
    for args, message in cases:
        with pytest.raises(SurrobenchError, match=message):
            model.fit(*args)
    model.fit(train, y)
    with pytest.raises(SurrobenchError, match="space"):
        model.predict(cora.archs[:3])


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("seed", [-1, 2**31, 1.5, "x", True])
def test_bad_seeds_are_rejected(name, seed, data):
    train, y, _, _ = data
    with pytest.raises(SurrobenchError, match="seed"):
        make_predictor(name, seed=seed)
    with pytest.raises(SurrobenchError, match="seed"):
        PREDICTORS[name](seed=seed).fit(train, y)


def test_unknown_predictor_and_encoding_are_named():
    with pytest.raises(SurrobenchError, match="did you mean 'lgb'"):
        make_predictor("lgbm")
    with pytest.raises(SurrobenchError, match="unknown encoding"):
        make_predictor("rf", encoding="onehto")


@pytest.mark.parametrize("name", ALL)
def test_shifting_and_scaling_the_target_keeps_the_ranking(name, data):
    from surrobench.eval import kendall_tau

    train, y, test, y_test = data
    base = make_predictor(name).fit(train, y).predict(test)
    for shift, scale in ((1e9, 1.0), (0.0, 1e-300), (-5.0, 1e6)):
        moved = make_predictor(name).fit(train, y * scale + shift).predict(test)
        # Rounding may flip a tie between equally good splits, nothing more.
        assert kendall_tau(base, moved) > 0.9
        quality = kendall_tau(y_test, moved) - kendall_tau(y_test, base)
        assert abs(quality) < 0.03


@pytest.mark.parametrize("name", ALL)
def test_out_of_range_parameters_are_named(name, data):
    """Counts beyond 10⁶ and NaN or huge reals stop at fit, naming the parameter."""
    import inspect

    train, y, _, _ = data
    signature = inspect.signature(PREDICTORS[name].__init__)
    for parameter, spec in signature.parameters.items():
        default = spec.default
        if parameter == "seed" or isinstance(default, bool):
            continue
        if isinstance(default, int):
            bad_values = [2**64, "3"]
        elif isinstance(default, float):
            bad_values = [float("nan"), 1e300, "0.1"]
        else:
            continue
        for bad in bad_values:
            model = make_predictor(name, params={parameter: bad})
            with pytest.raises(SurrobenchError, match=parameter):
                model.fit(train[:10], y[:10])
