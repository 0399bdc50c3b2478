import numpy as np
import pandas as pd
import pytest

from surrobench.encodings import get_encoding
from surrobench.encodings.zc import ZeroCostEncoding, log_scale
from surrobench.errors import SurrobenchError
from surrobench.predictors import make_predictor
from surrobench.zerocost.runner import compute_proxies
from surrobench.zerocost.values import (
    VALUES_VARIABLE,
    ComputedValues,
    TableValues,
    default_values,
    use_values,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

CHEAP = ["synflow", "params", "flops", "l2_norm"]


@pytest.fixture(scope="module")
def scored(nb201, tiny_network):
    """Real proxy scores of 80 real cells, as surrobench zerocost writes them."""
    archs = nb201.sample(80, seed=2)
    return archs, compute_proxies(archs, CHEAP, size=tiny_network)


@pytest.fixture
def table_values(scored):
    archs, table = scored
    return TableValues(archs, table[CHEAP], "test scores")


@pytest.fixture(autouse=True)
def back_to_the_default():
    yield
    use_values(None)


def test_features_are_robustly_standardised_scores(scored, table_values):
    archs, table = scored
    encoding = ZeroCostEncoding(table_values)
    assert encoding.feature_names(archs[0].space) == [f"zc:{p}" for p in CHEAP]
    features = encoding.encode(archs)
    assert features.shape == (80, 4) and features.dtype == np.float32
    # synflow is kept as it is; flops passes through log_scale first.
    flops = log_scale(table["flops"], knee=np.median(np.abs(table["flops"])))
    for column, values in ((0, table["synflow"]), (2, flops)):
        low, median, high = np.percentile(values, [25, 50, 75])
        expected = np.clip((values - median) / ((high - low) / 1.349), -6, 6)
        np.testing.assert_allclose(features[:, column], expected, rtol=1e-5)
    assert np.median(features, axis=0) == pytest.approx(0, abs=1e-6)
    assert np.abs(features).max() <= 6


def test_log_scale_keeps_order_and_sign():
    values = np.array([-1e6, -1.0, -1e-9, 0.0, 1e-9, 1e-3, 1.0, 1e40])
    scaled = log_scale(values)
    assert (np.diff(scaled) > 0).all() and (np.sign(scaled) == np.sign(values)).all()
    assert scaled[-1] < 110  # 1e40 lands on a few dozen units


def test_concatenates_with_other_encodings(scored, table_values):
    archs, _ = scored
    use_values(table_values)
    features = get_encoding("onehot+zc").encode(archs[:5])
    assert features.shape == (5, 36 + 4)
    np.testing.assert_array_equal(
        features[:, 36:], ZeroCostEncoding(table_values).encode(archs[:5])
    )


def test_a_model_on_onehot_plus_zc_fits_and_ranks(nb201, scored, table_values):
    from surrobench.eval import kendall_tau

    archs, _ = scored
    use_values(table_values)
    train, test = archs[:50], archs[50:]
    model = make_predictor("lgb", encoding="onehot+zc").fit(train, nb201.query(train))
    assert kendall_tau(nb201.query(test), model.predict(test)) > 0.2


def test_a_csv_named_in_the_environment_is_read(scored, tmp_path, monkeypatch):
    archs, table = scored
    path = tmp_path / "zc.csv"
    table.assign(val_accuracy=1.0).to_csv(path, index=False)
    monkeypatch.setenv(VALUES_VARIABLE, str(path))
    values = default_values()
    assert values.proxies == tuple(CHEAP)  # the accuracy column stays out
    np.testing.assert_array_equal(values.lookup(archs[:3]), table[CHEAP].to_numpy()[:3])


def test_missing_scores_are_named(nb201, scored, table_values):
    archs, table = scored
    stranger = next(a for a in nb201.sample(200, seed=9) if a not in set(archs))
    with pytest.raises(SurrobenchError, match="no proxy scores for"):
        ZeroCostEncoding(table_values).encode([stranger])
    gappy = table[CHEAP].copy()
    gappy.loc[3, "params"] = np.nan
    with pytest.raises(SurrobenchError, match="no finite 'params' score"):
        ZeroCostEncoding(TableValues(archs, gappy, "gappy")).encode(archs[:5])
    with pytest.raises(SurrobenchError, match="not proxies"):
        TableValues(archs, pd.DataFrame({"val_accuracy": np.ones(80)}), "leaky")


def test_other_spaces_are_refused_without_a_file(cora, tiny_network):
    encoding = ZeroCostEncoding(ComputedValues(["params"], size=tiny_network))
    with pytest.raises(SurrobenchError, match="NB201 cells only"):
        encoding.encode(cora.archs[:2])


def test_computed_values_score_on_demand(nb201, tiny_network):
    values = ComputedValues(["params"], size=tiny_network)
    archs = nb201.sample(3, seed=0)
    assert values.lookup(archs).shape == (3, 1)
    assert values.identity.startswith("computed:tiny:digits")
    with pytest.raises(SurrobenchError, match="no 'snip' scores"):
        values.column(archs, "snip")


def test_score_files_that_are_not_numbers_are_named(scored, tmp_path):
    """Strings, booleans, conflicting repeats, repeated columns, extra fields
    and no rows: each a one-line error, not a pandas traceback or a silent pick."""
    archs, table = scored
    base = table[["arch", "params"]].head(3)
    ragged = "arch,params\n" + "".join(f'"{a}",1,2\n' for a in base.arch)
    cases = {
        "text": (base.astype({"params": object}).assign(params="abc"), "'abc', not"),
        "flags": (base.assign(params=True), "True, not a number"),
        "repeat": (pd.concat([base, base.head(1).assign(params=-1.0)]), "twice"),
        "columns": (
            base.assign(synflow=1.0).set_axis(["arch"] + ["params"] * 2, axis=1),
            "repeats the column 'params'",
        ),
        "ragged": (ragged, "more fields than columns"),
        "empty": ("arch,params\n", "holds no architectures"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / f"{name}.csv"
        if isinstance(content, str):
            path.write_text(content)
        else:
            content.to_csv(path, index=False)
        with pytest.raises(SurrobenchError, match=message):
            TableValues.from_csv(path)
    same = pd.concat([base, base.head(1)])  # an identical repeat is harmless
    same.to_csv(tmp_path / "same.csv", index=False)
    assert TableValues.from_csv(tmp_path / "same.csv").lookup(archs[:1]).shape == (1, 1)
