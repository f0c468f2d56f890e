"""The "Edit remark / activity" dialog for the running track: small, non-modal (never exec()).

The caller shows it and awaits `finished`; `values()` then holds what to send to `adjust`.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.api.models import ActivityType, Track
from app.ui.tray import item_text


class AdjustDialog(QDialog):
    def __init__(
        self, track: Track, activity_types: list[ActivityType], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit the running track"))
        self.setModal(False)
        self._original = (track.remark or "", track.activity_type_id)
        self.remark = QLineEdit(track.remark or "")
        self.remark.setPlaceholderText(self.tr("What are you doing?"))
        self.remark.setAccessibleName(self.tr("Remark"))
        self.activity = QComboBox()
        self.activity.setAccessibleName(self.tr("Activity"))
        self.activity.addItem(self.tr("(unchanged)"), None)
        for kind in activity_types:
            self.activity.addItem(kind.name, kind.id)
            if track.activity_type_id and kind.id.lower() == track.activity_type_id.lower():
                self.activity.setCurrentIndex(self.activity.count() - 1)
        self.activity.setEnabled(bool(activity_types))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        # item_text: "(no work item)" in the UI language
        self.item_label = QLabel(item_text(track.work_item, track.remark))
        self.item_label.setWordWrap(True)
        form.addRow(self.item_label)
        form.addRow(self.tr("Remark"), self.remark)
        form.addRow(self.tr("Activity"), self.activity)
        form.addRow(buttons)

    def values(self) -> tuple[str | None, str | None]:
        """(remark, activity type id) to send; None where nothing changed."""
        remark = self.remark.text().strip()
        activity = self.activity.currentData()
        new_remark = remark if remark != self._original[0] else None
        new_activity = activity if activity and activity != self._original[1] else None
        return new_remark, new_activity
