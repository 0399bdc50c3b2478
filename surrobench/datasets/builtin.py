"""Built-in benchmarks read from PyPI packages that ship real data."""

from __future__ import annotations

import logging
from functools import cache

import pandas as pd

from surrobench.datasets.base import Benchmark, Metric
from surrobench.datasets.restricted_pickle import (
    NUMPY_SCALARS,
    load_restricted,
    package_file,
    record_class,
)
from surrobench.spaces import get_space

logger = logging.getLogger(__name__)

ANALOG_ACCURACIES = {
    "baseline_accuracy": "accuracy of the network trained and run in full precision",
    "ptq_accuracy": "accuracy after post-training quantisation",
    "qat_accuracy": "accuracy after quantisation-aware training",
    "noisy_accuracy": (
        "accuracy of the full-precision weights on a simulated noisy analog crossbar"
    ),
    "analog_accuracy": (
        "accuracy on a simulated analog crossbar after hardware-aware training"
    ),
}
DRIFT_SECONDS = (60, 3600, 86400, 2592000)

NBGRAPH_DATASETS = (
    "cora",
    "citeseer",
    "pubmed",
    "cs",
    "physics",
    "photo",
    "computers",
    "arxiv",
    "proteins",
)


@cache
def load_nb201_cifar10() -> Benchmark:
    """All 15,625 NAS-Bench-201 cells with CIFAR-10 accuracy from AnalogNAS-Bench."""
    # The package's own module imports pkg_resources (gone from current
    # setuptools), so its pickle is read directly, admitting only its two classes.
    classes = {
        ("analognasbench.data", name): record_class(name)
        for name in ("Architecture", "DriftMeasurement")
    }
    records = load_restricted(package_file("analognasbench", "data.anb"), classes)

    space = get_space("nb201")
    archs, rows = [], []
    for key, record in records.items():
        fields = vars(record)
        archs.append(space.from_tuple(key))
        row = {name: float(fields[name]) for name in ANALOG_ACCURACIES}
        for kind in ("baseline", "analog"):
            for seconds in DRIFT_SECONDS:
                drift = vars(fields[f"{kind}_drift_{seconds}"])
                row[f"{kind}_drift_{seconds}"] = float(drift["value"])
                row[f"{kind}_drift_{seconds}_std"] = float(drift["uncertainty"])
        rows.append(row)

    metrics = [Metric(name, True, text) for name, text in ANALOG_ACCURACIES.items()]
    for kind in ("baseline", "analog"):
        for seconds in DRIFT_SECONDS:
            name = f"{kind}_drift_{seconds}"
            metrics.append(
                Metric(
                    name,
                    True,
                    f"{kind} network's accuracy {seconds} s after "
                    "programming analog hardware",
                )
            )
            metrics.append(
                Metric(f"{name}_std", False, f"spread of {name} over repeated runs")
            )
    benchmark = Benchmark(
        "nb201-cifar10",
        space,
        archs,
        pd.DataFrame(rows),
        metrics,
        target="baseline_accuracy",
        description=(
            "CIFAR-10 accuracy (%) of each NAS-Bench-201 cell trained in full "
            "precision, as released in AnalogNAS-Bench (package analog-nasbench "
            "0.1.3; split and epochs as in that paper, not recorded in the package); "
            "analog, quantised and drift accuracies kept as extra metrics"
        ),
    )
    logger.info("loaded %s", benchmark.summary())
    return benchmark


@cache
def load_nbgraph(dataset: str) -> Benchmark:
    """One NAS-Bench-Graph dataset from the package's bundled light files."""
    records = load_restricted(
        package_file("nas_bench_graph", "light", f"{dataset}.bench"), NUMPY_SCALARS
    )
    space = get_space("nbgraph-proteins" if dataset == "proteins" else "nbgraph")
    keys = sorted(records)
    archs = [space.from_key(key) for key in keys]
    table = pd.DataFrame(
        {
            name: [float(records[key][name]) for key in keys]
            for name in ("valid_perf", "perf", "latency", "para")
        }
    )
    table.insert(0, "key", keys)
    score = "ROC-AUC" if dataset == "proteins" else "accuracy"
    metrics = [
        Metric("valid_perf", True, f"validation {score}"),
        Metric("perf", True, f"test {score}"),
        Metric("latency", False, "inference seconds for the whole graph"),
        Metric("para", False, "parameters, millions"),
    ]
    benchmark = Benchmark(
        f"nbgraph-{dataset}",
        space,
        archs,
        table,
        metrics,
        target="valid_perf",
        description=(
            f"validation {score} on {dataset} of each GNN architecture trained with "
            "the dataset's fixed hyperparameters, as released in NAS-Bench-Graph "
            "(package nas-bench-graph 1.4.0)"
        ),
    )
    logger.info("loaded %s", benchmark.summary())
    return benchmark


BUILTIN_BENCHMARKS = {"nb201-cifar10": load_nb201_cifar10} | {
    f"nbgraph-{dataset}": (lambda d=dataset: load_nbgraph(d))
    for dataset in NBGRAPH_DATASETS
}
