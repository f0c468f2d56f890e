"""The tracker's options, with their defaults, and how the user's settings map onto them."""

from __future__ import annotations

from dataclasses import dataclass

from app.settings.model import Settings
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

    @classmethod
    def from_settings(cls, settings: Settings) -> TrackingSettings:
        """The tracker's view of the user's settings (settings sit below tracking, so here)."""
        return cls(
            activity_window=float(settings.activity_window_seconds),
            idle_threshold=float(settings.idle_threshold_seconds),
            idle_policy=IdlePolicy(settings.idle_policy.value),
            stop_on_lock=settings.stop_on_lock,
            stop_on_sleep=settings.stop_on_sleep,
        )
