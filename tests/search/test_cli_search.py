import contextlib
import signal

import pandas as pd
import pytest

from surrobench.architecture import Architecture
from surrobench.cli import main
from surrobench.search import runner
from tests.cli_helpers import exit_code

SEARCH = (
    "search --benchmark nb201-cifar10 --strategy random,evolution,bo "
    "--surrogate blr --budget 20 --seeds 3"
).split()
FIRST_COLUMNS = (
    "strategy, surrogate, acquisition, seed, step, arch, value, best_value, "
    "regret, seconds"
).split(", ")


def test_search_writes_trajectories_and_summary_then_resumes(tmp_path, capsys):
    out = tmp_path / "runs"
    assert main([*SEARCH, "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "[9/9]" in printed.err and "| bo(blr/path, ei, pool) | 3 |" in printed.out
    steps = pd.read_csv(out / "trajectories.csv", keep_default_na=False)
    assert list(steps.columns[:10]) == FIRST_COLUMNS
    assert {"optimizer", "batch_size", "fit_seconds", "acquisition_seconds"} <= set(
        steps.columns
    )
    assert len(steps) == 9 * 20
    assert (steps.groupby(["strategy", "seed"])["arch"].nunique() == 20).all()
    summary = (out / "summary.md").read_text()
    assert "regret @20" in summary and "gain vs random @20" in summary
    assert "(3 pairs)" in summary

    assert main([*SEARCH, "--out", str(out)]) == 0  # every run is stored now
    assert capsys.readouterr().err.count("(stored)") == 9
    again = pd.read_csv(out / "trajectories.csv", keep_default_na=False)
    pd.testing.assert_frame_equal(again, steps)


def test_an_interrupted_search_keeps_finished_runs(tmp_path, capsys, monkeypatch):
    out = tmp_path / "runs"
    real = runner.run_search_job
    calls = []

    def interrupted_third_run(job, benchmark):
        calls.append(job)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(job, benchmark)

    monkeypatch.setattr(runner, "run_search_job", interrupted_third_run)
    assert main([*SEARCH, "--out", str(out)]) == 130
    assert "2 finished searches kept" in capsys.readouterr().err
    kept = pd.read_csv(out / "trajectories.csv", keep_default_na=False)
    assert len(kept) == 2 * 20

    monkeypatch.setattr(runner, "run_search_job", real)
    assert main([*SEARCH, "--out", str(out)]) == 0
    assert capsys.readouterr().err.count("(stored)") == 2
    steps = pd.read_csv(out / "trajectories.csv", keep_default_na=False)
    assert len(steps) == 9 * 20
    pd.testing.assert_frame_equal(steps.iloc[:40], kept)


def test_workers_do_not_change_trajectories(tmp_path):
    base = "search --benchmark nbgraph-cora --strategy random,local --budget 15"
    base = [*base.split(), "--seeds", "2"]
    assert main([*base, "--out", str(tmp_path / "one")]) == 0
    assert main([*base, "--workers", "2", "--out", str(tmp_path / "two")]) == 0
    one, two = (
        pd.read_csv(tmp_path / name / "trajectories.csv").drop(columns="seconds")
        for name in ("one", "two")
    )
    key = ["strategy", "seed", "step"]
    pd.testing.assert_frame_equal(
        one.sort_values(key).reset_index(drop=True),
        two.sort_values(key).reset_index(drop=True),
    )


def test_pareto_search_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "front"
    args = "search --benchmark nbgraph-cora --strategy random,bo --surrogate lgb"
    args += " --optimizer mutation"
    args = [*args.split(), *"--budget 14 --seeds 2 --cost latency --pareto".split()]
    assert main([*args, "--out", str(out)]) == 0
    steps = pd.read_csv(out / "trajectories.csv")
    assert (steps["objective"] == "pareto(cost=latency)").all()
    assert (steps["hypervolume"] == steps["best_value"]).all()
    assert "pareto(cost=latency)" in (out / "summary.md").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        ("--strategy rnd --budget 20", "unknown strategy 'rnd'"),
        ("--strategy bo --surrogate gpp --budget 20", "did you mean 'gp'"),
        ("--strategy bo --acquisition eii --budget 20", "did you mean 'ei'"),
        ("--strategy bo --optimizer pol --budget 20", "did you mean 'pool'"),
        ("--strategy random --surrogate gp --budget 20", "not among random"),
        (
            "--strategy random,local --optimizer mutation --budget 20",
            "--optimizer configures strategy bo only, which is not among random,local",
        ),
        (
            "--strategy random --budget 20 --batch-size 5",
            "--batch-size 5 sets the queries per surrogate fit of bo, bananas",
        ),
        ("--strategy random --budget 5", "--budget 5 is smaller than --initial 10"),
        ("--strategy random --budget 20000", "exceeds the 15625 architectures"),
        ("--strategy random --budget 20 --batch-size 0", "--batch-size must be in"),
        ("--strategy bo --budget 20 --initial 1", "--initial must be at least 2"),
        ("--strategy random --budget 20 --seeds=-1,2", "seed must be in 0.."),
        ("--strategy random --budget 20 --workers 0", "--workers must be in 1.."),
        ("--strategy random --budget 20 --cost params", "exactly one of --alpha"),
        ("--strategy random --budget 20 --alpha 0.5", "name one with --cost"),
        ("--strategy random --budget 20 --cost para --alpha 0.5", "'params'"),
        ("--strategy random --budget 20 --cost params --alpha 1.5", "in [0, 1]"),
        ("--strategy random --budget 20 --cost params --alpha x", "in [0, 1]"),
        (
            "--strategy random --budget 20 --cost params --alpha 0.5 --pareto",
            "not allowed with argument",
        ),
        # An empty name used to mean the default.
        ("--strategy bo --surrogate= --budget 20", "unknown predictor ''"),
        ("--strategy bo --acquisition= --budget 20", "unknown acquisition ''"),
        ("--strategy bo --optimizer= --budget 20", "unknown acquisition optimizer"),
        # It used to compute synflow for every cell of the pool at every step.
        ("--strategy bo --surrogate synflow --budget 20", "is a zero-cost proxy"),
    ],
)
def test_bad_input_exits_2_without_a_traceback(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    command = ["search", "--benchmark", "nb201-cifar10", *args.split()]
    assert exit_code([*command, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (out / "trajectories.csv").exists()
    assert not (out / "search.sqlite").exists()


def test_an_output_path_that_is_a_file_is_refused(tmp_path, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    args = "search --benchmark nb201-cifar10 --strategy random --budget 12"
    assert exit_code([*args.split(), "--out", str(a_file)]) == 2
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and len(err.strip().splitlines()) == 1


def test_missing_optuna_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "optuna", None)
    args = "search --benchmark nb201-cifar10 --strategy tpe --budget 12"
    assert exit_code([*args.split(), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "pip install surrobench[optuna]" in err
    assert len(err.strip().splitlines()) == 1


def test_a_folder_of_another_benchmark_or_budget_is_refused(tmp_path, capsys):
    out = tmp_path / "runs"
    args = "search --benchmark nbgraph-proteins --strategy random --seeds 1".split()
    assert main([*args, "--budget", "12", "--out", str(out)]) == 0
    before = (out / "trajectories.csv").read_text()
    capsys.readouterr()

    for other in (
        ["--budget", "14"],
        ["--budget", "12", "--benchmark", "nb201-cifar10"],
    ):
        assert exit_code([*args, *other, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert "holds searches of nbgraph-proteins with --budget 12" in err
        assert len(err.strip().splitlines()) == 1
    assert (out / "trajectories.csv").read_text() == before


def test_a_changed_table_of_the_same_name_is_refused(tmp_path, nb201, capsys):
    table = tmp_path / "table.csv"
    archs = [nb201.space.format(arch) for arch in nb201.archs[:30]]
    pd.DataFrame({"arch": archs, "acc": nb201.values()[:30]}).to_csv(table)
    args = f"search --benchmark {table} --space nb201 --arch-column arch --target acc"
    args = [*args.split(), *"--strategy random --budget 12 --seeds 1".split()]
    out = ["--out", str(tmp_path / "runs")]
    assert main([*args, *out]) == 0
    pd.DataFrame({"arch": archs, "acc": nb201.values()[30:60]}).to_csv(table)
    assert exit_code([*args, *out]) == 2
    assert "holds searches of another table named" in capsys.readouterr().err


def test_the_csv_lists_runs_in_plan_order_whatever_finished_first(tmp_path):
    args = "search --benchmark nbgraph-proteins --budget 12 --seeds 2 --strategy"
    fresh, resumed = tmp_path / "fresh", tmp_path / "resumed"
    assert main([*args.split(), "random,evolution", "--out", str(fresh)]) == 0
    # evolution's runs finish (are stored) before random's here.
    assert main([*args.split(), "evolution", "--out", str(resumed)]) == 0
    assert main([*args.split(), "random,evolution", "--out", str(resumed)]) == 0
    timing = ["seconds", "fit_seconds", "acquisition_seconds"]
    one, two = (
        pd.read_csv(folder / "trajectories.csv").drop(columns=timing)
        for folder in (fresh, resumed)
    )
    pd.testing.assert_frame_equal(one, two)


def test_ctrl_c_that_a_library_swallows_still_stops_the_run(
    tmp_path, capsys, monkeypatch
):
    # xgboost calls back into Python through ctypes and drops a
    # KeyboardInterrupt raised there: the run used to carry on to the end.
    real = runner.run_search_job

    def swallowing_ctrl_c(job, benchmark):
        with contextlib.suppress(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        return real(job, benchmark)

    monkeypatch.setattr(runner, "run_search_job", swallowing_ctrl_c)
    args = "search --benchmark nbgraph-proteins --strategy random --budget 12"
    assert main([*args.split(), "--seeds", "3", "--out", str(tmp_path)]) == 130
    assert "1 finished searches kept" in capsys.readouterr().err
    assert len(pd.read_csv(tmp_path / "trajectories.csv")) == 12


@pytest.fixture
def zc_values_reset():
    """--zc-values makes its file the process's default: undo it after."""
    from surrobench.zerocost.values import use_values

    yield
    use_values(None)


def test_a_zc_surrogate_searches_the_cells_a_score_file_holds(
    nb201, tmp_path, capsys, zc_values_reset
):
    scores = tmp_path / "zc.csv"
    score = "zerocost --benchmark nb201-cifar10 --proxies params,synflow"
    assert main([*score.split(), "--n-archs", "30", "--out", str(scores)]) == 0
    args = "search --benchmark nb201-cifar10 --strategy bo --surrogate blr"
    args += " --encoding onehot+zc --budget 15 --initial 5 --seeds 2"
    args += f" --zc-values {scores} --out {tmp_path}"
    assert main(args.split()) == 0
    assert "only the 30 architectures" in capsys.readouterr().err
    steps = pd.read_csv(tmp_path / "trajectories.csv")
    assert len(steps) == 2 * 15
    assert set(steps.benchmark) == {"nb201-cifar10[30 scored]"}
    assert set(steps.encoding) == {"onehot+zc"}
    scored = {Architecture.from_string(text) for text in pd.read_csv(scores).arch}
    assert {nb201.space.parse(text) for text in steps.arch} <= scored

    # A row with a missing score is not scored (it used to count, then fail).
    table = pd.read_csv(scores)
    table.loc[0, "synflow"] = float("nan")
    table.to_csv(scores, index=False)
    assert main([*args.split()[:-2], "--out", str(tmp_path / "nan")]) == 0
    assert "only the 29 architectures" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra, message",
    [
        # Scoring 15,625 networks on demand took hours, without a word.
        (["--encoding", "zc"], "--encoding zc needs proxy scores"),
        (["--zc-values", "zc.csv"], "is read by the zc encoding only"),
    ],
)
def test_zc_values_and_the_zc_encoding_go_together(
    tmp_path, capsys, zc_values_reset, extra, message
):
    args = "search --benchmark nb201-cifar10 --strategy bo --surrogate blr"
    args += " --budget 15 --seeds 1"
    assert exit_code([*args.split(), *extra, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
