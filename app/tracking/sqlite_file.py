"""Opening the client's own SQLite files (the offline journal, the presence log): the folder
made, autocommit (each statement its own transaction), WAL, the schema applied."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal


def open_database(
    path: Path,
    schema: str,
    *,
    synchronous: Literal["NORMAL", "FULL"],
    check_same_thread: bool = True,
) -> sqlite3.Connection:
    """Raises OSError or sqlite3.Error; callers turn them into their own error, with the path.
    `synchronous`: FULL where a lost write loses the user's work, NORMAL where it is harmless."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=check_same_thread)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous}")
        db.executescript(schema)
    except sqlite3.Error:
        db.close()
        raise
    return db
