"""Windows and macOS counters against fakes of the OS call (they cannot run here), and Null."""

from __future__ import annotations

import math

import pytest

from app.activity.macos import ANY_INPUT_EVENT, HID_SYSTEM_STATE, MacIdleSource
from app.activity.null import NullSource
from app.activity.windows import WindowsIdleSource


class FakeUser32:
    """GetLastInputInfo and GetTickCount as 32-bit millisecond counters."""

    def __init__(self, tick: int, last_input: int | None) -> None:
        self.tick = tick
        self.last_input = last_input

    def last_input_tick(self) -> int | None:
        return self.last_input

    def tick_count(self) -> int:
        return self.tick


def test_windows_seconds_since_last_input() -> None:
    os_ = FakeUser32(tick=5_000_000, last_input=4_998_500)
    source = WindowsIdleSource(os_.last_input_tick, os_.tick_count)
    assert source.open() and source.status().available
    assert source.seconds_since_input() == 1.5
    os_.tick += 2_000
    assert source.seconds_since_input() == 3.5
    os_.last_input = os_.tick
    assert source.seconds_since_input() == 0.0


def test_windows_tick_wrap_after_49_days() -> None:
    # last input 0.7 s before GetTickCount wrapped to 0; now 0.3 s after the wrap
    os_ = FakeUser32(tick=300, last_input=2**32 - 700)
    source = WindowsIdleSource(os_.last_input_tick, os_.tick_count)
    assert source.open()
    assert source.seconds_since_input() == pytest.approx(1.0)


def test_windows_call_failure_is_unavailable_not_an_exception() -> None:
    os_ = FakeUser32(tick=1000, last_input=None)
    source = WindowsIdleSource(os_.last_input_tick, os_.tick_count)
    assert source.open() is False
    assert "GetLastInputInfo failed" in source.status().reason
    assert source.seconds_since_input() is None


def test_windows_source_on_another_platform_says_so() -> None:
    source = WindowsIdleSource()
    assert source.open() is False
    assert source.status().reason == "only available on Windows"


def test_macos_asks_hid_state_for_any_input() -> None:
    calls: list[tuple[int, int]] = []
    answer = [12.25]

    def seconds_since(state: int, event_type: int) -> float:
        calls.append((state, event_type))
        return answer[0]

    source = MacIdleSource(seconds_since)
    assert source.open()
    assert source.seconds_since_input() == 12.25
    answer[0] = 0.01
    assert source.seconds_since_input() == 0.01
    assert set(calls) == {(HID_SYSTEM_STATE, ANY_INPUT_EVENT)}
    assert ANY_INPUT_EVENT == 0xFFFFFFFF


@pytest.mark.parametrize("bad", [math.nan, -1.0, math.inf])
def test_macos_nonsense_answer_is_no_answer(bad: float) -> None:
    source = MacIdleSource(lambda _s, _t: bad)
    assert source.open() is False
    assert source.seconds_since_input() is None


def test_macos_source_on_another_platform_says_so() -> None:
    source = MacIdleSource()
    assert source.open() is False
    assert source.status().reason == "only available on macOS"


def test_null_source_reports_why() -> None:
    source = NullSource("Wayland session without a D-Bus idle monitor")
    assert source.open() is False
    status = source.status()
    assert not status.available
    assert status.reason == (
        "no activity sensing available: Wayland session without a D-Bus idle monitor"
    )
    assert source.seconds_since_input() is None


def test_macos_listener_without_accessibility_permission_is_explained(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.activity.pynput_support import untrusted_reason

    class Listener:  # pynput's darwin listener sets IS_TRUSTED from AXIsProcessTrusted()
        IS_TRUSTED = False

    monkeypatch.setattr("sys.platform", "darwin")
    reason = untrusted_reason(Listener())
    assert reason is not None and "Accessibility" in reason
    Listener.IS_TRUSTED = True
    assert untrusted_reason(Listener()) is None
