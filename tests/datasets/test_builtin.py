import pickle

import numpy as np
import pytest

from surrobench.datasets import benchmark_names, load_benchmark
from surrobench.datasets.builtin import NBGRAPH_DATASETS
from surrobench.datasets.restricted_pickle import NUMPY_SCALARS, load_restricted
from surrobench.errors import SurrobenchError


def test_nb201_cifar10_holds_every_cell_with_real_accuracies(nb201):
    assert len(nb201) == 15625
    accuracy = nb201.values()
    assert np.isfinite(accuracy).all()
    assert 93.5 < accuracy.max() < 95.0  # NB201's best CIFAR-10 cells reach ~94 %
    assert accuracy.min() == pytest.approx(10.0)  # chance level for broken cells
    best = nb201.top(1)
    assert nb201.space.format(nb201.archs[best.index[0]]).startswith("|nor_conv_3x3~0|")


def test_nb201_keeps_analog_metrics_with_directions(nb201):
    assert nb201.target == "baseline_accuracy"
    for name in ("ptq_accuracy", "qat_accuracy", "analog_accuracy", "analog_drift_60"):
        assert nb201.metric(name).higher_is_better
    assert not nb201.metric("analog_drift_60_std").higher_is_better


@pytest.mark.parametrize("dataset", NBGRAPH_DATASETS)
def test_every_nas_bench_graph_dataset_loads(dataset):
    bench = load_benchmark(f"nbgraph-{dataset}")
    assert len(bench) == (2021 if dataset == "proteins" else 26206)
    assert bench.target == "valid_perf"
    assert not bench.metric("latency").higher_is_better
    assert not bench.metric("para").higher_is_better
    values = bench.values()
    assert np.isfinite(values).all() and 0 < values.max() <= 1


def test_query_sample_and_top_agree(cora):
    archs = cora.sample(5, seed=2)
    assert archs == cora.sample(5, seed=2)
    values = cora.query(archs)
    assert values.shape == (5,)
    rows = cora.rows(archs)
    np.testing.assert_array_equal(values, cora.values()[rows])
    np.testing.assert_array_equal(
        cora.query(archs, "latency"), cora.values("latency")[rows]
    )
    top = cora.top(5)
    assert list(top["valid_perf"]) == sorted(cora.values(), reverse=True)[:5]
    fastest = cora.top(3, "latency")
    assert list(fastest["latency"]) == sorted(cora.values("latency"))[:3]


def test_lookups_fail_clearly(nb201, cora):
    with pytest.raises(SurrobenchError, match="did you mean 'latency'"):
        cora.metric("latncy")
    with pytest.raises(SurrobenchError, match="space"):
        nb201.query([cora.archs[0]])
    for n in (20000, -1, True, 2.5):
        with pytest.raises(SurrobenchError, match="number to sample"):
            nb201.sample(n)
    for seed in (-1, "a", 1.5, 2**40):
        with pytest.raises(SurrobenchError, match="seed"):
            nb201.sample(3, seed=seed)
    for k in (0, -1, None, 2.5):
        with pytest.raises(SurrobenchError, match="number of top"):
            nb201.top(k)


def test_unknown_benchmark_suggests_the_closest():
    with pytest.raises(SurrobenchError, match="did you mean 'nb201-cifar10'"):
        load_benchmark("nb201-cifar")
    assert "nb201-cifar10" in benchmark_names() and len(benchmark_names()) == 10


def test_restricted_unpickler_refuses_other_classes(tmp_path):
    class Sneaky:
        def __reduce__(self):
            return (print, ("ran code",))

    path = tmp_path / "evil.bench"
    path.write_bytes(pickle.dumps({0: Sneaky()}))
    with pytest.raises(
        pickle.UnpicklingError, match=r"refusing to load builtins\.print"
    ):
        load_restricted(path, NUMPY_SCALARS)


def test_table_options_do_not_apply_to_builtins():
    for options in ({"minimize": True}, {"space": "nb201"}, {"target": "perf"}):
        with pytest.raises(SurrobenchError, match="table file"):
            load_benchmark("nbgraph-proteins", **options)
