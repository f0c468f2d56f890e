"""The activity type choice of the dialogs that write work logs: the server's activity types
(read once through the bridge), preselecting the log's own or the default one."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from app.api.models import ActivityType


class ActivityCombo(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activity")
        self.setAccessibleName(self.tr("Activity type"))
        self.setMinimumWidth(160)

    def set_types(self, types: list[ActivityType], selected: str | None) -> None:
        """Fills in `types`; `selected` (an id, any case) is preselected when present, else
        the type marked default."""
        self.clear()
        for kind in types:
            self.addItem(kind.name, kind.id)
        wanted = (selected or "").lower()
        index = next((i for i, t in enumerate(types) if t.id.lower() == wanted), -1)
        if index < 0:
            index = next((i for i, t in enumerate(types) if t.is_default), -1)
        if index >= 0:
            self.setCurrentIndex(index)

    def activity_type_id(self) -> str | None:
        value = self.currentData()
        return value if isinstance(value, str) else None
