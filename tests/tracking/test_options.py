"""The user's settings reach the tracker unchanged."""

from __future__ import annotations

from app.settings.model import IdlePolicy as SettingsIdlePolicy
from app.settings.model import Settings
from app.tracking.idle import IdlePolicy
from app.tracking.options import TrackingSettings


def test_defaults_agree() -> None:
    assert TrackingSettings.from_settings(Settings()) == TrackingSettings()


def test_every_tracker_option_comes_from_settings() -> None:
    settings = Settings(
        idle_threshold_seconds=600,
        idle_policy=SettingsIdlePolicy.STOP_WHEN_IDLE,
        activity_window_seconds=45,
        stop_on_lock=True,
        stop_on_sleep=True,
    )
    assert TrackingSettings.from_settings(settings) == TrackingSettings(
        activity_window=45.0,
        idle_threshold=600.0,
        idle_policy=IdlePolicy.STOP_WHEN_IDLE,
        stop_on_lock=True,
        stop_on_sleep=True,
    )
