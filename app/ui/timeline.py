"""The Today window's timeline: one day drawn with QPainter, three lanes (work logs, presence,
activity checks) under an hour axis, zoomed to the hours that hold data.

Every position comes from the day model (`Day.fraction` of a part's seconds): the widget only
scales that fraction to its width, and `log_rects()`/`slipped_rects()` hand out exactly the
rectangles it paints, so tests compare them with the model's times. Painting is vector work
in logical pixels (QPainter scales to the device pixel ratio itself: sharp on HiDPI, no
pixmap cache), colours come from the palette (light and dark alike).

Live: `set_now()` grows the running log to `now` and repaints only the strip it covers.
Keyboard: Up/Down (Home/End) move the selection over logs and slipped periods, Enter or Space
activates it; Left/Right are left to the window (they change the day).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.tracking.day import CheckMark, Day, DayLog, DayPresence, Slipped
from app.tracking.presence import CheckOutcome, Presence
from app.ui.locale_format import format_duration, format_time

MIN_SPAN_S = 4 * 3600  # zoomed to at least four hours, so a short day is not one wide bar
EMPTY_HOURS = (8, 18)  # shown when the day holds nothing


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def activity_color(activity_type_id: str | None, dark: bool) -> QColor:
    """A stable colour per activity type (the same hue every day and in every window)."""
    if not activity_type_id:
        return QColor.fromHsl(0, 0, 110 if dark else 200)
    hue = zlib.crc32(activity_type_id.lower().encode()) % 360
    return QColor.fromHsl(hue, 140, 85 if dark else 180)


def wall_clock(day: Day, moment: datetime) -> datetime:
    """`moment` as naive wall-clock time of the day's zone (format_time shows it as is)."""
    return moment.astimezone(day.tz).replace(tzinfo=None)


@dataclass(frozen=True)
class Lanes:
    """The widget's rows in logical pixels."""

    axis: QRectF
    logs: QRectF
    presence: QRectF
    checks: QRectF
    log_row: float  # height of one log lane


