"""A results store keyed by each job's full configuration (SQLite by default).

Each finished job is committed on its own, so an interrupted run keeps every
job it finished and running the same command again skips them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from surrobench.errors import SurrobenchError

logger = logging.getLogger(__name__)


def config_key(config: Mapping) -> str:
    """A stable key for a job configuration (order of keys does not matter)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class ResultStore:
    """Results of finished jobs in an SQLite file (``":memory:"`` for none).

    Example:
        >>> store = ResultStore(":memory:")
        >>> store.put({"predictor": "rf", "seed": 0}, {"kendall_tau": 0.6})
        >>> store.get({"seed": 0, "predictor": "rf"})
        {'kendall_tau': 0.6}
    """

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(self.path)
            with self._connection:
                self._connection.execute(
                    "CREATE TABLE IF NOT EXISTS results ("
                    " key TEXT PRIMARY KEY, config TEXT NOT NULL, result TEXT NOT NULL,"
                    " finished_at TEXT DEFAULT CURRENT_TIMESTAMP)"
                )
            columns = {
                row[1] for row in self._connection.execute("PRAGMA table_info(results)")
            }
        except (sqlite3.Error, OSError) as error:
            raise self._unusable(error) from None
        if not {"key", "config", "result"} <= columns:
            raise self._unusable("its results table has other columns")

    def _unusable(self, reason: object) -> SurrobenchError:
        return SurrobenchError(
            f"cannot use {self.path!r} as a results store ({reason}); move it away "
            "or choose another output folder"
        )

    def get(self, config: Mapping) -> dict | None:
        row = self._connection.execute(
            "SELECT result FROM results WHERE key = ?", (config_key(config),)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, config: Mapping, result: Mapping) -> None:
        try:
            with self._connection:  # one transaction per job: all of it or none
                self._connection.execute(
                    "INSERT OR REPLACE INTO results (key, config, result) "
                    "VALUES (?, ?, ?)",
                    (
                        config_key(config),
                        json.dumps(config, sort_keys=True, default=str),
                        json.dumps(result),
                    ),
                )
        except sqlite3.Error as error:
            raise self._unusable(error) from None

    def put_many(self, items: Iterable[tuple[Mapping, Mapping]]) -> None:
        """Store several ``(config, result)`` pairs in one transaction."""
        rows = [
            (
                config_key(config),
                json.dumps(config, sort_keys=True, default=str),
                json.dumps(result),
            )
            for config, result in items
        ]
        try:
            with self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO results (key, config, result) "
                    "VALUES (?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as error:
            raise self._unusable(error) from None

    def items(self) -> list[tuple[dict, dict]]:
        """Every stored ``(config, result)``, in the order they were stored."""
        try:
            rows = self._connection.execute(
                "SELECT config, result FROM results ORDER BY rowid"
            ).fetchall()
        except sqlite3.Error as error:
            raise self._unusable(error) from None
        return [(json.loads(config), json.loads(result)) for config, result in rows]

    def __len__(self) -> int:
        return self._connection.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
