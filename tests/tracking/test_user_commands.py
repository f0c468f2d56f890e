"""Commands as data: JSON round trips, absolute trim targets, validation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.api.models import RestWorkLogCreate, SnoozeOption, StopReason
from app.tracking import user_commands as c
from app.tracking.user_commands import Command, CommandError, CommandKind

T0 = datetime(2026, 9, 30, 10, 0, tzinfo=UTC)


def roundtrip(command: Command) -> Command:
    return Command.from_json(json.loads(json.dumps(command.to_json())))


@pytest.mark.parametrize(
    "command",
    [
        c.start(T0, 1201, "review", None, True, expect_work_log_id=None),
        c.stop(T0, StopReason.MACHINE, expect_work_log_id="abc"),
        c.select(T0, 1201, "x"),
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
    seen_nothing = c.start(T0, 1, expect_work_log_id=None)
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
    idle = c.trim_idle(T0, "w", start, T0, T0 - timedelta(minutes=15), T0 - timedelta(minutes=5))
    assert c.trim_target(idle) == 3600 - 600
    # idle that began before the track only counts from the track's start
    early = c.trim_idle(
        T0, "w", start, T0, start - timedelta(minutes=30), start + timedelta(1 / 24 / 6)
    )
    assert c.trim_target(early) == 3600 - 600
    assert c.trim_target(c.trim_idle(T0, "w", start, T0 - timedelta(minutes=20))) == 2400
    whole = c.trim_idle(T0, "w", start, T0, start, T0)
    assert c.trim_target(whole) == 1  # 7pace refuses a zero length


def test_trim_without_times_is_an_error() -> None:
    broken = Command(CommandKind.TRIM_IDLE, {"work_log_id": "w"}, T0)
    with pytest.raises(CommandError, match="track_start"):
        c.trim_target(broken)
