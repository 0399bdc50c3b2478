"""How long encoding all 15,625 NAS-Bench-201 cells takes, per encoding."""

import pytest

from surrobench.encodings import get_encoding


@pytest.mark.parametrize("name", ["onehot", "categorical", "path"])
def test_encode_all_nb201_cells(benchmark, nb201, name):
    encoding = get_encoding(name)
    features = benchmark(encoding.encode, nb201.archs, nb201.space)
    assert features.shape[0] == 15625
