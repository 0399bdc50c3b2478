import ast
import json
from pathlib import Path

import numpy as np
import pytest

from surrobench.datasets import load_benchmark
from surrobench.datasets.suite_zero import (
    decode_darts_key,
    decode_key,
    decode_nb101_key,
    read_suite_zero,
)
from surrobench.errors import SurrobenchError
from surrobench.zerocost.values import TableValues

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "suite-zero"
NB101_FILE = SHARED / "zc_nasbench101.json"
NB301_FILE = SHARED / "zc_nasbench301.json"
needs_shared = pytest.mark.skipif(
    not NB101_FILE.is_file(), reason="the shared Suite-Zero samples are not here"
)


def write_nb201_file(path, entries, datasets=("cifar10",)):
    """A Suite-Zero file of NB201 op-index tuples, the shape NASLib writes."""
    document = {"nasbench201": {name: entries for name in datasets}}
    path.write_text(json.dumps(document))
    return path


def nb201_entries(nb201, count=12, seed=0):
    entries = {}
    for arch in nb201.sample(count, seed=seed):
        key = str(nb201.space.to_tuple(arch))
        entries[key] = {
            "synflow": float(len(key)),
            "jacov": {"score": -30.0, "time": 0.1},
            "val_accuracy": float(nb201.query([arch])[0]),
        }
    return entries


@needs_shared
@pytest.mark.parametrize(
    ("path", "message"),
    [
        (NB101_FILE, "NAS-Bench-101 cells .* recognised, but surrobench has no"),
        (NB301_FILE, r"NAS-Bench-301 \(DARTS\) .* recognised, but surrobench has no"),
    ],
)
def test_real_nb101_and_nb301_files_are_refused_naming_what_is_missing(path, message):
    with pytest.raises(SurrobenchError, match=message) as error:
        load_benchmark(str(path))
    assert "supported: nasbench201" in str(error.value)


@needs_shared
def test_every_real_nb101_key_decodes():
    entries = json.loads(NB101_FILE.read_text())["nasbench101"]["cifar10"]
    assert len(entries) == 500
    for key in entries:
        ops, matrix = decode_nb101_key(key)
        assert ops[0] == "input" and ops[-1] == "output" and len(ops) == 7
        assert matrix.shape == (7, 7) and not np.tril(matrix).any()
        # Every kept cell connects its input to its output.
        reach = np.linalg.matrix_power(matrix + np.eye(7, dtype=int), 7)
        assert reach[0, 6] > 0


@needs_shared
def test_every_real_nb301_key_decodes():
    entries = json.loads(NB301_FILE.read_text())["nasbench301"]["cifar10"]
    for key in entries:
        normal, reduction = decode_darts_key(key)
        assert len(normal) == len(reduction) == 8
        for position, (source, _) in enumerate(normal + reduction):
            assert source <= position % 8 // 2 + 1


def test_an_nb201_file_loads_as_a_benchmark(nb201, tmp_path):
    entries = nb201_entries(nb201)
    path = write_nb201_file(tmp_path / "zc_nasbench201.json", entries)
    bench = load_benchmark(str(path))
    assert len(bench) == 12 and bench.target == "val_accuracy"
    assert set(bench.metrics) == {"val_accuracy", "synflow", "jacov"}
    first = nb201.space.from_tuple(ast.literal_eval(next(iter(entries))))
    assert bench.archs[0] == first
    assert bench.query([first])[0] == pytest.approx(nb201.query([first])[0])
    assert bench.query([first], "jacov")[0] == -30.0  # {"score": ...} form


def test_proxy_values_leave_the_accuracy_out(nb201, tmp_path):
    path = write_nb201_file(tmp_path / "zc.json", nb201_entries(nb201))
    values = TableValues.from_suite_zero(path)
    assert values.proxies == ("synflow", "jacov")
    _space, archs, _ = read_suite_zero(path)
    assert values.lookup(archs[:3]).shape == (3, 2)


def test_datasets_are_chosen_by_name(nb201, tmp_path):
    path = write_nb201_file(
        tmp_path / "zc.json", nb201_entries(nb201), datasets=("cifar10", "cifar100")
    )
    with pytest.raises(SurrobenchError, match=r"several datasets.*--dataset"):
        load_benchmark(str(path))
    assert len(load_benchmark(str(path), dataset="cifar100")) == 12
    with pytest.raises(SurrobenchError, match="did you mean 'cifar10'"):
        load_benchmark(str(path), dataset="cifar1O")
    with pytest.raises(SurrobenchError, match=r"Suite-Zero \.json file"):
        load_benchmark("nb201-cifar10", dataset="cifar10")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"nasbench201": {"cifar10": {"(9, 0, 0, 0, 0, 0)": {}}}}, "six integers"),
        ({"nasbench201": {"cifar10": {"(0, 0)": {"x": "a"}}}}, "six integers"),
        (
            {"nasbench201": {"cifar10": {"(0, 0, 0, 0, 0, 0)": {"val_accuracy": "a"}}}},
            "not a number",
        ),
        (
            {
                "nasbench201": {
                    "cifar10": {
                        "(0, 0, 0, 0, 0, 0)": {"val_accuracy": 1},
                        "(0,0,0,0,0,0)": {"val_accuracy": 2},
                    }
                }
            },
            "same architecture",
        ),
        ({"nasbench210": {"cifar10": {}}}, "did you mean 'nasbench201'"),
        ({"nasbench201": {}}, "no dataset"),
        ([1, 2], "not a Suite-Zero file"),
        ({"nasbench201": {"cifar10": {"(0, 0, 0, 0, 0, 0)": {"synflow": 1}}}}, "no "),
    ],
)
def test_malformed_files_are_refused_clearly(tmp_path, document, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SurrobenchError, match=message):
        load_benchmark(str(path))


def test_malformed_keys_of_known_spaces_are_refused():
    with pytest.raises(SurrobenchError, match="56 integers"):
        decode_nb101_key("(0, 1, 2)")
    with pytest.raises(SurrobenchError, match="strictly upper triangular"):
        decode_nb101_key(str(tuple([1] * 49 + [0, 2, 2, 2, 2, 2, 1])))
    with pytest.raises(SurrobenchError, match="does not come before it"):
        decode_darts_key(str([[(3, 0)] + [(0, 0)] * 7, [(0, 0)] * 8]))
    with pytest.raises(SurrobenchError, match="malformed NAS-Bench-301 key"):
        decode_darts_key("[[(0, 1)")
    with pytest.raises(SurrobenchError, match="unknown Suite-Zero search space"):
        decode_key("transbench101", "(0,)")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (
            '{"nasbench201": {"cifar10": {"(0, 0, 0, 0, 0, 0)": {"x": ' + "9" * 5000,
            "4300 digits",
        ),
        (
            '{"nasbench201": {"cifar10": {"(0, 0, 0, 0, 0, 0)": {"synflow": '
            + "9" * 400
            + "}}}}",
            "too large for a float",
        ),
    ],
)
def test_pathological_json_is_refused_in_one_line(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(SurrobenchError, match=message) as error:
        load_benchmark(str(path))
    assert "\n" not in str(error.value) and len(str(error.value)) < 400


def test_deeply_nested_keys_are_malformed_not_a_crash():
    for space in ("nasbench101", "nasbench301"):
        with pytest.raises(SurrobenchError, match=r"malformed .* key '----.*\.\.\.$"):
            decode_key(space, "-" * 100_000 + "1")
