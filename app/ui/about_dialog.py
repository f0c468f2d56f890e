"""About Pacetray: name, version, licence and links (the project, 7pace Timetracker).

Non-modal like every dialog here (shown with `show()`); Esc or Close closes it. The links are
keyboard-reachable (Tab focuses them, Enter opens them in the browser).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

import app

LICENCE = "MIT"
SEVENPACE_URL = "https://www.7pace.com/"


def app_version() -> str:
    """The version's one source (pyproject reads it from there too)."""
    return app.__version__


def project_url() -> str:
    """The project's home page (app/__init__.py; pyproject and the metainfo agree, tested)."""
    return app.__homepage__


def _link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Pacetray"))
        self.setModal(False)
        self.name = QLabel("Pacetray")
        font = QFont(self.name.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name.setFont(font)
        self.version = QLabel(self.tr("Version {version}").format(version=app_version()))
        self.version.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel(
            self.tr("A desktop tray client for 7pace Timetracker, with a local Timetracker server.")
        )
        self.summary.setWordWrap(True)
        self.licence = QLabel(
            self.tr("Released under the {licence} licence.").format(licence=LICENCE)
        )
        self.licence.setWordWrap(True)
        links = []
        url = project_url()
        if url:
            links.append(_link(url, self.tr("Project home page")))
        links.append(_link(SEVENPACE_URL, self.tr("7pace Timetracker")))
        self.links = QLabel("<br>".join(links))
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setOpenExternalLinks(True)
        self.links.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.links.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches the links
        self.links.setAccessibleName(self.tr("Links"))
        self.links.setAccessibleDescription(
            self.tr("Tab moves between the links, Enter opens one in the browser")
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.name, self.version, self.summary, self.licence, self.links):
            layout.addWidget(widget)
        layout.addWidget(self.buttons)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        assert close is not None
        close.setDefault(True)
        close.setFocus()
