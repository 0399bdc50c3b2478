"""Speed of the GIN ensemble: fit on 400 NB201 cells, then predict all 15,625."""

import pytest

from surrobench.encodings.pyg import graph_batch
from surrobench.predictors.gnn import GINPredictor


@pytest.fixture(scope="module")
def train_set(nb201):
    train = nb201.sample(400, seed=0)
    return train, nb201.query(train)


def test_gin_fit_400(benchmark, train_set):
    train, y = train_set
    # A fit takes seconds: three rounds, not pytest-benchmark's calibration.
    model = benchmark.pedantic(
        lambda: GINPredictor(seed=0).fit(train, y), rounds=3, iterations=1
    )
    assert len(model.networks_) == 3


def test_gin_predict_dist_all_15625_cells(benchmark, nb201, train_set):
    train, y = train_set
    model = GINPredictor(seed=0).fit(train, y)
    graph_batch(nb201.archs)  # convert every cell once, outside the timing

    mean, std = benchmark(model.predict_dist, nb201.archs)
    assert mean.shape == std.shape == (len(nb201.archs),)


def test_convert_and_batch_all_15625_cells_cold(benchmark, nb201):
    """The first conversion of every cell: op graphs, one-hots, one Batch."""
    from surrobench.encodings import pyg

    def cold():
        pyg._graph_arrays.cache_clear()
        return graph_batch(nb201.archs)

    batch = benchmark.pedantic(cold, rounds=3, iterations=1)
    assert batch.num_graphs == len(nb201.archs)
