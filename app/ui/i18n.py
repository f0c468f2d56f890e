"""Translations: which language the UI speaks, its Qt translators, and user messages built
below the UI.

- The language is the `language` setting ("" follows the system locale) and applies from the
  next start: `install_translations` runs once, before any window is built.
- Our catalogue is resources/translations/pacetray_<lang>.qm (compiled from the .ts next to
  it by `make translations`); Qt's own qtbase_<lang>.qm translates standard buttons
  ("Save", "Cancel") and context menus.
- Layers below the UI are Qt-free: they mark fixed texts with their own `QT_TRANSLATE_NOOP`
  in the "messages" context (lupdate reads those calls) and carry a template plus arguments
  (`SettingsError.template` / `.params`); `message_text` translates the template here and fills
  in the arguments. English is the source language, so "en" installs no catalogue of ours.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol, cast

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app import resources

log = logging.getLogger(__name__)

MESSAGES = "messages"  # the translation context of texts marked below the UI
SOURCE_LANGUAGE = "en"
# Each language by its own name: someone who cannot read the current one still finds theirs.
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch"}
CATALOGUE = "pacetray"

_installed: list[QTranslator] = []  # QCoreApplication does not own them: keep them alive


def translations_dir() -> Path:
    """The shipped translations (resources/translations in the source tree, the wheel and
    the bundle alike: app/resources.py finds it)."""
    return resources.root() / "translations"


def catalogue_path(language: str) -> Path:
    return translations_dir() / f"{CATALOGUE}_{language}.qm"


def choose_language(setting: str, system: QLocale | None = None) -> str:
    """The UI language: the setting when it names one we ship, else the first of the
    system's preferred UI languages we ship, else English."""
    if setting in LANGUAGES:
        return setting
    system = system if system is not None else QLocale.system()
    for name in [*system.uiLanguages(), system.name()]:
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return SOURCE_LANGUAGE


def locale_for(language: str, system: QLocale | None = None) -> QLocale:
    """Formats follow the system locale when it speaks `language` (de_AT keeps Austrian
    dates), else the language's main locale."""
    system = system if system is not None else QLocale.system()
    if system.name().split("_")[0].lower() == language:
        return system
    return QLocale(language)


def install_translations(
    app: QCoreApplication, setting: str = "", system: QLocale | None = None
) -> str:
    """Install the translators for the chosen language (and make its locale the default for
    formatting); returns the language. Call before any window is built. A missing catalogue
    is logged and leaves English: never a reason not to start."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    language = choose_language(setting, system)
    QLocale.setDefault(locale_for(language, system))
    if language == SOURCE_LANGUAGE:
        return language
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ours = str(translations_dir())
    for name, folder in ((f"qtbase_{language}", qt_dir), (f"{CATALOGUE}_{language}", ours)):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("no %s in %s: showing English there", name, folder)
    return language


def translate(text: str, context: str = MESSAGES) -> str:
    """`text` in the UI language (as marked by QT_TRANSLATE_NOOP(context, text))."""
    return QCoreApplication.translate(context, text)


class Translatable(Protocol):
    """A user message from below the UI: English `message`, its marked `template` (None when
    it has none) and the `params` that fill the template's {names}."""

    @property
    def message(self) -> str: ...

    @property
    def template(self) -> str | None: ...

    @property
    def params(self) -> Mapping[str, object]: ...


def _is_marked(value: object) -> bool:
    return isinstance(getattr(value, "template", None), str) and hasattr(value, "params")


def message_text(item: Translatable) -> str:
    """The message in the UI language; the English text when it carries no template."""
    if not item.template:
        return item.message
    # a parameter that is itself a marked clause is translated on its own
    params = {
        name: message_text(cast(Translatable, value)) if _is_marked(value) else value
        for name, value in item.params.items()
    }
    try:
        return translate(item.template).format(**params)
    except (KeyError, IndexError, ValueError):  # a broken translation: English beats nothing
        log.warning("translation of %r does not fit its arguments", item.template)
        return item.message
