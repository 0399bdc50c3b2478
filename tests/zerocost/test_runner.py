import pandas as pd
import pytest

from surrobench.errors import SurrobenchError
from surrobench.eval.store import ResultStore
from surrobench.zerocost import runner
from surrobench.zerocost.data import DataSpec
from surrobench.zerocost.runner import compute_proxies

pytestmark = pytest.mark.usefixtures("one_torch_thread")

CHEAP = ["params", "flops", "l2_norm", "synflow"]


@pytest.fixture(scope="module")
def archs(nb201):
    return nb201.sample(6, seed=11)


def test_scores_are_stored_and_reused(archs, tmp_path):
    calls = []
    path = tmp_path / "zc.sqlite"

    def record(done, total, arch, reused):
        calls.append(reused)

    with ResultStore(path) as store:
        first = compute_proxies(archs, CHEAP, store=store, on_result=record)
        assert len(store) == len(archs) * len(CHEAP)
    assert calls == [False] * len(archs)
    calls.clear()
    with ResultStore(path) as store:
        again = compute_proxies(archs, CHEAP, store=store, on_result=record)
    assert calls == [True] * len(archs)
    assert again.equals(first)
    assert list(first.columns) == ["arch", *CHEAP]
    assert list(first["arch"]) == [arch.to_string() for arch in archs]


def test_an_interrupted_run_resumes_where_it_stopped(archs, tmp_path, monkeypatch):
    path = tmp_path / "zc.sqlite"

    def stop_after_two(done, total, arch, reused):
        if done == 1:
            raise KeyboardInterrupt

    with ResultStore(path) as store, pytest.raises(KeyboardInterrupt):
        compute_proxies(archs, CHEAP, store=store, on_result=stop_after_two)

    scored = []
    original = runner._score_one
    monkeypatch.setattr(
        runner,
        "_score_one",
        lambda arch, *rest: scored.append(arch) or original(arch, *rest),
    )
    with ResultStore(path) as store:
        compute_proxies(archs, CHEAP, store=store)
    assert scored == archs[2:]  # the first two were kept


def test_only_missing_proxies_are_computed(archs, tmp_path, monkeypatch):
    with ResultStore(tmp_path / "zc.sqlite") as store:
        compute_proxies(archs[:2], ["params"], store=store)
        asked = []
        original = runner._score_one
        monkeypatch.setattr(
            runner,
            "_score_one",
            lambda arch, proxies, *rest: (
                asked.append([p.name for p in proxies])
                or original(arch, proxies, *rest)
            ),
        )
        compute_proxies(archs[:2], ["params", "flops"], store=store)
    assert asked == [["flops"], ["flops"]]


def test_repeats_are_scored_once_and_rows_follow_the_input(archs):
    doubled = [archs[1], archs[0], archs[1]]
    table = compute_proxies(doubled, ["params"])
    assert list(table["arch"]) == [arch.to_string() for arch in doubled]
    assert table["params"].iloc[0] == table["params"].iloc[2]


def test_worker_processes_give_the_same_scores(archs):
    alone = compute_proxies(archs[:3], ["params", "synflow", "nwot"])
    side_by_side = compute_proxies(archs[:3], ["params", "synflow", "nwot"], workers=2)
    # Workers run on one thread each: sums may round differently, nothing more.
    pd.testing.assert_frame_equal(side_by_side, alone, rtol=1e-9)


def test_keys_separate_data_size_and_seed(archs, tmp_path):
    with ResultStore(tmp_path / "zc.sqlite") as store:
        compute_proxies(archs[:1], ["snip", "params"], store=store)
        compute_proxies(archs[:1], ["snip", "params"], store=store, seed=1)
        compute_proxies(archs[:1], ["snip"], DataSpec(batch_size=8), store=store)
        compute_proxies(archs[:1], ["params"], DataSpec(batch_size=8), store=store)
        # params reads no data: the last call found it stored under seed 0.
        assert len(store) == 5


def test_bad_input_is_refused(cora, archs):
    with pytest.raises(SurrobenchError, match="NB201 cells only"):
        compute_proxies(cora.archs[:2], ["params"])
    with pytest.raises(SurrobenchError, match="sequence of architectures"):
        compute_proxies("abc", ["params"])
    with pytest.raises(SurrobenchError, match="workers"):
        compute_proxies(archs, ["params"], workers=0)