class Timeline(QWidget):
    log_activated = Signal(object)  # DayLog: edit or delete it
    slipped_activated = Signal(object)  # Slipped: book it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._day: Day | None = None
        self._titles: Mapping[int, str] = {}
        self._now_s: float | None = None  # where running logs end now (grows live)
        self._range = (0.0, 1.0)  # visible part of the day as fractions of its length
        self._selected: int | None = None  # index into self._selectables()
        self._lanes: Lanes | None = None
        self._lanes_width = -1
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(self.tr("Timeline"))
        self.setMinimumWidth(320)

    # --- data -----------------------------------------------------------------------------

    def set_day(self, day: Day, titles: Mapping[int, str] | None = None) -> None:
        self._day = day
        self._titles = titles or {}
        self._now_s = None
        self._selected = None
        self._range = self._zoom()
        self._lanes = None
        self.setAccessibleDescription(self.summary())
        self.updateGeometry()
        self.update()

    @property
    def day(self) -> Day | None:
        return self._day

    def _running(self) -> list[DayLog]:
        return [log for log in self._day.logs if log.running] if self._day else []

    def set_now(self, now: datetime) -> None:
        """Grow the running log(s) to `now`; repaints only what changed."""
        day = self._day
        running = self._running()
        if day is None or not running:
            return
        now_s = min(max((now - day.start).total_seconds(), 0.0), day.length_s)
        before = [self._log_rect(log) for log in running]
        self._now_s = now_s
        zoom = self._zoom()
        if zoom != self._range:  # grew past the zoomed hours: everything moves
            self._range = zoom
            self.update()
            return
        for old, log in zip(before, running, strict=True):
            # the old and new bar, plus the pen's width around them
            self.update(old.united(self._log_rect(log)).adjusted(-2, -2, 2, 2).toAlignedRect())

    def log_end_s(self, log: DayLog) -> float:
        """Where a log ends as drawn: a running one grows to the latest `set_now`."""
        if log.running and self._now_s is not None:
            return max(log.end_s, self._now_s)
        return log.end_s

    def grown_seconds(self) -> float:
        """How much the running logs grew since the day was built."""
        return sum(self.log_end_s(log) - log.end_s for log in self._running())

    def _zoom(self) -> tuple[float, float]:
        """The whole local hours around everything in the day (at least MIN_SPAN_S)."""
        day = self._day
        if day is None:
            return (0.0, 1.0)
        starts = [p.start_s for p in (*day.logs, *day.presence, *day.slipped)]
        ends = [self.log_end_s(log) for log in day.logs]
        ends += [p.end_s for p in (*day.presence, *day.slipped)]
        starts += [c.at_s for c in day.checks]
        ends += [c.at_s for c in day.checks]
        hours = [mark.at_s for mark in day.hours] + [day.length_s]
        if not starts:
            first, last = EMPTY_HOURS
            low, high = hours[min(first, len(hours) - 1)], hours[min(last, len(hours) - 1)]
        else:
            low = max((h for h in hours if h <= min(starts)), default=0.0)
            high = min((h for h in hours if h >= max(ends)), default=day.length_s)
        if high - low < MIN_SPAN_S:
            grow = MIN_SPAN_S - (high - low)
            low = max(0.0, low - grow / 2)
            high = min(day.length_s, low + MIN_SPAN_S)
            low = max(0.0, high - MIN_SPAN_S)
        return (day.fraction(low), day.fraction(high))

    def visible_seconds(self) -> tuple[float, float]:
        """The zoomed part of the day, in seconds of the day."""
        if self._day is None:
            return (0.0, 0.0)
        return (self._range[0] * self._day.length_s, self._range[1] * self._day.length_s)

    # --- geometry -------------------------------------------------------------------------

    def _gutter(self) -> float:
        fm = self.fontMetrics()
        names = (self.tr("Work"), self.tr("Presence"), self.tr("Checks"))
        return float(max(fm.horizontalAdvance(n) for n in names) + 12)

    def lanes(self) -> Lanes:
        """The rows, computed once per size, font and day (every position asks for them)."""
        if self._lanes is None or self._lanes_width != self.width():
            self._lanes, self._lanes_width = self._compute_lanes(), self.width()
        return self._lanes

    def _compute_lanes(self) -> Lanes:
        fm = self.fontMetrics()
        row = fm.height() * 1.8
        left = self._gutter()
        width = max(1.0, self.width() - left - 8)
        axis = QRectF(left, 0, width, fm.height() + 6)
        count = self._day.lanes if self._day else 1
        logs = QRectF(left, axis.bottom() + 4, width, row * count)
        presence = QRectF(left, logs.bottom() + 6, width, fm.height() * 0.9)
        checks = QRectF(left, presence.bottom() + 6, width, fm.height() * 1.1)
        return Lanes(axis, logs, presence, checks, row)

    def sizeHint(self) -> QSize:
        lanes = self.lanes()
        return QSize(720, int(lanes.checks.bottom() + 6))

    def minimumSizeHint(self) -> QSize:
        return QSize(320, self.sizeHint().height())

    def x_of(self, seconds: float) -> float:
        """The x of `seconds` of the day: the model's fraction, scaled to the zoomed width."""
        assert self._day is not None
        plot = self.lanes().logs
        low, high = self._range
        return plot.left() + (self._day.fraction(seconds) - low) / (high - low) * plot.width()

    def _span_rect(self, start_s: float, end_s: float, top: float, height: float) -> QRectF:
        x0, x1 = self.x_of(start_s), self.x_of(end_s)
        return QRectF(x0, top, max(x1 - x0, 1.0), height)  # a 1-px sliver stays visible

    def _log_rect(self, log: DayLog) -> QRectF:
        lanes = self.lanes()
        top = lanes.logs.top() + log.lane * lanes.log_row
        return self._span_rect(log.start_s, self.log_end_s(log), top + 1, lanes.log_row - 2)

    def log_rects(self) -> list[tuple[DayLog, QRectF]]:
        """Each log and the rectangle painted for it."""
        return [(log, self._log_rect(log)) for log in self._day.logs] if self._day else []

    def slipped_rects(self) -> list[tuple[Slipped, QRectF]]:
        if self._day is None:
            return []
        lanes = self.lanes()
        top, height = lanes.logs.top() + 1, lanes.log_row - 2
        return [(s, self._span_rect(s.start_s, s.end_s, top, height)) for s in self._day.slipped]

    def presence_rects(self) -> list[tuple[DayPresence, QRectF]]:
        if self._day is None:
            return []
        lane = self.lanes().presence
        return [
            (p, self._span_rect(p.start_s, p.end_s, lane.top(), lane.height()))
            for p in self._day.presence
        ]

    def check_points(self) -> list[tuple[CheckMark, QPointF]]:
        if self._day is None:
            return []
        lane = self.lanes().checks
        return [(c, QPointF(self.x_of(c.at_s), lane.center().y())) for c in self._day.checks]

    # --- texts ----------------------------------------------------------------------------

    def clock_text(self, moment: datetime) -> str:
        assert self._day is not None
        return format_time(wall_clock(self._day, moment))

    def _span_text(self, start: datetime, end: datetime, seconds: float) -> str:
        return self.tr("{start}–{end} ({duration})").format(  # noqa: RUF001  # a range
            start=self.clock_text(start),
            end=self.clock_text(end),
            duration=format_duration(seconds),
        )

    def item_title(self, work_item_id: int | None) -> str:
        """`#1349 Fix login timeout` (`#1349` when the title is not known)."""
        if work_item_id is None:
            return self.tr("(no work item)")
        title = self._titles.get(work_item_id)
        return f"#{work_item_id} {title}" if title else f"#{work_item_id}"

    def log_title(self, log: DayLog) -> str:
        """The work item, or the comment of a log without one."""
        if log.work_item_id is None and log.comment:
            return log.comment
        return self.item_title(log.work_item_id)

    def log_tooltip(self, log: DayLog) -> str:
        assert self._day is not None
        end_s = self.log_end_s(log)
        end = self._day.start + timedelta(seconds=end_s)
        lines = [self.log_title(log), self._span_text(log.start, end, end_s - log.start_s)]
        if log.work_item_id is not None and log.comment:
            lines.append(log.comment)
        if log.activity_type_name or log.activity_type_id:
            lines.append(
                self.tr("Activity: {name}").format(
                    name=log.activity_type_name or log.activity_type_id
                )
            )
        if log.running:
            lines.append(self.tr("Running"))
        if not log.synced:
            lines.append(self.tr("Not sent to the server yet"))
        if log.id is not None:
            lines.append(self.tr("Click to edit or delete"))
        return "\n".join(lines)

    def slipped_tooltip(self, slipped: Slipped) -> str:
        return "\n".join(
            (
                self.tr("Slipped time: at the machine, nothing tracked"),
                self._span_text(slipped.start, slipped.end, slipped.seconds),
                self.tr("Click to book it"),
            )
        )

    def presence_text(self, period: DayPresence) -> str:
        if period.presence is Presence.PRESENT:
            return self.tr("At the machine")
        causes = {
            "idle": self.tr("Away (idle)"),
            "locked": self.tr("Away (locked)"),
            "asleep": self.tr("Away (asleep)"),
            "quit": self.tr("Away (Pacetray not running)"),
        }
        return causes.get(period.cause or "", self.tr("Away"))

    def check_text(self, check: CheckMark) -> str:
        outcomes = {
            CheckOutcome.AUTOMATIC: self.tr("answered automatically"),
            CheckOutcome.USER: self.tr("answered by you"),
            CheckOutcome.SNOOZED: self.tr("snoozed"),
            CheckOutcome.SERVER_STOPPED: self.tr("not answered: the server stopped the track"),
        }
        return self.tr("Activity check at {time}: {outcome}").format(
            time=self.clock_text(check.at), outcome=outcomes[check.outcome]
        )

    def tooltip_at(self, pos: QPointF) -> str:
        """What hovering at `pos` shows ("" for nothing)."""
        for log, rect in reversed(self.log_rects()):
            if rect.contains(pos):
                return self.log_tooltip(log)
        for slipped, rect in self.slipped_rects():
            if rect.contains(pos):
                return self.slipped_tooltip(slipped)
        for period, rect in self.presence_rects():
            if rect.contains(pos):
                return "\n".join(
                    (
                        self.presence_text(period),
                        self._span_text(period.start, period.end, period.seconds),
                    )
                )
        for check, point in self.check_points():
            if abs(point.x() - pos.x()) <= 5 and self.lanes().checks.contains(pos):
                return self.check_text(check)
        return ""

    def summary(self) -> str:
        """A sentence for screen readers (the table holds the details)."""
        day = self._day
        if day is None:
            return ""
        return self.tr("{logs} work logs, {slipped} slipped periods, tracked {total}").format(
            logs=len(day.logs), slipped=len(day.slipped), total=format_duration(day.total)
        )

    # --- selection ------------------------------------------------------------------------

    def _selectables(self) -> list[DayLog | Slipped]:
        if self._day is None:
            return []
        parts: list[DayLog | Slipped] = [*self._day.logs, *self._day.slipped]
        return sorted(parts, key=lambda p: (p.start_s, p.end_s))

    @property
    def selected(self) -> DayLog | Slipped | None:
        parts = self._selectables()
        if self._selected is None or self._selected >= len(parts):
            return None
        return parts[self._selected]

    def select(self, part: DayLog | Slipped | None) -> None:
        parts = self._selectables()
        self._selected = parts.index(part) if part in parts else None
        if part is not None:
            self.setAccessibleDescription(self._describe(part))
        self.update()

    def _describe(self, part: DayLog | Slipped) -> str:
        return self.log_tooltip(part) if isinstance(part, DayLog) else self.slipped_tooltip(part)

    def activate(self, part: DayLog | Slipped) -> None:
        if isinstance(part, Slipped):
            self.slipped_activated.emit(part)
        elif part.id is not None:  # an offline log has no id to edit yet
            self.log_activated.emit(part)

    def part_at(self, pos: QPointF) -> DayLog | Slipped | None:
        for log, rect in reversed(self.log_rects()):
            if rect.contains(pos):
                return log
        for slipped, rect in self.slipped_rects():
            if rect.contains(pos):
                return slipped
        return None

    # --- events ---------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        part = self.part_at(event.position())
        if part is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.select(part)
        self.activate(part)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        parts = self._selectables()
        key = event.key()
        if parts and key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Home, Qt.Key.Key_End):
            last = len(parts) - 1
            current = self._selected
            if key == Qt.Key.Key_Home:
                index = 0
            elif key == Qt.Key.Key_End:
                index = last
            elif current is None:
                index = 0 if key == Qt.Key.Key_Down else last
            else:
                step = 1 if key == Qt.Key.Key_Down else -1
                index = min(max(current + step, 0), last)
            self.select(parts[index])
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            part = self.selected
            if part is not None:
                self.activate(part)
                return
        super().keyPressEvent(event)  # Left/Right and Escape go on to the window

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._lanes = None
            self.updateGeometry()
        super().changeEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    # --- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setClipRect(event.rect())
            self._paint(painter, QRectF(event.rect()))
        finally:
            painter.end()

    def _paint(self, painter: QPainter, dirty: QRectF) -> None:
        palette = self.palette()
        dark = is_dark(palette)
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        lanes = self.lanes()
        painter.fillRect(dirty, palette.color(QPalette.ColorRole.Base))
        painter.setPen(muted)
        for name, lane in (
            (self.tr("Work"), lanes.logs),
            (self.tr("Presence"), lanes.presence),
            (self.tr("Checks"), lanes.checks),
        ):
            label = QRectF(0, lane.top(), lanes.logs.left() - 6, max(lane.height(), 1))
            if label.intersects(dirty):
                painter.drawText(
                    label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name
                )
        if self._day is None:
            return
        self._paint_hours(painter, lanes, muted, dirty)
        self._paint_presence(painter, dark, dirty)
        self._paint_slipped(painter, palette, dirty)
        self._paint_logs(painter, dark, text, dirty)
        self._paint_checks(painter, palette, dark, dirty)
        if self.hasFocus():
            pen = QPen(palette.color(QPalette.ColorRole.Highlight), 1, Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))

    def _paint_hours(self, painter: QPainter, lanes: Lanes, muted: QColor, dirty: QRectF) -> None:
        assert self._day is not None
        low, high = self.visible_seconds()
        fm = self.fontMetrics()
        grid = QColor(muted)
        grid.setAlpha(70)
        bottom = lanes.checks.bottom()
        last_label = -1e9
        for mark in self._day.hours:
            if not low <= mark.at_s <= high:
                continue
            x = self.x_of(mark.at_s)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(x, lanes.axis.bottom()), QPointF(x, bottom))
            label = f"{mark.hour:02d}"
            width = fm.horizontalAdvance(label)
            if x - width / 2 > last_label + 4 and x + width / 2 <= self.width():
                painter.setPen(muted)
                painter.drawText(QPointF(x - width / 2, lanes.axis.bottom() - 4), label)
                last_label = x + width / 2

    def _paint_logs(self, painter: QPainter, dark: bool, text: QColor, dirty: QRectF) -> None:
        fm = self.fontMetrics()
        selected = self.selected
        for log, rect in self.log_rects():
            if not rect.intersects(dirty):
                continue
            fill = activity_color(log.activity_type_id, dark)
            edge = fill.lighter(150) if dark else fill.darker(150)
            pen = QPen(edge, 1, Qt.PenStyle.SolidLine if log.synced else Qt.PenStyle.DashLine)
            if log == selected:
                pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2.5)
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 3, 3)
            if log.running:  # a bright edge where it grows
                painter.fillRect(QRectF(rect.right() - 3, rect.top(), 3, rect.height()), edge)
            inner = rect.adjusted(4, 0, -4, 0)
            if inner.width() > fm.averageCharWidth() * 3:
                painter.setPen(text)
                label = fm.elidedText(
                    self.log_title(log), Qt.TextElideMode.ElideRight, int(inner.width())
                )
                painter.drawText(inner, Qt.AlignmentFlag.AlignVCenter, label)

    def _paint_slipped(self, painter: QPainter, palette: QPalette, dirty: QRectF) -> None:
        highlight = palette.color(QPalette.ColorRole.Highlight)
        hatch = QColor(highlight)
        hatch.setAlpha(110)
        selected = self.selected
        for slipped, rect in self.slipped_rects():
            if not rect.intersects(dirty):
                continue
            width = 2.5 if slipped == selected else 1.2
            painter.setPen(QPen(highlight, width, Qt.PenStyle.DashLine))
            painter.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            painter.drawRoundedRect(rect, 3, 3)

    def _paint_presence(self, painter: QPainter, dark: bool, dirty: QRectF) -> None:
        present = QColor.fromHsl(130, 110, 90 if dark else 165)
        away = QColor.fromHsl(0, 0, 75 if dark else 215)
        painter.setPen(Qt.PenStyle.NoPen)
        for period, rect in self.presence_rects():
            if rect.intersects(dirty):
                painter.setBrush(present if period.presence is Presence.PRESENT else away)
                painter.drawRect(rect)

    def _paint_checks(
        self, painter: QPainter, palette: QPalette, dark: bool, dirty: QRectF
    ) -> None:
        radius = self.lanes().checks.height() / 3
        colors = {
            CheckOutcome.AUTOMATIC: QColor.fromHsl(130, 120, 120 if dark else 90),
            CheckOutcome.USER: palette.color(QPalette.ColorRole.Highlight),
            CheckOutcome.SNOOZED: QColor.fromHsl(40, 200, 130 if dark else 100),
            CheckOutcome.SERVER_STOPPED: QColor.fromHsl(0, 190, 140 if dark else 110),
        }
        for check, point in self.check_points():
            if abs(point.x() - dirty.center().x()) > dirty.width() / 2 + radius:
                continue
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Text), 0.8))
            painter.setBrush(colors[check.outcome])
            painter.drawEllipse(point, radius, radius)
