import json
import re

import pandas as pd
import pytest

from surrobench.architecture import Architecture
from surrobench.cli import main
from tests.cli_helpers import exit_code
from tests.datasets.test_suite_zero import NB101_FILE, needs_shared
from tests.zerocost.test_data import write_cifar_batch

pytestmark = pytest.mark.usefixtures("one_torch_thread")

ZEROCOST = "zerocost --benchmark nb201-cifar10 --proxies params,synflow".split()


def test_scores_a_sample_and_resumes_from_its_store(tmp_path, capsys):
    out = tmp_path / "runs" / "zc.csv"
    assert main([*ZEROCOST, "--n-archs", "4", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == ["arch", "params", "synflow"] and len(table) == 4
    assert all(Architecture.from_string(text).space == "nb201" for text in table.arch)
    assert (tmp_path / "runs" / "zc.sqlite").is_file()
    assert "wrote 4 architectures × 2 proxies" in capsys.readouterr().err

    assert main([*ZEROCOST, "--n-archs", "4", "--out", str(out)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out), table)


def test_one_architecture_one_proxy_reads_in_the_singular(tmp_path, capsys):
    out = tmp_path / "one.csv"
    args = ["zerocost", "--benchmark", "nb201-cifar10", "--proxies", "params"]
    assert main([*args, "--n-archs", "1", "--out", str(out)]) == 0
    assert "wrote 1 architecture × 1 proxy to" in capsys.readouterr().err


def test_a_suite_zero_file_is_scored_exactly(nb201, tmp_path):
    archs = nb201.sample(3, seed=1)
    entries = {
        str(nb201.space.to_tuple(arch)): {"val_accuracy": 90.0 + i}
        for i, arch in enumerate(archs)
    }
    path = tmp_path / "zc_nasbench201.json"
    path.write_text(json.dumps({"nasbench201": {"cifar10": entries}}))
    out = tmp_path / "zc.csv"
    args = f"zerocost --benchmark {path} --dataset cifar10 --proxies all"
    assert main([*args.split(), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.arch) == [arch.to_string() for arch in archs]
    assert len(table.columns) == 1 + 13


def test_cifar_batches_from_a_folder(tmp_path):
    write_cifar_batch(tmp_path / "cifar", count=40)
    out = tmp_path / "zc.csv"
    args = [*ZEROCOST[:3], "--proxies", "snip", "--n-archs", "2"]
    args += ["--data-dir", str(tmp_path / "cifar"), "--batch-size", "16"]
    assert main([*args, "--out", str(out)]) == 0
    assert pd.read_csv(out)["snip"].notna().all()


def test_evaluate_reads_the_written_scores_through_zc(tmp_path, capsys):
    scores = tmp_path / "zc.csv"
    assert main([*ZEROCOST, "--n-archs", "160", "--out", str(scores)]) == 0
    # Train and test cells all come from the scored ones: a table of them.
    cells = pd.read_csv(scores)[["arch"]].assign(accuracy=0.0)
    from surrobench.datasets import load_benchmark

    bench = load_benchmark("nb201-cifar10")
    rows = bench.rows([Architecture.from_string(text) for text in cells.arch])
    cells["accuracy"] = bench.values()[rows]
    table = tmp_path / "cells.csv"
    cells.to_csv(table, index=False)
    out = tmp_path / "eval"
    args = f"evaluate --benchmark {table} --space nb201 --arch-column arch "
    args += "--target accuracy --predictors lgb,synflow --encoding onehot+zc "
    assert exit_code([*args.split(), "--seeds", "1"]) == 2  # synflow takes none
    args = args.replace("lgb,synflow", "lgb")
    args += f"--train-sizes 50 --seeds 1 --test-size 110 --zc-values {scores}"
    assert main([*args.split(), "--out", str(out)]) == 0
    results = pd.read_csv(out / "results.csv")
    assert results.encoding.tolist() == ["onehot+zc"]
    assert results.kendall_tau.iloc[0] > 0.3


@needs_shared
def test_unsupported_spaces_and_bad_options_are_refused(tmp_path, capsys):
    out = str(tmp_path / "zc.csv")
    args = f"zerocost --benchmark {NB101_FILE} --proxies snip --out {out}"
    assert exit_code(args.split()) == 2
    assert "no NAS-Bench-101 search space" in capsys.readouterr().err
    args = "zerocost --benchmark nbgraph-cora --proxies snip --n-archs 2"
    assert exit_code([*args.split(), "--out", out]) == 2
    assert "NB201 cells only" in capsys.readouterr().err
    assert exit_code([*ZEROCOST[:3], "--proxies", "synflw", "--out", out]) == 2
    assert "did you mean 'synflow'" in capsys.readouterr().err
    assert exit_code([*ZEROCOST, "--out", str(tmp_path / "zc.txt")]) == 2
    assert "must end in .csv" in capsys.readouterr().err


@pytest.fixture(autouse=True)
def back_to_the_default():
    from surrobench.zerocost.values import use_values

    yield
    use_values(None)


def test_finished_scores_are_never_overwritten_and_bad_data_always_fails(
    tmp_path, capsys
):
    out = tmp_path / "zc.csv"
    # The CSV written over the store would lose every score.
    args = [*ZEROCOST, "--n-archs", "2", "--store", str(out), "--out", str(out)]
    assert exit_code(args) == 2
    assert "is the --out file" in capsys.readouterr().err and not out.exists()

    # params and synflow read no images, and their scores are stored: a broken
    # CIFAR-10 folder was still silently accepted.
    assert main([*ZEROCOST, "--n-archs", "2", "--out", str(out)]) == 0
    write_cifar_batch(tmp_path / "cifar", count=20)
    batch = tmp_path / "cifar" / "data_batch_1"
    batch.write_bytes(batch.read_bytes()[:1000])
    args = [*ZEROCOST, "--n-archs", "2", "--data-dir", str(tmp_path / "cifar")]
    assert exit_code([*args, "--out", str(out)]) == 2
    assert "not a CIFAR-10 python batch" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("--proxies all,params", "all stands alone"),
        ("--proxies params --n-archs 15626", r"--n-archs must be in 1\.\.15625"),
        ("--proxies params --seed -1", "seed must be in"),
    ],
)
def test_bad_zerocost_options_name_themselves(tmp_path, capsys, options, message):
    args = ["zerocost", "--benchmark", "nb201-cifar10", *options.split()]
    assert exit_code([*args, "--out", str(tmp_path / "zc.csv")]) == 2
    assert re.search(message, capsys.readouterr().err.splitlines()[-1])


def test_an_empty_zc_values_name_is_refused(tmp_path, capsys):
    args = "evaluate --benchmark nb201-cifar10 --predictors params --seeds 1"
    args = [*args.split(), "--zc-values", "", "--out", str(tmp_path / "eval")]
    assert exit_code(args) == 2
    assert "proxy scores file '' does not exist" in capsys.readouterr().err


def test_the_readme_workflow_scores_then_evaluates_on_the_scored_cells(
    tmp_path, capsys
):
    """zerocost --n-archs N, then evaluate --zc-values on its CSV: the run is
    restricted to the N scored cells instead of failing on the first unscored
    test cell."""
    scores = tmp_path / "zc.csv"
    args = [*ZEROCOST[:3], "--proxies", "params,flops", "--n-archs", "20"]
    assert main([*args, "--out", str(scores)]) == 0
    capsys.readouterr()
    runs = tmp_path / "runs"
    args = "evaluate --benchmark nb201-cifar10 --predictors lgb,params"
    args += " --train-sizes 8 --seeds 2 --encoding onehot+zc"
    args += f" --zc-values {scores} --out {runs}"
    assert main(args.split()) == 0
    assert "only the 20 architectures" in capsys.readouterr().err
    results = pd.read_csv(runs / "results.csv")
    assert set(results.test_size) == {12}
    assert set(results.benchmark) == {"nb201-cifar10[20 scored]"}
    assert results.kendall_tau.between(-1, 1).all()


def test_a_score_file_of_too_few_benchmark_cells_is_refused(tmp_path, capsys):
    scores = tmp_path / "zc.csv"
    assert (
        main(
            [
                *ZEROCOST[:3],
                "--proxies",
                "params",
                "--n-archs",
                "2",
                "--out",
                str(scores),
            ]
        )
        == 0
    )
    args = "evaluate --benchmark nb201-cifar10 --predictors params --train-sizes 2"
    args += f" --zc-values {scores} --out {tmp_path / 'runs'}"
    assert exit_code(args.split()) == 2
    assert "scores 2 of the 15625 architectures" in capsys.readouterr().err
