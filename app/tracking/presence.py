"""What the presence log records (issue 15): when the user was at the machine, and what became
of each activity check. Times only — never keys, positions or window titles.

These are the records the day view merges with the server's work logs; the log that stores
them (local, kept for a number of days) is `app/tracking/presence_log.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Presence(StrEnum):
    PRESENT = "present"  # input seen within the idle threshold
    AWAY = "away"


class AwayCause(StrEnum):
    IDLE = "idle"  # no input for the idle threshold
    LOCKED = "locked"  # the session was locked
    ASLEEP = "asleep"  # the machine slept (a gap in the clock, or logind's PrepareForSleep)
    QUIT = "quit"  # Pacetray was not running: nothing is known, shown as away


@dataclass(frozen=True)
class PresencePeriod:
    """[start, end) in aware UTC; `end` None while the period is still going on."""

    start: datetime
    end: datetime | None
    presence: Presence
    cause: AwayCause | None = None  # set for AWAY only


class CheckOutcome(StrEnum):
    AUTOMATIC = "automatic"  # answered by Pacetray because the user was active
    USER = "user"  # answered by the user in the prompt
    SNOOZED = "snoozed"  # the user chose an idle-check option (one hour, tomorrow, Monday)
    SERVER_STOPPED = "server_stopped"  # not answered in time: the server stopped the track


@dataclass(frozen=True)
class CheckEvent:
    at: datetime  # aware UTC
    outcome: CheckOutcome
