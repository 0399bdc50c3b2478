import subprocess
import sys

import pandas as pd
import pytest

from surrobench.cli import main
from surrobench.eval import RESULT_COLUMNS

EVALUATE = [
    "evaluate",
    "--benchmark",
    "nb201-cifar10",
    "--predictors",
    "rf,nusvr",
    "--train-sizes",
    "20,40",
    "--seeds",
    "2",
    "--test-size",
    "200",
]


def test_evaluate_writes_results_leaderboard_and_store(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main([*EVALUATE, "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "[8/8]" in printed.err
    assert "nusvr" in printed.out and "kendall_tau" in printed.out
    results = pd.read_csv(out / "results.csv")
    assert list(results.columns) == RESULT_COLUMNS and len(results) == 8
    markdown = (out / "leaderboard.md").read_text()
    assert "baseline_accuracy" in markdown and "| 40 |" in markdown
    assert len(pd.read_csv(out / "leaderboard.csv")) == 4
    assert (out / "results.sqlite").is_file()

    assert main([*EVALUATE, "--out", str(out)]) == 0  # everything is stored now
    assert capsys.readouterr().err.count("(stored)") == 8
    pd.testing.assert_frame_equal(pd.read_csv(out / "results.csv"), results)


def test_show_prints_structure_not_only_a_hash(capsys):
    assert main(["show", "nbgraph-cora", "--top", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    ranked = [
        line for line in lines if line.lstrip()[:2] in {f"{i}." for i in range(1, 6)}
    ]
    assert len(ranked) == 5
    assert all("link=[" in line and "ops=[" in line for line in ranked)
    assert "-> output=" in "\n".join(lines)


def test_benchmarks_lists_every_builtin(capsys):
    assert main(["benchmarks"]) == 0
    out = capsys.readouterr().out
    assert "nb201-cifar10" in out and "15625" in out and "latency↓" in out
    assert len(out.strip().splitlines()) == 10


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--benchmark", "nb210", "--predictors", "rf"],
            "did you mean 'nb201-cifar10'",
        ),
        (["--benchmark", "nb201-cifar10", "--predictors", "rff"], "did you mean 'rf'"),
        (
            ["--benchmark", "nb201-cifar10", "--predictors", "rf", "--encoding", "one"],
            "unknown encoding 'one'",
        ),
        (
            ["--benchmark", "nb201-cifar10", "--predictors", "rf", "--metric", "acc"],
            "unknown metric",
        ),
        (
            [
                "--benchmark",
                "nbgraph-proteins",
                "--predictors",
                "rf",
                "--train-sizes",
                "2020",
            ],
            "train size 2020",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, args, message):
    code = main(["evaluate", *args, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "out" / "results.csv").exists()


def test_console_entry_point_reports_errors_without_a_traceback(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "surrobench", "show", "nbgraph-coraa"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "did you mean 'nbgraph-cora'" in completed.stderr
    assert "Traceback" not in completed.stderr
