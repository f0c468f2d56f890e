"""The presence log (app/tracking/presence_log.py): the SQLite store (round trip, retention,
clear, a file that cannot be opened) and the recorder fed by the real IdleDetector's events and
the Tracker's events; the stored bytes hold no key names, characters or coordinates."""

from __future__ import annotations

import os
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.activity.detector import BecameActive, BecameIdle, IdleDetector, IdlePeriod, Slept
from app.api.models import StoppedTrackType, TrackingState
from app.settings.paths import DATA_DIR_ENV
from app.tracking.events import ActivityCheckAnswered, ServerStopped
from app.tracking.presence import AwayCause, CheckEvent, CheckOutcome, Presence, PresencePeriod
from app.tracking.presence_log import (
    PresenceLog,
    PresenceLogError,
    PresenceRecorder,
    presence_path,
)
from app.tracking.target import TrackTarget
from app.tracking.user_commands import Command, StartArgs

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def test_periods_and_checks_round_trip(tmp_path: Path) -> None:
    clock = Clock()
    store = PresenceLog(tmp_path / "p.sqlite", now=clock)
    store.add_period(PresencePeriod(minutes(0), minutes(30), Presence.PRESENT))
    store.add_period(PresencePeriod(minutes(30), minutes(45), Presence.AWAY, AwayCause.LOCKED))
    store.add_check(CheckEvent(minutes(20), CheckOutcome.SNOOZED))
    store.close()
    again = PresenceLog(tmp_path / "p.sqlite", now=clock)
    assert again.periods(minutes(-60), minutes(60)) == [
        PresencePeriod(minutes(0), minutes(30), Presence.PRESENT),
        PresencePeriod(minutes(30), minutes(45), Presence.AWAY, AwayCause.LOCKED),
    ]
    assert again.periods(minutes(40), minutes(60))[0].cause is AwayCause.LOCKED
    assert again.periods(minutes(50), minutes(60)) == []
    assert again.checks(minutes(0), minutes(60)) == [CheckEvent(minutes(20), CheckOutcome.SNOOZED)]
    assert again.last_end() == minutes(45)
    with pytest.raises(ValueError, match="ended"):
        again.add_period(PresencePeriod(minutes(50), None, Presence.PRESENT))


