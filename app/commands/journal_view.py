"""What `pacetray status` shows of the offline journal: the commands still waiting to be sent,
the ones set aside for a conflict, and the last sync. Read-only and local: it works while the
server is unreachable, which is when it matters most.

The journal file is `app.settings.paths.journal_path()` (data dir / journal.sqlite); a missing
file means nothing was ever journaled, and is not created by looking.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings.paths import journal_path

if TYPE_CHECKING:
    from app.tracking.user_commands import Command, CommandArgs


@dataclass(frozen=True)
class JournalEntry:
    id: str
    kind: str
    at: datetime  # aware UTC: when the user acted
    args: CommandArgs
    reason: str | None = None  # why it was set aside (conflicts only)


@dataclass(frozen=True)
class JournalView:
    path: Path
    pending: list[JournalEntry] = field(default_factory=list)
    set_aside: list[JournalEntry] = field(default_factory=list)
    last_sync: datetime | None = None
    error: str | None = None  # the journal exists but cannot be read


def read_journal(path: Path | None = None) -> JournalView:
    path = path or journal_path()
    if not path.exists():
        return JournalView(path)
    from app.tracking.journal import Journal, JournalError  # only when there is one to read

    try:
        journal = Journal(path)
    except JournalError as exc:
        return JournalView(path, error=exc.message)
    try:
        pending = [_entry(c) for c in journal.pending()]
        set_aside = [_entry(c, reason) for c, reason in journal.conflicts()]
        return JournalView(path, pending, set_aside, journal.last_sync)
    except (sqlite3.Error, ValueError) as exc:
        return JournalView(
            path,
            error=f"the offline journal {path} cannot be read ({exc}); move it away only once "
            "you no longer need the commands it holds",
        )
    finally:
        journal.close()


def _entry(command: Command, reason: str | None = None) -> JournalEntry:
    return JournalEntry(
        id=command.id,
        kind=str(command.kind),
        at=command.at,
        args=command.args,
        reason=reason,
    )
