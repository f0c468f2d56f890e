"""The Today window's week strip: Monday to Sunday totals as bars, drawn with QPainter; a
click on a day asks the window to show it (`day_clicked`). The shown day is highlighted.
`bar_rects()` hands out the painted bars (tests click them)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QLocale, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.tracking.day import Week
from app.ui.locale_format import format_date, format_duration

FULL_SCALE_S = 8 * 3600  # a bar this tall means eight hours; longer days scale the strip


class WeekStrip(QWidget):
    day_clicked = Signal(object)  # date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._week: Week | None = None
        self._shown: date | None = None
        self.setAccessibleName(self.tr("Week"))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_week(self, week: Week, shown: date) -> None:
        self._week, self._shown = week, shown
        self.setAccessibleDescription(
            "; ".join(f"{self._day_name(d.date)} {format_duration(d.total)}" for d in week.days)
        )
        self.update()

    @staticmethod
    def _day_name(day: date) -> str:
        return QLocale().dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        column = max(fm.horizontalAdvance("00:00") + 8, fm.horizontalAdvance("Wed.") + 8)
        return QSize(column * 7, fm.height() * 6)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _columns(self) -> list[QRectF]:
        width = self.width() / 7
        return [QRectF(i * width, 0, width, self.height()) for i in range(7)]

    def bar_rects(self) -> list[tuple[date, QRectF]]:
        if self._week is None:
            return []
        fm = self.fontMetrics()
        scale = max(FULL_SCALE_S, max(d.total for d in self._week.days))
        bars = []
        for column, day in zip(self._columns(), self._week.days, strict=True):
            room = column.height() - 2 * fm.height() - 6  # total above, day name below
            height = max(room * day.total / scale, 1.0 if day.total else 0.0)
            bottom = column.bottom() - fm.height() - 2
            width = column.width() * 0.55
            left = column.center().x() - width / 2
            bars.append((day.date, QRectF(left, bottom - height, width, height)))
        return bars

    def day_at(self, x: float) -> date | None:
        if self._week is None or not 0 <= x < self.width():
            return None
        return self._week.days[min(int(x / (self.width() / 7)), 6)].date

    def mousePressEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position().x())
        if day is not None and event.button() == Qt.MouseButton.LeftButton:
            self.day_clicked.emit(day)
            return
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            day = self.day_at(event.pos().x())
            if day is not None and self._week is not None:
                total = next(d.total for d in self._week.days if d.date == day)
                text = self.tr("{date}: {total}").format(
                    date=format_date(day), total=format_duration(total)
                )
                QToolTip.showText(event.globalPos(), text, self)
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        if self._week is None:
            return
        palette = self.palette()
        fm = self.fontMetrics()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        bar = palette.color(QPalette.ColorRole.Mid)
        today = date.today()
        for column, (day, rect), week_day in zip(
            self._columns(), self.bar_rects(), self._week.days, strict=True
        ):
            shown = day == self._shown
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(highlight if shown else bar)
            painter.drawRoundedRect(rect, 2, 2)
            painter.setPen(text if shown or day == today else muted)
            name_box = QRectF(column.left(), column.bottom() - fm.height(), column.width(),
                              fm.height())  # fmt: skip
            font = painter.font()
            font.setBold(shown)
            painter.setFont(font)
            painter.drawText(name_box, Qt.AlignmentFlag.AlignCenter, self._day_name(day))
            if week_day.total:
                painter.setPen(muted)
                total_box = QRectF(column.left(), rect.top() - fm.height() - 2, column.width(),
                                   fm.height())  # fmt: skip
                hours = QLocale().toString(week_day.total / 3600, "f", 1)
                painter.drawText(total_box, Qt.AlignmentFlag.AlignCenter, hours)
