"""The offline journal: a write-ahead log of user commands, replayed in order when the server
is reachable again. `Journal` is what the tracker, the idle resolution and `pacetray status`
use; it joins two parts with separate jobs:

- `app.tracking.journal_store` keeps the entries durably in SQLite and decides nothing;
- `app.tracking.replay` is the replay policy (expansion, expectations, conflicts, verifying
  a request whose outcome a crash or a lost answer left unknown). It uses only the store's
  public interface.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.api.client import TrackingClient
from app.tracking.journal_store import JournalError, JournalStore
from app.tracking.replay import SETTLE, ConflictCallback, Hook, ReplayReport, Settling, replay
from app.tracking.user_commands import Command

# Names the journal's users import from here (they lived in this module before the split).
__all__ = ["ConflictCallback", "Journal", "JournalError", "ReplayReport", "Settling"]


def _now_utc() -> datetime:
    return datetime.now(UTC)


class Journal:
    def __init__(
        self,
        path: Path,
        *,
        now: Callable[[], datetime] = _now_utc,
        settle: timedelta = SETTLE,
    ) -> None:
        """Raises JournalError when the file cannot be opened or is not a database."""
        self.store = JournalStore(path, now=now)
        self.path = self.store.path
        self._now = now
        self.settle = settle
        self._lock = asyncio.Lock()  # one replay at a time: each reads what the last one wrote

    def close(self) -> None:
        self.store.close()

    def append(self, command: Command) -> None:
        """Writes `command` ahead, durably, before returning. The same id twice is one entry.
        Raises JournalError when the file cannot be written (disk full, file removed...)."""
        self.store.append(command)

    def pending(self) -> list[Command]:
        """User commands not yet carried out (including ones half done at a crash), in order."""
        return self.store.pending()

    def count(self) -> int:
        return self.store.count()

    def conflicts(self) -> list[tuple[Command, str]]:
        """User commands set aside because of a conflict, with the reason, oldest first."""
        return self.store.conflicts()

    def status_of(self, command_id: str) -> str | None:
        return self.store.status_of(command_id)

    def steps_of(self, command_id: str) -> list[tuple[Command, str]]:
        """The primitive requests a user command was expanded into, with their status."""
        return self.store.steps_of(command_id)

    def finished(self, command_id: str) -> bool:
        """Carried out: applied, folded into another entry, or obsolete (nothing left to do).
        False while pending and for entries set aside as conflicts."""
        return self.store.finished(command_id)

    @property
    def last_sync(self) -> datetime | None:
        return self.store.last_sync

    async def replay(
        self,
        client: TrackingClient,
        *,
        on_conflict: ConflictCallback,
        now: Callable[[], datetime] | None = None,
        before_send: Hook | None = None,
        after_send: Hook | None = None,
    ) -> ReplayReport:
        """Applies the pending entries in order (see `app.tracking.replay`).

        `before_send`/`after_send` run around each request that changes something (tests use
        them to kill the process at a chosen point)."""
        async with self._lock:
            try:
                return await replay(
                    self.store,
                    client,
                    on_conflict=on_conflict,
                    now=now or self._now,
                    settle=self.settle,
                    before_send=before_send,
                    after_send=after_send,
                )
            except sqlite3.Error as exc:
                raise JournalError(
                    f"The offline journal {self.path} could not be updated: {exc}. Free some "
                    "disk space or check the file's permissions; nothing recorded was lost."
                ) from exc
