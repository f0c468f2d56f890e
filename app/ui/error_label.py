"""The inline error line of the popup and the work log dialogs: red, word-wrapped, hidden
while it has nothing to say."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

ERROR_STYLE = "color: #c0392b;"


class ErrorLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error")
        self.setAccessibleName(self.tr("Error"))
        self.setWordWrap(True)
        self.setStyleSheet(ERROR_STYLE)
        self.hide()

    def show_error(self, message: str) -> None:
        self.setText(message)
        self.show()

    def clear_error(self) -> None:
        self.clear()
        self.hide()
