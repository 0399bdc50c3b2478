import subprocess
import sys

import pandas as pd
import pytest

from surrobench.cli import main
from surrobench.eval import RESULT_COLUMNS
from tests.cli_helpers import exit_code

EVALUATE = (
    "evaluate --benchmark nb201-cifar10 --predictors rf,nusvr "
    "--train-sizes 20,40 --seeds 2 --test-size 200"
).split()
PROTEINS = "evaluate --benchmark nbgraph-proteins --seeds 1".split()


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
    # The spreads are counted rather than listed one by one.
    nb201_line = out.splitlines()[0]
    assert "_std" not in nb201_line.replace("*_std", "")
    assert "and 8 spreads named *_std↓" in nb201_line


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


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--seeds", "1,,2", "none empty"),
        ("--seeds", "300000000", "seed count"),
        ("--seeds", "-1,2", "seed must be in 0.."),
        ("--seeds", "0,4294967296", "seed must be in 0.."),
        ("--train-sizes", "10,,20", "none empty"),
        ("--predictors", ",rf", "none empty"),
        ("--hpo-seconds", "-3", "seconds in 0..604800"),
        ("--hpo-seconds", "inf", "seconds in 0..604800"),
        ("--hpo-seconds", "1e300", "seconds in 0..604800"),
        ("--hpo-seconds", "soon", "seconds in 0..604800"),
    ],
)
def test_malformed_lists_are_refused(tmp_path, capsys, option, value, message):
    args = [*PROTEINS, "--predictors", "rf", "--train-sizes", "10"]
    args += ["--out", str(tmp_path / "out"), f"{option}={value}"]
    assert exit_code(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unusable_output_folders(tmp_path, capsys):
    base = [*PROTEINS, *"--predictors nusvr --train-sizes 10 --test-size 50".split()]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert main([*base, "--out", str(a_file)]) == 2
    assert "is a file" in capsys.readouterr().err
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "results.sqlite").write_text("not a database " * 100)
    assert main([*base, "--out", str(corrupt)]) == 2
    assert "cannot use" in capsys.readouterr().err
    blocked = tmp_path / "blocked"
    (blocked / "results.csv").mkdir(parents=True)
    assert main([*base, "--out", str(blocked)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main([*base, "--out", " "]) == 2


def test_predicting_another_metric_says_so(tmp_path, capsys):
    out = tmp_path / "latency"
    args = [*PROTEINS, *"--predictors nusvr --train-sizes 20 --test-size 100".split()]
    args += ["--metric", "latency", "--out", str(out)]
    assert main(args) == 0
    assert "predicting latency (lower is better)" in capsys.readouterr().out
    assert "predicting latency" in (out / "leaderboard.md").read_text()


def test_a_metric_with_missing_values_is_refused_before_any_job(
    tmp_path, capsys, nb201
):
    archs = nb201.sample(30, seed=0)
    frame = pd.DataFrame(
        {
            "cell": [nb201.space.format(a) for a in archs],
            "acc": nb201.query(archs),
            "score": [float("nan")] + [1.0] * 29,
        }
    )
    frame.to_csv(tmp_path / "t.csv", index=False)
    args = [
        "evaluate",
        "--benchmark",
        str(tmp_path / "t.csv"),
        "--out",
        str(tmp_path / "o"),
    ]
    args += "--space nb201 --arch-column cell --target acc --metric score".split()
    args += "--predictors rf --train-sizes 10".split()
    assert main(args) == 2
    assert "NaN or infinite for 1 architectures" in capsys.readouterr().err
    assert not (tmp_path / "o" / "results.sqlite").exists()


def test_ctrl_c_swallowed_inside_a_job_still_stops_the_run(tmp_path, monkeypatch):
    """xgboost's ctypes callbacks print a KeyboardInterrupt and drop it; the
    run must still stop after the job it hit, keeping what finished."""
    import contextlib
    import os
    import signal

    import surrobench.cli as cli

    real_evaluate = cli.evaluate

    def evaluate_hit_by_ctrl_c(bench, jobs, on_result, **kwargs):
        def on_result_then_ctrl_c(index, total, row, reused):
            if index == 0:
                # What a C callback does with the interrupt: drops it.
                with contextlib.suppress(KeyboardInterrupt):
                    os.kill(os.getpid(), signal.SIGINT)
            on_result(index, total, row, reused)

        return real_evaluate(bench, jobs, on_result=on_result_then_ctrl_c, **kwargs)

    monkeypatch.setattr(cli, "evaluate", evaluate_hit_by_ctrl_c)
    out = tmp_path / "demo"
    assert main([*EVALUATE, "--out", str(out)]) == 130
    assert len(pd.read_csv(out / "results.csv")) == 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_with_workers_keeps_every_running_job(tmp_path, monkeypatch):
    """The first Ctrl-C lets both running jobs finish and keeps them (the
    first result used to re-raise it and drop the other one)."""
    import multiprocessing
    import os
    import signal
    import time

    from surrobench import workers
    from surrobench.eval import harness

    fork = multiprocessing.get_context("fork")  # spawned workers start slowly
    monkeypatch.setattr(workers.multiprocessing, "get_context", lambda name=None: fork)
    real_run_job = harness.run_job

    def slow_job(job, bench):
        if (job.predictor, job.train_size, job.seed) == ("rf", 20, 0):
            time.sleep(0.3)  # both jobs handed out, then Ctrl-C
            os.kill(os.getppid(), signal.SIGINT)
        time.sleep(1.0)
        return real_run_job(job, bench)

    monkeypatch.setattr(harness, "run_job", slow_job)  # forked workers see it
    args = [*EVALUATE, "--workers", "2", "--out", str(tmp_path / "demo")]
    assert main(args) == 130
    assert len(pd.read_csv(tmp_path / "demo" / "results.csv")) == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["evalute"], "invalid choice: 'evalute'"),
        (["search", "--benchmark", "nb201-cifar10", "--seeds", "0"], "--seeds"),
        (["evaluate", "--benchmark", "nb201-cifar10"], "required"),
    ],
)
def test_argument_errors_are_one_line(capsys, args, message):
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("surrobench: error: ") and message in err
    assert "--help)" in err
