"""The Today window's accessible alternative: the same day as rows of a table (a
QAbstractTableModel under a QTableView, so screen readers read headers and cells): every work
log, slipped period, presence period and activity check, in time order. The texts come from
the timeline, so both views say the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.tracking.day import CheckMark, DayLog, DayPresence, Slipped
from app.ui.locale_format import format_duration
from app.ui.timeline import Timeline

Part = DayLog | Slipped | DayPresence | CheckMark
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Row:
    part: Part
    kind: str
    start: str
    end: str
    duration: str
    details: str


class DayTable(QAbstractTableModel):
    def __init__(self, timeline: Timeline) -> None:
        super().__init__()
        self._timeline = timeline
        self._rows: list[Row] = []

    def headers(self) -> list[str]:
        return [
            QCoreApplication.translate("DayTable", "Kind"),
            QCoreApplication.translate("DayTable", "From"),
            QCoreApplication.translate("DayTable", "To"),
            QCoreApplication.translate("DayTable", "Duration"),
            QCoreApplication.translate("DayTable", "Details"),
        ]

    def reload(self) -> None:
        """Rebuild the rows from the timeline's day (call after `Timeline.set_day`)."""
        self.beginResetModel()
        self._rows = self._build()
        self.endResetModel()

    def _build(self) -> list[Row]:
        timeline = self._timeline
        day = timeline.day
        if day is None:
            return []

        def clock(moment: datetime) -> str:
            return timeline.clock_text(moment)

        rows: list[tuple[float, Row]] = []

        def add(
            at_s: float, part: Part, kind: str, start: datetime, end: datetime | None, details: str
        ) -> None:
            seconds = (end - start).total_seconds() if end is not None else None
            rows.append(
                (
                    at_s,
                    Row(
                        part,
                        kind,
                        clock(start),
                        clock(end) if end else "",
                        format_duration(seconds) if seconds is not None else "",
                        details,
                    ),
                )
            )

        for log in day.logs:
            details = [timeline.log_title(log)]
            if log.activity_type_name or log.activity_type_id:
                details.append(str(log.activity_type_name or log.activity_type_id))
            if log.running:
                details.append(QCoreApplication.translate("DayTable", "running"))
            if not log.synced:
                details.append(QCoreApplication.translate("DayTable", "not sent yet"))
            add(
                log.start_s,
                log,
                QCoreApplication.translate("DayTable", "Work log"),
                log.start,
                log.end,
                ", ".join(details),
            )
        for slipped in day.slipped:
            add(
                slipped.start_s,
                slipped,
                QCoreApplication.translate("DayTable", "Slipped time"),
                slipped.start,
                slipped.end,
                QCoreApplication.translate(
                    "DayTable", "at the machine, nothing tracked: press Enter to book it"
                ),
            )
        for period in day.presence:
            add(
                period.start_s,
                period,
                QCoreApplication.translate("DayTable", "Presence"),
                period.start,
                period.end,
                timeline.presence_text(period),
            )
        for check in day.checks:
            add(
                check.at_s,
                check,
                QCoreApplication.translate("DayTable", "Activity check"),
                check.at,
                None,
                timeline.check_text(check),
            )
        rows.sort(key=lambda pair: pair[0])
        return [row for _, row in rows]

    def part(self, row: int) -> Part | None:
        return self._rows[row].part if 0 <= row < len(self._rows) else None

    def rows(self) -> list[Row]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        row = self._rows[index.row()]
        return (row.kind, row.start, row.end, row.duration, row.details)[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return str(section + 1)
