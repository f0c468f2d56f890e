"""The offline journal's store on its own (no server): entries, steps, transactions, meta.
And the seam: the replay policy uses only the store's public interface."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.tracking import replay as replay_module
from app.tracking import user_commands as c
from app.tracking.journal_store import (
    APPLIED,
    CONFLICT,
    EXPANDED,
    PENDING,
    SENDING,
    JournalStore,
)
from app.tracking.target import TrackTarget
from tests.tracking.conftest import WORK_ITEM

T0 = datetime.fromisoformat("2026-09-30T08:00:00+00:00")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JournalStore]:
    made = JournalStore(tmp_path / "journal.sqlite3", now=lambda: T0)
    yield made
    made.close()


def test_steps_sit_between_their_parent_and_the_next_entry(store: JournalStore) -> None:
    start, stop = c.start(T0, TrackTarget(WORK_ITEM)), c.stop(T0 + timedelta(minutes=5))
    store.append(start)
    store.append(stop)
    parent = store.next_open()
    assert parent is not None and parent.command == start and parent.status == PENDING
    assert [e.command for e in store.pending_after(parent)] == [stop]
    steps = [c.select(T0, TrackTarget(WORK_ITEM)), c.adjust(T0, "x")]
    with store.transaction() as tx:
        tx.add_steps(parent, steps)
        tx.set_status(parent.id, EXPANDED)
        assert tx.open_steps(parent.id) == 2
    assert [s for s, _ in store.steps_of(start.id)] == steps
    first = store.next_open()  # a step comes before the later user entry
    assert first is not None and first.command == steps[0] and first.parent == start.id
    assert store.pending() == [start, stop]  # steps are not user commands
    assert store.count() == 2


def test_a_transaction_that_raises_writes_nothing(store: JournalStore) -> None:
    command = c.stop(T0)
    store.append(command)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.set_status(command.id, APPLIED)
        tx.set_meta("expect", "null")
        raise RuntimeError("crash mid-transaction")
    assert store.status_of(command.id) == PENDING
    assert store.meta("expect") is None


def test_attempts_statuses_and_meta(store: JournalStore) -> None:
    start = c.start(T0, TrackTarget(WORK_ITEM))
    store.append(start)
    parent = store.next_open()
    assert parent is not None
    steps = [c.select(T0, TrackTarget(WORK_ITEM)), c.adjust(T0, "x")]
    with store.transaction() as tx:
        tx.add_steps(parent, steps)
        tx.set_status(parent.id, EXPANDED)
        tx.set_status(steps[0].id, SENDING, attempt={"before_log": None})
    sending = store.entry(steps[0].id)
    assert sending is not None and sending.attempt == {"before_log": None}
    with store.transaction() as tx:
        tx.reset_to_pending(steps[0].id)
    again = store.entry(steps[0].id)
    assert again is not None and again.status == PENDING and again.attempt is None
    with store.transaction() as tx:
        tx.set_status(steps[0].id, CONFLICT, reason="first")
        tx.set_open_steps(parent.id, CONFLICT, "not sent")
        tx.set_status(parent.id, CONFLICT, reason="first")
        assert tx.open_steps(parent.id) == 0
    assert store.steps_of(start.id) == [(steps[0], CONFLICT), (steps[1], CONFLICT)]
    assert store.conflicts() == [(start, "first")]
    assert not store.finished(start.id)
    assert store.last_sync is None
    with store.transaction() as tx:
        tx.set_last_sync(T0)
        tx.set_meta("expect", '"abc"')
    assert store.last_sync == T0 and store.meta("expect") == '"abc"'
    with store.transaction() as tx:
        tx.set_meta("expect", None)
    assert store.meta("expect") is None


def test_the_replay_uses_only_the_public_interface_of_the_store() -> None:
    tree = ast.parse(Path(replay_module.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert "sqlite3" not in imported  # no SQL of its own

    def is_store(node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in ("store", "tx")
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "store"
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        )

    reaches = [
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and is_store(node.value)
    ]
    assert reaches == []
