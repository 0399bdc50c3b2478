import numpy as np
import pandas as pd
import pytest

from surrobench.datasets import load_benchmark
from surrobench.errors import SurrobenchError


def _table(nb201, n=40):
    archs = nb201.sample(n, seed=0)
    return pd.DataFrame(
        {
            "cell": [nb201.space.format(arch) for arch in archs],
            "accuracy": nb201.query(archs),
            "latency_ms": np.arange(n, dtype=float),
        }
    ), archs


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_user_table_loads_with_its_target(tmp_path, nb201, suffix):
    frame, archs = _table(nb201)
    path = tmp_path / f"mine{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path)
    bench = load_benchmark(
        str(path), space="nb201", arch_column="cell", target="accuracy"
    )
    assert len(bench) == 40 and bench.target == "accuracy"
    np.testing.assert_allclose(bench.query(archs), nb201.query(archs))
    assert not bench.metric("latency_ms").higher_is_better


def test_op_index_tuples_are_accepted(tmp_path, nb201):
    archs = nb201.sample(5, seed=1)
    path = tmp_path / "tuples.csv"
    pd.DataFrame(
        {"arch": [str(nb201.space.to_tuple(a)) for a in archs], "acc": range(5)}
    ).to_csv(path, index=False)
    bench = load_benchmark(str(path), space="nb201", arch_column="arch", target="acc")
    assert bench.archs == archs


def test_target_direction_from_its_name_or_the_caller(tmp_path, nb201):
    frame, _ = _table(nb201)
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)

    def direction(target, minimize):
        bench = load_benchmark(
            str(path),
            space="nb201",
            arch_column="cell",
            target=target,
            minimize=minimize,
        )
        return bench.metric().higher_is_better

    assert direction("latency_ms", None) is False
    assert direction("accuracy", None) is True
    assert direction("latency_ms", False) is True
    assert direction("accuracy", True) is False


def test_non_finite_targets_are_dropped_and_counted(tmp_path, nb201, caplog):
    frame, _ = _table(nb201)
    frame.loc[[3, 7], "accuracy"] = np.nan
    frame.loc[11, "accuracy"] = np.inf
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    bench = load_benchmark(
        str(path), space="nb201", arch_column="cell", target="accuracy"
    )
    assert len(bench) == 37
    assert "3 row(s)" in bench.description
    assert "dropped 3 row(s)" in caplog.text


def test_malformed_architecture_names_its_row(tmp_path, nb201):
    frame, _ = _table(nb201)
    frame.loc[5, "cell"] = "|nor_conv_3x3~0|+|oops"
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(SurrobenchError, match="row 7"):
        load_benchmark(str(path), space="nb201", arch_column="cell", target="accuracy")


@pytest.mark.parametrize(
    "options, message",
    [
        ({"space": "nb201", "arch_column": "cel", "target": "accuracy"}, "'cell'"),
        ({"space": "nb201", "arch_column": "cell", "target": "acc"}, "'accuracy'"),
        ({"space": "nb301", "arch_column": "cell", "target": "accuracy"}, "nb201"),
        ({"arch_column": "cell", "target": "accuracy"}, "--space"),
        ({"space": "nb201", "arch_column": "cell", "target": "cell"}, "not numeric"),
    ],
)
def test_bad_table_options_are_named(tmp_path, nb201, options, message):
    frame, _ = _table(nb201)
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(SurrobenchError, match=message):
        load_benchmark(str(path), **options)


def test_missing_file_duplicate_rows_and_unknown_suffix(tmp_path, nb201):
    with pytest.raises(SurrobenchError, match="does not exist"):
        load_benchmark(
            str(tmp_path / "no.csv"), space="nb201", arch_column="a", target="b"
        )
    frame, _ = _table(nb201, 5)
    doubled = pd.concat([frame, frame.iloc[[2]]])
    path = tmp_path / "dup.csv"
    doubled.to_csv(path, index=False)
    with pytest.raises(SurrobenchError, match="rows 4 and 7"):
        load_benchmark(str(path), space="nb201", arch_column="cell", target="accuracy")
    with pytest.raises(SurrobenchError, match="unknown benchmark"):
        load_benchmark(str(tmp_path / "t.xlsx"))


def test_parquet_row_numbers_ignore_its_index(tmp_path, nb201):
    frame, _ = _table(nb201, 6)
    frame.index = [f"r{i}" for i in range(6)]
    frame.loc["r3", "cell"] = "nonsense"
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    with pytest.raises(SurrobenchError, match="row 5"):
        load_benchmark(str(path), space="nb201", arch_column="cell", target="accuracy")


def test_reserved_column_names_and_odd_paths(tmp_path, nb201, caplog):
    frame, _ = _table(nb201, 6)
    frame["arch"] = 1.0
    frame["structure"] = 2.0
    path = tmp_path / "T.CSV"
    frame.to_csv(path, index=False)
    bench = load_benchmark(path, space="nb201", arch_column="cell", target="accuracy")
    assert "arch" not in bench.metrics and "structure" not in bench.metrics
    assert "not kept as a metric" in caplog.text
    assert len(bench.top(2)) == 2
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(SurrobenchError, match="not a file"):
        load_benchmark(
            str(tmp_path / "dir.csv"), space="nb201", arch_column="a", target="b"
        )
    with pytest.raises(SurrobenchError, match="minimize"):
        load_benchmark(
            path, space="nb201", arch_column="cell", target="accuracy", minimize="no"
        )
    with pytest.raises(SurrobenchError, match="built-in name or a table file"):
        load_benchmark(None)