def test_retention_prunes_at_start_and_daily(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "p.sqlite"
    store = PresenceLog(path, days=2, now=clock)
    store.add_period(PresencePeriod(minutes(0), minutes(10), Presence.PRESENT))
    store.add_check(CheckEvent(minutes(5), CheckOutcome.AUTOMATIC))
    clock.advance(days=1, hours=12)
    store.add_period(PresencePeriod(clock.now, clock.advance(minutes=5), Presence.PRESENT))
    assert len(store.periods(minutes(0), clock.now)) == 2  # pruned at most once a day
    clock.advance(days=1)
    store.add_period(PresencePeriod(clock.now, clock.advance(minutes=5), Presence.PRESENT))
    assert len(store.periods(minutes(0), clock.now)) == 2  # the first is older than 2 days
    assert store.checks(minutes(0), clock.now) == []
    store.close()
    clock.advance(days=3)
    assert PresenceLog(path, days=2, now=clock).periods(minutes(0), clock.now) == []


def test_clear_forgets_everything_even_in_the_raw_file(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    store = PresenceLog(path)
    marker = datetime(2026, 3, 9, 4, 5, 6, 789000, tzinfo=UTC)
    store.add_period(PresencePeriod(marker, marker + timedelta(hours=1), Presence.PRESENT))
    store.clear()
    assert store.periods(marker, marker + timedelta(days=1)) == []
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert struct.pack(">d", marker.timestamp()) not in raw  # SQLite's REAL: big-endian


def test_an_unusable_file_is_an_error_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "p.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(PresenceLogError, match="could not be opened"):
        PresenceLog(bad)


def test_the_path_honours_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert presence_path() == tmp_path / "presence.sqlite"


def recorder(tmp_path: Path, clock: Clock) -> PresenceRecorder:
    store = PresenceLog(tmp_path / "p.sqlite", now=clock)
    rec = PresenceRecorder(store, now=clock)
    rec.start()
    return rec


def test_recorder_turns_detector_events_into_periods(tmp_path: Path) -> None:
    clock = Clock()
    rec = recorder(tmp_path, clock)
    # Idle back-dated to the last input at 10 min, noticed at 15; back at 40.
    clock.advance(minutes=15)
    rec.on_activity_event(BecameIdle(minutes(10).timestamp(), "input"))
    assert rec.store.periods(T0, clock.now) == [
        PresencePeriod(minutes(0), minutes(10), Presence.PRESENT)
    ]
    clock.advance(minutes=25)
    rec.on_activity_event(
        BecameActive(IdlePeriod(minutes(10).timestamp(), clock.now.timestamp(), "input"))
    )
    clock.advance(minutes=5)
    rec.on_activity_event(BecameIdle(clock.now.timestamp(), "locked"))
    clock.advance(minutes=5)
    rec.on_activity_event(
        BecameActive(IdlePeriod(minutes(45).timestamp(), clock.now.timestamp(), "locked"))
    )
    assert rec.ongoing == PresencePeriod(minutes(50), None, Presence.PRESENT)
    clock.advance(minutes=10)
    rec.close()
    assert rec.store.periods(T0, clock.now) == [
        PresencePeriod(minutes(0), minutes(10), Presence.PRESENT),
        PresencePeriod(minutes(10), minutes(40), Presence.AWAY, AwayCause.IDLE),
        PresencePeriod(minutes(40), minutes(45), Presence.PRESENT),
        PresencePeriod(minutes(45), minutes(50), Presence.AWAY, AwayCause.LOCKED),
        PresencePeriod(minutes(50), minutes(60), Presence.PRESENT),
    ]


def test_sleep_is_written_before_the_machine_sleeps_and_completed_on_waking(
    tmp_path: Path,
) -> None:
    clock = Clock()
    rec = recorder(tmp_path, clock)
    clock.advance(minutes=30)
    rec.on_session_event("sleep")
    assert rec.store.periods(T0, clock.now) == [
        PresencePeriod(minutes(0), minutes(30), Presence.PRESENT)
    ]
    clock.advance(hours=2)
    rec.on_activity_event(
        Slept(IdlePeriod(minutes(29).timestamp(), clock.now.timestamp(), "sleep"))
    )
    assert rec.store.periods(T0, clock.now)[-1] == PresencePeriod(
        minutes(29), minutes(150), Presence.AWAY, AwayCause.ASLEEP
    )
    assert rec.ongoing == PresencePeriod(minutes(150), None, Presence.PRESENT)


def test_a_sleep_seen_only_as_a_clock_gap_and_still_locked_after(tmp_path: Path) -> None:
    clock = Clock()
    rec = recorder(tmp_path, clock)
    clock.advance(minutes=10)
    rec.on_activity_event(BecameIdle(clock.now.timestamp(), "locked"))
    clock.advance(minutes=60)
    rec.on_activity_event(
        Slept(IdlePeriod(minutes(20).timestamp(), clock.now.timestamp(), "sleep"))
    )
    assert rec.store.periods(T0, clock.now) == [
        PresencePeriod(minutes(0), minutes(10), Presence.PRESENT),
        PresencePeriod(minutes(10), minutes(20), Presence.AWAY, AwayCause.LOCKED),
        PresencePeriod(minutes(20), minutes(70), Presence.AWAY, AwayCause.ASLEEP),
    ]
    assert rec.ongoing == PresencePeriod(minutes(70), None, Presence.AWAY, AwayCause.LOCKED)


def test_time_pacetray_was_not_running_is_away_quit(tmp_path: Path) -> None:
    clock = Clock()
    rec = recorder(tmp_path, clock)
    clock.advance(minutes=10)
    rec.close()
    rec.store.close()
    clock.advance(hours=3)
    again = recorder(tmp_path, clock)
    assert again.store.periods(T0, clock.now)[-1] == PresencePeriod(
        minutes(10), minutes(190), Presence.AWAY, AwayCause.QUIT
    )
    clock.advance(minutes=1)
    assert again.periods(T0, clock.now)[-1] == PresencePeriod(minutes(190), None, Presence.PRESENT)


def test_check_outcomes_from_tracker_events(tmp_path: Path) -> None:
    clock = Clock()
    rec = recorder(tmp_path, clock)
    state = TrackingState()
    restart = Command(StartArgs(TrackTarget(1201)), T0)
    for how in ("auto", "continue", "snooze", "elsewhere"):
        clock.advance(minutes=1)
        rec.on_tracker_event(ActivityCheckAnswered(how))  # type: ignore[arg-type]
    clock.advance(minutes=1)
    rec.on_tracker_event(ServerStopped(StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK, state, restart))
    rec.on_tracker_event(  # not a check: the track was too long
        ServerStopped(StoppedTrackType.STOPPED_BY_MAX_SINGLE_TRACK_LENGTH_EXCEEDED, state, restart)
    )
    assert [c.outcome for c in rec.store.checks(T0, clock.now + timedelta(seconds=1))] == [
        CheckOutcome.AUTOMATIC,
        CheckOutcome.USER,
        CheckOutcome.SNOOZED,
        CheckOutcome.USER,
        CheckOutcome.SERVER_STOPPED,
    ]


def test_without_an_activity_source_only_checks_are_recorded(tmp_path: Path) -> None:
    clock = Clock()
    rec = PresenceRecorder(PresenceLog(tmp_path / "p.sqlite", now=clock), presence=False, now=clock)
    rec.start()
    rec.on_activity_event(BecameIdle(T0.timestamp(), "input"))
    rec.on_tracker_event(ActivityCheckAnswered("auto"))
    clock.advance(hours=1)
    rec.close()
    assert rec.store.periods(T0 - timedelta(days=1), clock.now) == []
    assert len(rec.store.checks(T0, clock.now)) == 1


def test_clear_restarts_the_ongoing_period(tmp_path: Path) -> None:
    clock = Clock()
    rec = recorder(tmp_path, clock)
    clock.advance(minutes=10)
    rec.on_activity_event(BecameIdle(clock.now.timestamp(), "input"))
    clock.advance(minutes=10)
    rec.clear()
    clock.advance(minutes=10)
    rec.close()
    assert rec.store.periods(T0, clock.now) == [
        PresencePeriod(minutes(20), minutes(30), Presence.AWAY, AwayCause.IDLE)
    ]


def test_a_failing_store_never_reaches_the_tracker(tmp_path: Path) -> None:
    clock = Clock()
    rec = recorder(tmp_path, clock)
    rec.store.close()  # every write now fails
    seen: list[object] = []
    forward = rec.tee(seen.append)
    clock.advance(minutes=10)
    event = BecameIdle(clock.now.timestamp(), "input")
    forward(event)
    rec.on_tracker_event(ActivityCheckAnswered("auto"))
    assert seen == [event]


def test_the_file_holds_times_only(tmp_path: Path) -> None:
    """Synthetic activity through the real detector: typed text, key names and pointer
    coordinates never reach the file (the events carry none; this reads the bytes back)."""
    clock = Clock()
    wall = [T0.timestamp()]
    mono = [1000.0]
    detector = IdleDetector(60, tick=1, monotonic=lambda: mono[0], wall=lambda: wall[0])
    rec = recorder(tmp_path, clock)
    typed = "hunter2-secret"
    keys = ["ctrl_l", "shift", "KeyA", "space"]
    pointer = (1234, 987)
    last_input = 0.0
    for second in range(1, 2000):
        mono[0] += 1
        wall[0] += 1
        clock.now = datetime.fromtimestamp(wall[0], UTC)
        # Input (the text, the keys, the pointer moves) in bursts; the source reports only
        # seconds since the last input, which is all the detector ever sees.
        if (second // 300) % 2 == 0:
            last_input = mono[0]
        for event in detector.sample(mono[0] - last_input):
            rec.on_activity_event(event)
        if second == 1500:
            for event in detector.lock():
                rec.on_activity_event(event)
    rec.close()
    rec.store.close()
    assert len(PresenceLog(tmp_path / "p.sqlite", now=clock).periods(T0, clock.now)) >= 5
    raw = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    for needle in [typed, *keys, str(pointer[0]), str(pointer[1])]:
        assert needle.encode() not in raw, needle
        assert needle.encode("utf-16-le") not in raw, needle
    assert os.path.getsize(tmp_path / "p.sqlite") < 64 * 1024


def test_settings_clear_presence_history_through_the_services(tmp_path: Path) -> None:
    from app.settings.model import Settings
    from app.settings.settings_service import SettingsServices

    clock = Clock()
    rec = recorder(tmp_path, clock)
    rec.store.add_check(CheckEvent(minutes(1), CheckOutcome.USER))
    services = SettingsServices(Settings(), path=tmp_path / "s.toml", presence=rec)
    assert services.can_clear_presence
    assert services.clear_presence() is None
    assert rec.store.checks(T0, minutes(60)) == []
    rec.store.close()
    assert services.clear_presence() is not None  # a closed file: a message, no exception
    assert not SettingsServices(Settings(), path=tmp_path / "s.toml").can_clear_presence
