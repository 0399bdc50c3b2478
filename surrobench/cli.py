"""The ``surrobench`` command line."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path

import pandas as pd

from surrobench import __version__
from surrobench.datasets import benchmark_names, load_benchmark
from surrobench.encodings import encoding_names
from surrobench.errors import SurrobenchError, check_int, check_seed
from surrobench.eval import ResultStore, evaluate, format_leaderboard, leaderboard, plan
from surrobench.eval.harness import RESULT_COLUMNS, check_jobs
from surrobench.eval.tuning import MAX_BUDGET
from surrobench.io import write_atomic
from surrobench.predictors import PREDICTORS
from surrobench.search import (
    ACQUISITIONS,
    OPTIMIZERS,
    STRATEGIES,
    ObjectiveSpec,
    format_summary,
    plan_search,
    run_searches,
    stored_trajectories,
    summarise,
)
from surrobench.search.runner import check_search_jobs, check_store_setting

logger = logging.getLogger("surrobench")


MAX_SEED_COUNT = 10_000


def _names(text: str) -> list[str]:
    """Comma-separated names, none of them empty."""
    names = [part.strip() for part in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated names with none empty, got {text!r}"
        )
    return names


def _int_list(text: str) -> list[int]:
    try:
        return [int(part) for part in _names(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from None


def _seeds(text: str) -> list[int]:
    """``5`` means seeds 0..4; ``0,3,7`` lists them."""
    values = _int_list(text)
    if len(values) == 1 and "," not in text:
        if not 1 <= values[0] <= MAX_SEED_COUNT:
            raise argparse.ArgumentTypeError(
                f"a seed count must be in 1..{MAX_SEED_COUNT}, got {text!r}"
            )
        return list(range(values[0]))
    return values


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value <= MAX_BUDGET:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds in 0..{MAX_BUDGET}, got {text!r}"
        )
    return value


def _output_folder(text: str, files: tuple[str, ...] | None = None) -> Path:
    """A folder that exists or can be made, with no folder where a file goes."""
    if not text.strip():
        raise SurrobenchError("--out must name a folder")
    out = Path(text)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise SurrobenchError(f"--out {text!r} is a file, not a folder") from None
    except OSError as error:
        raise SurrobenchError(f"cannot make --out {text!r}: {error.strerror}") from None
    for name in OUTPUT_FILES if files is None else files:
        if (out / name).is_dir():
            raise SurrobenchError(f"{out / name} is a folder; move it away")
    return out


def _add_benchmark_options(parser: argparse.ArgumentParser, positional: bool) -> None:
    if positional:
        parser.add_argument(
            "benchmark", help="built-in name or FILE.csv|FILE.parquet|FILE.json"
        )
    else:
        parser.add_argument(
            "--benchmark",
            required=True,
            help="built-in name or FILE.csv|FILE.parquet|FILE.json",
        )
    table = parser.add_argument_group("a benchmark table of your own")
    table.add_argument("--space", help="search space of the table's architectures")
    table.add_argument("--arch-column", help="column holding each architecture")
    table.add_argument("--target", help="numeric column to predict")
    direction = table.add_mutually_exclusive_group()
    direction.add_argument(
        "--minimize",
        dest="minimize",
        action="store_const",
        const=True,
        help="the target is better when lower",
    )
    direction.add_argument(
        "--maximize",
        dest="minimize",
        action="store_const",
        const=False,
        help="the target is better when higher",
    )
    suite_zero = parser.add_argument_group("a NAS-Bench-Suite-Zero file (FILE.json)")
    suite_zero.add_argument("--dataset", help="the file's dataset, e.g. cifar10")


def _load(args: argparse.Namespace):
    return load_benchmark(
        args.benchmark,
        space=args.space,
        arch_column=args.arch_column,
        target=args.target,
        minimize=args.minimize,
        dataset=args.dataset,
    )


def cmd_benchmarks(args: argparse.Namespace) -> int:
    for name in benchmark_names():
        bench = load_benchmark(name)
        shown = [m for m in bench.metrics.values() if not m.name.endswith("_std")]
        metrics = ", ".join(
            f"{m.name}{'↑' if m.higher_is_better else '↓'}" for m in shown
        )
        spreads = len(bench.metrics) - len(shown)
        if spreads:
            metrics += f", and {spreads} spreads named *_std↓"
        print(f"{name:22s} {len(bench):6d} archs  target {bench.target}  {metrics}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    bench = _load(args)
    metric = bench.metric(args.metric)
    top = bench.top(args.top, metric.name)
    print(bench.summary())
    for rank, (_, row) in enumerate(top.iterrows(), start=1):
        native = bench.space.format(bench.archs[int(row.name)])
        print(f"{rank:3d}. {metric.name}={row[metric.name]:.4f}  {native}")
        if row["structure"] != native:
            print(f"     {row['structure']}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    bench = _choose_zero_cost_values(args, _load(args))
    jobs = plan(
        args.predictors,
        args.train_sizes,
        args.seeds,
        encoding=args.encoding,
        test_size=args.test_size,
        metric=args.metric,
        hpo_seconds=args.hpo_seconds,
    )
    check_jobs(bench, jobs)
    check_int("--workers", args.workers, 1)
    out = _output_folder(args.out)
    print(bench.summary(args.metric), file=sys.stderr)

    finished: list[dict] = []
    interrupt = _Interrupt()

    def progress(index: int, total: int, row: dict, reused: bool) -> None:
        finished.append(row)
        if args.workers == 1:
            # Jobs run in this process: Ctrl-C that xgboost swallowed stops
            # here. (With workers the runner lets running jobs finish itself.)
            interrupt.check()
        note = "stored" if reused else f"fit {row['fit_seconds']:.2f}s"
        print(
            f"[{index + 1:>{len(str(total))}}/{total}] {row['predictor']} "
            f"{row['encoding'] or '-'} n={row['train_size']} seed={row['seed']} "
            f"kendall_tau={row['kendall_tau']:.3f} ({note})",
            file=sys.stderr,
        )

    with ResultStore(out / "results.sqlite") as store, interrupt:
        try:
            results = evaluate(
                bench, jobs, store=store, on_result=progress, workers=args.workers
            )
        except KeyboardInterrupt:
            partial = pd.DataFrame(finished, columns=RESULT_COLUMNS)
            _write_outputs(out, partial, bench, args.metric)
            print(
                f"interrupted: {len(finished)} of {len(jobs)} jobs finished and kept "
                f"in {out}; run the same command to resume",
                file=sys.stderr,
            )
            return 130
    board = _write_outputs(out, results, bench, args.metric)
    print(bench.summary(args.metric))
    print(format_leaderboard(board))
    print(
        f"wrote {', '.join(str(out / name) for name in OUTPUT_FILES)}", file=sys.stderr
    )
    return 0


OUTPUT_FILES = ("results.csv", "leaderboard.md", "leaderboard.csv", "results.sqlite")


class _Interrupt:
    """Ctrl-C that a library swallows is still obeyed at the next job's end.

    xgboost calls back into Python through ctypes, and a KeyboardInterrupt
    raised inside such a callback is printed and dropped: the run carried on.
    While this context is entered, Ctrl-C also sets a flag that :meth:`check`
    turns back into a KeyboardInterrupt.
    """

    def __init__(self) -> None:
        self.requested = False
        self._previous = None

    def __enter__(self) -> _Interrupt:
        try:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread: signals are not ours to take
            self._previous = None
        return self

    def __exit__(self, *exc_info) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum, frame) -> None:
        self.requested = True
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt


def _add_zc_values_option(
    parser: argparse.ArgumentParser, readers: str, default: str
) -> None:
    parser.add_argument(
        "--zc-values",
        help=f"proxy scores for the zc encoding {readers}: FILE.csv from surrobench "
        f"zerocost or a Suite-Zero FILE.json[#DATASET] (default: {default})",
    )


def _choose_zero_cost_values(
    args: argparse.Namespace, bench, use: str = "trained and tested on"
):
    """Where the zc encoding and the zero-cost predictors read proxy scores:
    --zc-values, else a Suite-Zero benchmark's own file, else the default.

    A --zc-values table that scores only part of the benchmark (``surrobench
    zerocost --n-archs 500``) restricts the benchmark to the cells it scores,
    for every predictor of the run, so that all are compared on one pool.
    """
    from surrobench.zerocost.values import TableValues, default_values, use_values

    if args.zc_values is not None:  # an empty name is a mistake, not "unset"
        use_values(args.zc_values)
        values = default_values()
        if isinstance(values, TableValues):
            # A row with a NaN score is not scored: the zc encoding cannot
            # place it.
            scored = [arch for arch in values.complete_archs if arch in bench]
            if len(scored) < len(bench):
                if len(scored) < 3:
                    raise SurrobenchError(
                        f"--zc-values {args.zc_values} scores {len(scored)} of the "
                        f"{len(bench)} architectures of {bench.name}; it needs at "
                        "least 3 (score more with surrobench zerocost)"
                    )
                bench = bench.subset(scored, f"{len(scored)} scored")
                print(
                    f"{bench.name}: only the {len(scored)} architectures that "
                    f"{args.zc_values} scores are {use}",
                    file=sys.stderr,
                )
    elif str(args.benchmark).lower().endswith(".json"):
        use_values(
            f"{args.benchmark}#{args.dataset}" if args.dataset else args.benchmark
        )
    return bench


def _refuse_computed_values(bench) -> None:
    """A search scores every candidate with the zc encoding: computing proxy
    scores on demand would score the whole benchmark, for hours."""
    from surrobench.zerocost.values import ComputedValues, default_values

    if isinstance(default_values(), ComputedValues):
        raise SurrobenchError(
            f"--encoding zc needs proxy scores for the architectures a search may "
            f"score ({len(bench)} in {bench.name}): give --zc-values FILE, written "
            "by surrobench zerocost (one that scores part of the benchmark "
            "restricts the search to those architectures)"
        )


def cmd_zerocost(args: argparse.Namespace) -> int:
    from surrobench.zerocost.data import DataSpec, load_minibatch
    from surrobench.zerocost.networks import network_size
    from surrobench.zerocost.proxies import get_proxies
    from surrobench.zerocost.runner import compute_proxies

    bench = _load(args)
    if "all" in args.proxies and len(args.proxies) > 1:
        raise SurrobenchError(
            f"--proxies all stands alone, got {','.join(args.proxies)!r}"
        )
    chosen = None if args.proxies == ["all"] else args.proxies
    proxies = [proxy.name for proxy in get_proxies(chosen)]
    seed = check_seed(args.seed)
    data = DataSpec.from_dir(args.data_dir, check_int("--batch-size", args.batch_size))
    # Read the minibatch now: bad files fail here even when every score is
    # already stored or no chosen proxy reads images.
    load_minibatch(data, network_size(args.network).resolution, seed)
    archs = bench.archs
    if args.n_archs is not None:
        count = check_int("--n-archs", args.n_archs, 1, len(bench.archs))
        archs = bench.sample(count, seed=seed)
    workers = check_int("--workers", args.workers, 1)
    out = _output_file(args.out, ".csv")
    store_path = Path(args.store) if args.store else out.with_suffix(".sqlite")
    if store_path.resolve() == out.resolve():
        raise SurrobenchError(
            f"--store {str(store_path)!r} is the --out file; the CSV would overwrite "
            "the stored scores (default store: --out with .sqlite)"
        )
    step = max(1, len(archs) // 100)  # at most about a hundred progress lines
    start = time.perf_counter()

    def progress(done: int, total: int, arch, reused: bool) -> None:
        if (done + 1) % step == 0 or done + 1 == total:
            print(
                f"[{done + 1:>{len(str(total))}}/{total}] "
                f"{time.perf_counter() - start:.0f}s",
                file=sys.stderr,
            )

    with ResultStore(store_path) as store:
        try:
            table = compute_proxies(
                archs,
                proxies,
                data,
                size=args.network,
                seed=seed,
                store=store,
                workers=workers,
                on_result=progress,
            )
        except KeyboardInterrupt:
            print(
                f"interrupted: every architecture scored so far is kept in "
                f"{store_path}; run the same command to resume",
                file=sys.stderr,
            )
            return 130
    try:
        write_atomic(out, table.to_csv(index=False))
    except OSError as error:
        raise SurrobenchError(
            f"cannot write {out}: {error.strerror}; every score is kept in {store_path}"
        ) from None
    print(
        f"wrote {_count(len(table), 'architecture')} × "
        f"{_count(len(proxies), 'proxy', 'proxies')} to {out} "
        f"({args.network} network, {data.identity()}, seed {seed})",
        file=sys.stderr,
    )
    return 0


def _count(n: int, one: str, many: str = "") -> str:
    """``n`` and the noun, plural unless ``n`` is 1."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def _output_file(text: str, suffix: str) -> Path:
    """A file path whose folder exists or can be made."""
    out = Path(text)
    if not text.strip() or out.is_dir():
        raise SurrobenchError(f"--out must name a {suffix} file, got {text!r}")
    if out.suffix.lower() != suffix:
        raise SurrobenchError(f"--out must end in {suffix}, got {text!r}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SurrobenchError(f"cannot make the folder of {text!r}: {error}") from None
    return out


def _write_outputs(
    out: Path, results: pd.DataFrame, bench, metric: str | None
) -> pd.DataFrame:
    board = leaderboard(results) if len(results) else pd.DataFrame()
    files = {"results.csv": results.to_csv(index=False)}
    if len(results):
        files["leaderboard.csv"] = board.to_csv(index=False)
        files["leaderboard.md"] = (
            f"# Leaderboard: {bench.name}\n\n{bench.summary(metric)}\n\n"
            "Mean ± 95 % interval over seeds; ranked by mean Kendall τ within each "
            "train size.\n\n" + format_leaderboard(board, markdown=True) + "\n"
        )
    for name, text in files.items():
        try:
            write_atomic(out / name, text)
        except OSError as error:
            raise SurrobenchError(
                f"cannot write {out / name}: {error.strerror}; every finished job "
                f"is kept in {out / 'results.sqlite'}"
            ) from None
    return board


SEARCH_FILES = ("trajectories.csv", "summary.md", "search.sqlite")


def _alpha(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}")
    return value


def cmd_search(args: argparse.Namespace) -> int:
    bench = _load(args)
    objective = ObjectiveSpec(args.cost, args.alpha, args.pareto)
    jobs = plan_search(
        args.strategy,
        args.seeds,
        args.budget,
        initial=args.initial,
        batch_size=args.batch_size,
        surrogate=args.surrogate,
        acquisition=args.acquisition,
        optimizer=args.optimizer,
        encoding=args.encoding,
        objective=objective,
    )
    if args.encoding and "zc" in args.encoding.split("+"):
        bench = _choose_zero_cost_values(args, bench, "searched")
        _refuse_computed_values(bench)
    elif args.zc_values is not None:
        raise SurrobenchError(
            f"--zc-values {args.zc_values} is read by the zc encoding only: add "
            "--encoding zc (or e.g. onehot+zc) with a surrogate that takes one"
        )
    check_search_jobs(bench, jobs)
    check_int("--workers", args.workers, 1)
    out = _output_folder(args.out, SEARCH_FILES)
    interrupt = _Interrupt()

    def progress(index: int, total: int, job, steps: list[dict], reused: bool) -> None:
        if args.workers == 1:
            # Runs in this process: Ctrl-C that xgboost swallowed stops here.
            # (With workers the runner lets running searches finish itself.)
            interrupt.check()
        seconds = sum(step["seconds"] for step in steps)
        note = "stored" if reused else f"{seconds:.1f}s choosing"
        print(
            f"[{index + 1:>{len(str(total))}}/{total}] {job.config.label} "
            f"seed={job.seed} regret={steps[-1]['regret']:.4g} after "
            f"{len(steps)} queries ({note})",
            file=sys.stderr,
        )

    with ResultStore(out / "search.sqlite") as store, interrupt:
        check_store_setting(store, bench, jobs)
        print(bench.summary(), file=sys.stderr)
        try:
            run_searches(
                bench, jobs, store=store, on_result=progress, workers=args.workers
            )
        except KeyboardInterrupt:
            finished = _write_search_outputs(out, store, bench, jobs)
            print(
                f"interrupted: {finished} finished searches kept in {out}; run the "
                "same command to resume",
                file=sys.stderr,
            )
            return 130
        _write_search_outputs(out, store, bench, jobs)
    print((out / "summary.md").read_text())
    print(
        f"wrote {', '.join(str(out / name) for name in SEARCH_FILES)}", file=sys.stderr
    )
    return 0


def _write_search_outputs(out: Path, store: ResultStore, bench, jobs) -> int:
    """Rewrite the CSV and summary from every finished search in the store,
    those of ``jobs`` first in plan order; returns how many runs that is."""
    steps = stored_trajectories(store, bench, jobs)
    runs = int((steps["step"] == 1).sum())
    files = {"trajectories.csv": steps.to_csv(index=False)}
    if len(steps):
        files["summary.md"] = format_summary(summarise(steps), bench.summary())
    for name, text in files.items():
        try:
            write_atomic(out / name, text)
        except OSError as error:
            raise SurrobenchError(
                f"cannot write {out / name}: {error.strerror}; every finished search "
                f"is kept in {out / 'search.sqlite'}"
            ) from None
    return runs


def cmd_predictors(args: argparse.Namespace) -> int:
    for name, cls in PREDICTORS.items():
        needs = ", ".join(cls.needs) or "nothing"
        default = getattr(cls, "default_encoding", "")
        print(
            f"{name:10s} needs {needs}"
            + (f" (default {default})" if default else "")
            + ("; own predictive std" if cls.has_uncertainty else "; bootstrap std")
        )
    return 0


def cmd_encodings(args: argparse.Namespace) -> int:
    print("\n".join(encoding_names()))
    return 0


class _Parser(argparse.ArgumentParser):
    """Bad arguments get one line, as every other bad input does, pointing at
    the command's --help instead of printing its usage block."""

    def error(self, message: str):
        self.exit(2, f"surrobench: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="surrobench",
        description="Benchmark NAS performance predictors on real benchmark data.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    commands = parser.add_subparsers(dest="command", required=True)

    listing = commands.add_parser("benchmarks", help="list the built-in benchmarks")
    listing.set_defaults(run=cmd_benchmarks)
    listing = commands.add_parser("predictors", help="list the predictors")
    listing.set_defaults(run=cmd_predictors)
    listing = commands.add_parser("encodings", help="list the encodings")
    listing.set_defaults(run=cmd_encodings)

    show = commands.add_parser("show", help="print a benchmark's best architectures")
    _add_benchmark_options(show, positional=True)
    show.add_argument("--top", type=int, default=5, help="how many (default 5)")
    show.add_argument("--metric", help="rank by this metric (default: the target)")
    show.set_defaults(run=cmd_show)

    run = commands.add_parser("evaluate", help="score predictors; write a leaderboard")
    _add_benchmark_options(run, positional=False)
    run.add_argument(
        "--predictors", type=_names, required=True, help="e.g. lgb,rf,nusvr"
    )
    run.add_argument("--encoding", help="override each vector predictor's encoding")
    run.add_argument(
        "--train-sizes",
        type=_int_list,
        default=[25, 50, 100, 200, 400],
        help="comma-separated (default 25,50,100,200,400)",
    )
    run.add_argument(
        "--seeds",
        type=_seeds,
        default=list(range(5)),
        help="a count (5 = seeds 0..4) or a list 0,3,7 (default 5)",
    )
    run.add_argument("--test-size", type=int, default=1000, help="default 1000")
    run.add_argument("--metric", help="predict this metric (default: the target)")
    run.add_argument(
        "--workers", type=int, default=1, help="processes running jobs (default 1)"
    )
    run.add_argument(
        "--hpo-seconds",
        type=_seconds,
        default=0.0,
        help="tune each predictor by cross-validation inside its train set for "
        "about this long per job (default 0: the defaults, untuned)",
    )
    _add_zc_values_option(
        run,
        "and zero-cost predictors",
        "a Suite-Zero benchmark's own file, else computed on the small network",
    )
    run.add_argument("--out", required=True, help="folder for results and store")
    run.set_defaults(run=cmd_evaluate)

    zerocost = commands.add_parser(
        "zerocost", help="score architectures with zero-cost proxies; write a CSV"
    )
    _add_benchmark_options(zerocost, positional=False)
    zerocost.add_argument(
        "--proxies",
        type=_names,
        required=True,
        help="comma-separated, e.g. synflow,nwot,jacov; 'all' for the thirteen",
    )
    zerocost.add_argument(
        "--n-archs", type=int, help="score this many, drawn with --seed (default all)"
    )
    zerocost.add_argument(
        "--data-dir",
        help="folder of CIFAR-10 python batches (default: scikit-learn's digits)",
    )
    zerocost.add_argument(
        "--network",
        choices=("small", "standard"),
        default="small",
        help="small (C=8, N=5, 16×16; default) or standard (C=16, N=5, 32×32)",
    )
    zerocost.add_argument("--batch-size", type=int, default=64, help="default 64")
    zerocost.add_argument(
        "--seed", type=int, default=0, help="minibatch, weights, noise (default 0)"
    )
    zerocost.add_argument(
        "--workers", type=int, default=1, help="processes scoring (default 1)"
    )
    zerocost.add_argument(
        "--store", help="results store (default: --out with .sqlite for .csv)"
    )
    zerocost.add_argument("--out", required=True, help="FILE.csv to write")
    zerocost.set_defaults(run=cmd_zerocost)

    search = commands.add_parser(
        "search", help="run search strategies against a benchmark table"
    )
    _add_benchmark_options(search, positional=False)
    search.add_argument(
        "--strategy",
        type=_names,
        required=True,
        help=f"comma-separated, of {','.join(STRATEGIES)}",
    )
    model = search.add_argument_group("the surrogate of strategy bo")
    model.add_argument("--surrogate", help="any predictor (default gp)")
    model.add_argument("--acquisition", help=f"{', '.join(ACQUISITIONS)} (default ei)")
    model.add_argument("--optimizer", help=f"{', '.join(OPTIMIZERS)} (default pool)")
    model.add_argument("--encoding", help="the surrogate's encoding")
    _add_zc_values_option(
        model, "of a surrogate", "a Suite-Zero benchmark's own file; required otherwise"
    )
    search.add_argument(
        "--budget", type=int, required=True, help="queries per run, initial included"
    )
    search.add_argument(
        "--seeds",
        type=_seeds,
        default=list(range(5)),
        help="a count (5 = seeds 0..4) or a list 0,3,7 (default 5)",
    )
    search.add_argument(
        "--initial", type=int, default=10, help="random architectures first (10)"
    )
    search.add_argument(
        "--batch-size",
        type=int,
        default=1,
        help="queries per surrogate fit, the best B by acquisition (default 1)",
    )
    multi = search.add_argument_group("accuracy against a cost")
    multi.add_argument(
        "--cost", help="nb201: params, flops; NAS-Bench-Graph: latency, para"
    )
    trade = multi.add_mutually_exclusive_group()
    trade.add_argument(
        "--alpha",
        type=_alpha,
        help="maximise alpha·accuracy − (1 − alpha)·cost, both min-max normalised",
    )
    trade.add_argument(
        "--pareto", action="store_true", help="search the Pareto front (ParEGO)"
    )
    search.add_argument(
        "--workers", type=int, default=1, help="processes running searches (1)"
    )
    search.add_argument("--out", required=True, help="folder for results and store")
    search.set_defaults(run=cmd_search)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.run(args)
    except SurrobenchError as error:
        print(f"surrobench: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("surrobench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
