"""Commands as data: JSON round trips, absolute trim targets, validation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.api.models import RestWorkLogCreate, SnoozeOption, StopReason
from app.tracking import user_commands as c
from app.tracking.target import TrackTarget
from app.tracking.user_commands import (
    ActivityCheckArgs,
    AddWorkLogArgs,
    AdjustArgs,
    Command,
    IdleCheckArgs,
    SelectArgs,
    StartArgs,
    StopArgs,
    TrimIdleArgs,
)

T0 = datetime(2026, 9, 30, 10, 0, tzinfo=UTC)


def roundtrip(command: Command) -> Command:
    return Command.from_json(json.loads(json.dumps(command.to_json())))


@pytest.mark.parametrize(
    "command",
    [
        c.start(T0, TrackTarget(1201, "review", None, True), expect_work_log_id=None),
        c.stop(T0, StopReason.MACHINE, expect_work_log_id="abc"),
        c.select(T0, TrackTarget(1201, "x")),
        c.adjust(T0, "new remark"),
        c.activity_check(T0),
        c.idle_check(T0, SnoozeOption.TOMORROW),
        c.trim_idle(T0, "log", T0 - timedelta(hours=1), T0, T0 - timedelta(minutes=10), T0),
        c.add_work_log(
            T0, RestWorkLogCreate(timestamp=T0, length=600, work_item_id=1201, comment="idle")
        ),
    ],
)
def test_json_round_trip_keeps_every_field(command: Command) -> None:
    again = roundtrip(command)
    assert again == command
    assert again.id == command.id and again.kind is command.kind and again.at == command.at


def test_expectation_absent_differs_from_none() -> None:
    assert not c.stop(T0).has_expectation
    seen_nothing = c.start(T0, TrackTarget(1), expect_work_log_id=None)
    assert seen_nothing.has_expectation and seen_nothing.expected_work_log_id is None


def test_ids_are_unique_and_times_are_utc() -> None:
    local = T0.astimezone(timezone(timedelta(hours=2)))
    a, b = c.stop(local), c.stop(local)
    assert a.id != b.id
    assert a.at.utcoffset() == timedelta(0) and a.at == T0


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        c.stop(datetime(2026, 9, 30, 10, 0))


def test_bad_stored_command_names_the_problem() -> None:
    with pytest.raises(ValueError, match="not a stored command"):
        Command.from_json({"kind": "dance", "args": {}, "at": T0.isoformat(), "id": "x"})


def test_trim_target_is_absolute_and_clipped_to_the_track() -> None:
    start = T0 - timedelta(hours=1)

    def target(command: Command) -> int:
        assert isinstance(command.args, TrimIdleArgs)
        return c.trim_target(command.args)

    idle = c.trim_idle(T0, "w", start, T0, T0 - timedelta(minutes=15), T0 - timedelta(minutes=5))
    assert target(idle) == 3600 - 600
    # idle that began before the track only counts from the track's start
    early = c.trim_idle(
        T0, "w", start, T0, start - timedelta(minutes=30), start + timedelta(1 / 24 / 6)
    )
    assert target(early) == 3600 - 600
    assert target(c.trim_idle(T0, "w", start, T0 - timedelta(minutes=20))) == 2400
    whole = c.trim_idle(T0, "w", start, T0, start, T0)
    assert target(whole) == 1  # 7pace refuses a zero length


def test_trim_without_times_is_not_a_stored_command() -> None:
    broken = {"id": "x", "kind": "trim_idle", "at": T0.isoformat(), "args": {"work_log_id": "w"}}
    with pytest.raises(ValueError, match="track_start"):
        Command.from_json(broken)


# --- journals written before the arguments were typed ----------------------------------------
# Entries exactly as the earlier code stored them (its `to_json()`): `tfs_id`, ISO strings,
# the expectation inside `args`, a work log in wire form.

OLD_AT = "2026-09-30T10:00:00+00:00"


def old(kind: str, args: dict[str, object]) -> dict[str, object]:
    return {"id": "0123456789abcdef0123456789abcdef", "kind": kind, "at": OLD_AT, "args": args}


def test_an_old_start_or_select_reads_its_tfs_id_as_the_work_item() -> None:
    stored = old(
        "start",
        {
            "tfs_id": 1201,
            "remark": "review",
            "activity_type_id": None,
            "is_billable": True,
            "expect_work_log_id": None,
        },
    )
    command = Command.from_json(stored)
    assert command.args == StartArgs(TrackTarget(1201, "review", None, True))
    assert command.has_expectation and command.expected_work_log_id is None
    assert command.id == stored["id"] and command.at == T0
    written = command.to_json()["args"]
    assert written["work_item_id"] == 1201 and "tfs_id" not in written  # one name from now on
    select = Command.from_json(old("select", {"tfs_id": 7, "remark": "x", "activity_type_id": "a"}))
    assert select.args == SelectArgs(TrackTarget(7, "x", "a")) and not select.has_expectation


@pytest.mark.parametrize(
    ("kind", "args", "expected"),
    [
        (
            "stop",
            {"reason": 1, "only_if_running": True, "expect_work_log_id": "W"},
            StopArgs(StopReason.MACHINE, True),
        ),
        ("stop", {"reason": 0}, StopArgs()),
        (
            "adjust",
            {"remark": "r", "activity_type_id": None, "expect_work_log_id": "W"},
            AdjustArgs("r"),
        ),
        ("activity_check", {}, ActivityCheckArgs()),
        ("idle_check", {"option": 2}, IdleCheckArgs(SnoozeOption.NEXT_MONDAY)),
        (
            "trim_idle",
            {
                "work_log_id": "w",
                "track_start": "2026-09-30T09:00:00+00:00",
                "end": OLD_AT,
                "idle_start": "2026-09-30T09:45:00+00:00",
                "idle_end": OLD_AT,
            },
            TrimIdleArgs("w", T0 - timedelta(hours=1), T0, T0 - timedelta(minutes=15), T0),
        ),
    ],
)
def test_old_entries_of_every_kind_read_as_they_were_written(
    kind: str, args: dict[str, object], expected: object
) -> None:
    command = Command.from_json(old(kind, args))
    assert command.args == expected
    assert command.has_expectation == ("expect_work_log_id" in args)
    assert command.to_json()["args"] == args  # unchanged on the way back to the journal


def test_an_old_gap_work_log_keeps_its_wire_form() -> None:
    wire = {
        "timestamp": "2026-09-30T12:00:00.000+02:00",
        "length": 1,
        "billableLength": 1,
        "workItemId": 1201,
        "comment": "offline",
        "until": "live_start",
    }
    command = Command.from_json(old("add_work_log", wire))
    assert isinstance(command.args, AddWorkLogArgs) and command.args.until_live_start
    assert command.args.work_log.work_item_id == 1201
    assert command.to_json()["args"] == wire
