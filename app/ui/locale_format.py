"""Durations, clock times and dates as the UI shows them, in the UI's locale.

`install_translations` makes the chosen language's locale the default, so `QLocale()` here is
that one; tests pass a locale explicitly. Durations are words ("1 h 05 min" in English,
"1 Std. 05 Min." in German), translated like every other UI text; times and dates use the
locale's short formats (10:32 PM / 22:32; 3/14/25 / 14.03.25).
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime


def format_duration(seconds: float, locale: QLocale | None = None) -> str:
    """35 min, 1 h 05 min; under a minute: 45 s (German: 35 Min., 1 Std. 05 Min., 45 Sek.)."""
    locale = locale if locale is not None else QLocale()
    total = max(0, round(seconds))
    if total < 60:
        return QCoreApplication.translate("LocaleFormat", "{seconds} s").format(
            seconds=locale.toString(total)
        )
    minutes = round(total / 60)
    if minutes < 60:
        return QCoreApplication.translate("LocaleFormat", "{minutes} min").format(
            minutes=locale.toString(minutes)
        )
    return QCoreApplication.translate("LocaleFormat", "{hours} h {minutes} min").format(
        hours=locale.toString(minutes // 60),
        minutes=locale.toString(minutes % 60).rjust(2, locale.zeroDigit()),
    )


def format_countdown(seconds: int, locale: QLocale | None = None) -> str:
    """1:15 (minutes:seconds left); never negative."""
    locale = locale if locale is not None else QLocale()
    seconds = max(0, seconds)
    return f"{locale.toString(seconds // 60)}:{locale.toString(seconds % 60).rjust(2, '0')}"


def _local(moment: float | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment.astimezone()  # naive means local already; aware is converted
    return datetime.fromtimestamp(moment).astimezone()


def _qtime(value: datetime) -> QTime:
    return QTime(value.hour, value.minute, value.second)


def format_time(
    moment: float | datetime, *, seconds: bool = False, locale: QLocale | None = None
) -> str:
    """The clock time in local time: 22:32 (de) or 10:32 PM (en_US); with seconds on ask."""
    locale = locale if locale is not None else QLocale()
    return _clock(_local(moment), seconds, locale)


def format_clock(
    moment: float | datetime,
    now: datetime | None = None,
    *,
    seconds: bool = False,
    locale: QLocale | None = None,
) -> str:
    """Like `format_time`, and a day other than today is named: "Mon 23:50" / "Mo. 23:50"."""
    locale = locale if locale is not None else QLocale()
    local = _local(moment)
    text = _clock(local, seconds, locale)
    today = (now.astimezone() if now is not None else datetime.now().astimezone()).date()
    if local.date() == today:
        return text
    day = locale.dayName(local.isoweekday(), QLocale.FormatType.ShortFormat)
    return f"{day} {text}"


def _clock(local: datetime, seconds: bool, locale: QLocale) -> str:
    fmt = locale.timeFormat(QLocale.FormatType.ShortFormat)
    if seconds and "s" not in fmt:  # the short format has no seconds: add them after minutes
        fmt = fmt.replace("mm", "mm:ss", 1)
    return locale.toString(_qtime(local), fmt)


def format_date(day: date | datetime, locale: QLocale | None = None) -> str:
    """The date in the locale's short format: 3/14/25 (en_US), 14.03.25 (de_DE)."""
    locale = locale if locale is not None else QLocale()
    if isinstance(day, datetime):
        day = _local(day).date()
    return locale.toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)


def format_datetime(moment: float | datetime, locale: QLocale | None = None) -> str:
    """Date and time, short formats: 14.03.25 10:32."""
    locale = locale if locale is not None else QLocale()
    local = _local(moment)
    value = QDateTime(QDate(local.year, local.month, local.day), _qtime(local))
    return locale.toString(value, QLocale.FormatType.ShortFormat)
