"""Durations on the command line (`90s`, `15m`, `8h`, `1h30m`) and on screen (`1:02:03`)."""

from __future__ import annotations

import argparse
import math
import re

_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_EXAMPLES = "use a number with a unit, like 90s, 15m, 8h or 1h30m"


class DurationError(ValueError):
    """A duration that cannot be read; the message says what is wrong and shows examples."""


def parse_duration(text: str) -> float:
    """Seconds in `text`: one or more <number><d|h|m|s> parts, largest unit first."""
    compact = text.strip().lower().replace(" ", "")
    if not compact:
        raise DurationError(f"empty duration; {_EXAMPLES}")
    pos = 0
    total = 0.0
    seen: list[str] = []
    for match in _PART.finditer(compact):
        if match.start() != pos:
            break
        unit = match[2]
        if seen and list(_UNITS).index(unit) <= list(_UNITS).index(seen[-1]):
            raise DurationError(f"bad duration {text!r}: units must go from largest to smallest")
        seen.append(unit)
        total += float(match[1]) * _UNITS[unit]
        pos = match.end()
    if pos != len(compact) or not seen:
        if re.fullmatch(r"\d+(\.\d+)?", compact):
            raise DurationError(f"bad duration {text!r}: the unit is missing; {_EXAMPLES}")
        raise DurationError(f"bad duration {text!r}; {_EXAMPLES}")
    if total <= 0 or not math.isfinite(total):
        raise DurationError(f"bad duration {text!r}: it must be longer than zero")
    return total


def duration_arg(text: str) -> float:
    """argparse `type=`: turns a DurationError into argparse's own one-line error."""
    try:
        return parse_duration(text)
    except DurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def format_hms(seconds: float | None) -> str:
    """`1:02:03`; hours are not capped at 24 (a week's total reads `40:00:00`)."""
    total = max(0, round(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def format_duration(seconds: float) -> str:
    """The compact form `parse_duration` reads back: 5400 -> `1h30m`, 90 -> `1m30s`."""
    if seconds <= 0:
        return "0s"
    parts: list[str] = []
    rest = seconds
    for unit, size in _UNITS.items():
        if unit == "s":
            if rest > 0 or not parts:
                value = round(rest, 3)
                parts.append(f"{value:g}s")
            break
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{int(count)}{unit}")
    return "".join(parts)
