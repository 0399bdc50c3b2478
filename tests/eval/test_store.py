import sqlite3

import pytest

from surrobench.errors import SurrobenchError
from surrobench.eval.store import ResultStore, config_key


def test_round_trip_and_key_order(tmp_path):
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.put({"a": 1, "b": [1, 2]}, {"kendall_tau": 0.5, "mae": float("nan")})
    with ResultStore(tmp_path / "s.sqlite") as store:
        result = store.get({"b": [1, 2], "a": 1})
        assert result["kendall_tau"] == 0.5 and result["mae"] != result["mae"]
        assert store.get({"a": 2}) is None
        assert len(store) == 1
    assert config_key({"a": 1, "b": 2}) == config_key({"b": 2, "a": 1})


def test_foreign_files_are_refused_clearly(tmp_path):
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"\x00garbage" * 200)
    with pytest.raises(SurrobenchError, match="cannot use"):
        ResultStore(garbage)
    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE results (x INTEGER)")
    connection.commit()
    connection.close()
    with pytest.raises(SurrobenchError, match="other columns"):
        ResultStore(other)
