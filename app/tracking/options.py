"""The tracker's options, with their defaults (the settings layer maps its TOML onto this)."""

from __future__ import annotations

from dataclasses import dataclass

from app.tracking.idle import IdlePolicy


@dataclass(frozen=True)
class TrackingSettings:
    # A running check is answered without asking when input was seen this recently (seconds).
    activity_window: float = 120.0
    # Idle periods shorter than this (seconds) are not worth a question.
    idle_threshold: float = 300.0
    idle_policy: IdlePolicy = IdlePolicy.ASK
    stop_on_lock: bool = False  # stop tracking (reason machine) when the session locks
    stop_on_sleep: bool = False  # ... and when the machine goes to sleep

    def __post_init__(self) -> None:
        if self.activity_window <= 0:
            raise ValueError(f"activity_window must be positive, not {self.activity_window}")
        if self.idle_threshold <= 0:
            raise ValueError(f"idle_threshold must be positive, not {self.idle_threshold}")
