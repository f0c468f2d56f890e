"""The popup's result list: search hits grouped by `groupName`, or the recent work items, as one
flat model of group headers (not selectable) and work item rows (carrying their `WorkItem`).

Flat rather than a tree so Up/Down walk straight through every group. Our own group names
are translated; the server's (`groupName`) are shown as the server sends them.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap, QStandardItem, QStandardItemModel

from app.api.models import LatestResult, SearchResult, WorkItem
from app.settings.errors import QT_TRANSLATE_NOOP  # Qt's own is typed `object`
from app.tracking.display import NO_TITLE, work_item_row
from app.ui.i18n import translate

WORK_ITEM_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's WorkItem; None on a header
RECENT_GROUP = QT_TRANSLATE_NOOP("ResultsModel", "Recent")
OTHER_GROUP = QT_TRANSLATE_NOOP("ResultsModel", "Other work items")


def _ours(name: str) -> str:
    """One of our group names in the UI language (the server's are shown as sent)."""
    return QCoreApplication.translate("ResultsModel", name)


_Index = QModelIndex | QPersistentModelIndex


def _swatch(color: str | None) -> QIcon:
    """A small square in the work item type's colour (7pace's type colours)."""
    pixmap = QPixmap(10, 10)
    pixmap.fill(QColor(f"#{color}") if color else QColor("#a0a0a0"))
    return QIcon(pixmap)


class ResultsModel(QStandardItemModel):
    """Headers and work items in display order; `query` names what the rows answer."""

    def __init__(self) -> None:
        super().__init__()
        self.query: str | None = None  # the search text shown; "" for the recent list

    def show_search(self, text: str, result: SearchResult) -> None:
        groups: dict[str, list[WorkItem]] = {}
        for hit in result.work_items:
            groups.setdefault(hit.group_name or _ours(OTHER_GROUP), []).append(hit.work_item)
        self._fill(text, groups)

    def show_recent(self, latest: LatestResult) -> None:
        items: dict[int, WorkItem] = {}
        for log in latest.work_logs:
            if log.work_item is not None:
                items.setdefault(log.work_item.id, log.work_item)  # newest first, once each
        self._fill("", {_ours(RECENT_GROUP): list(items.values())} if items else {})

    def _fill(self, text: str, groups: dict[str, list[WorkItem]]) -> None:
        self.clear()
        self.query = text
        bold = QFont()
        bold.setBold(True)
        for name, items in groups.items():
            header = QStandardItem(name)
            header.setFlags(Qt.ItemFlag.NoItemFlags)  # not selectable: arrows skip it
            header.setFont(bold)
            spoken = QCoreApplication.translate("ResultsModel", "Group {name}").format(name=name)
            header.setData(spoken, Qt.ItemDataRole.AccessibleTextRole)
            self.appendRow(header)
            no_title = translate(NO_TITLE)
            for item in items:
                text = work_item_row(item, no_title)
                row = QStandardItem(_swatch(item.color), text)
                row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                row.setData(item, WORK_ITEM_ROLE)
                row.setToolTip(item.work_item_link or text)
                self.appendRow(row)

    def work_item_at(self, index: _Index) -> WorkItem | None:
        value = index.data(WORK_ITEM_ROLE) if index.isValid() else None
        return value if isinstance(value, WorkItem) else None

    def work_item_rows(self) -> list[int]:
        return [r for r in range(self.rowCount()) if self.work_item_at(self.index(r, 0))]

    def grouped(self) -> list[tuple[str, list[int]]]:
        """[(group name, [work item ids…]), …] in display order (for tests and tooltips)."""
        out: list[tuple[str, list[int]]] = []
        for r in range(self.rowCount()):
            index = self.index(r, 0)
            item = self.work_item_at(index)
            if item is None:
                out.append((str(index.data()), []))
            elif out:
                out[-1][1].append(item.id)
        return out
