"""The German catalogue is complete and compiled: lupdate over today's sources finds no text
missing from resources/translations/pacetray_de.ts, none is unfinished, and the committed .qm
is exactly what lrelease makes of the .ts. Plus the language choice and locale formats."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from app.settings.errors import SettingsFileError
from app.settings.model import LANGUAGES as SETTING_LANGUAGES
from app.ui import i18n
from app.ui.i18n import choose_language, message_text, translations_dir
from app.ui.locale_format import (
    format_clock,
    format_countdown,
    format_date,
    format_duration,
    format_time,
)
from tests.ui.ui_checks import CATALOGUE, catalogue_messages, speaking

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# the same flags as `make translations`
LUPDATE = [str(BIN / "pyside6-lupdate"), "-extensions", "py", "-locations", "none",
           "-no-obsolete", "-target-language", "de"]  # fmt: skip


def test_every_source_text_is_in_the_catalogue_and_translated(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh_de.ts"
    subprocess.run([*LUPDATE, "app", "-ts", str(fresh)], cwd=ROOT, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    wanted = set(catalogue_messages(fresh))
    assert wanted, "lupdate found no texts"
    committed = catalogue_messages(CATALOGUE)
    missing = sorted(wanted - set(committed))
    assert not missing, f"not in {CATALOGUE.name} (run `make translations`): {missing}"
    untranslated = sorted(key for key in wanted if not committed[key].strip())
    assert not untranslated, f"no German yet: {untranslated}"
    stale = sorted(set(committed) - wanted)
    assert not stale, f"in the catalogue but no longer in the code: {stale}"


def test_the_committed_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    compiled = tmp_path / "pacetray_de.qm"
    out = subprocess.run([str(BIN / "pyside6-lrelease"), str(CATALOGUE), "-qm", str(compiled)],
                         check=True, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "0 unfinished" in out.stdout
    committed = translations_dir() / "pacetray_de.qm"
    assert committed.read_bytes() == compiled.read_bytes(), "run `make translations`"


def test_placeholders_survive_translation() -> None:
    for (context, source), german in catalogue_messages().items():
        names = sorted(part.split("}")[0] for part in source.split("{")[1:])
        assert sorted(p.split("}")[0] for p in german.split("{")[1:]) == names, (context, source)


def test_the_shipped_languages_are_the_settings() -> None:
    assert set(i18n.LANGUAGES) == set(SETTING_LANGUAGES)
    for code in i18n.LANGUAGES:
        assert code == i18n.SOURCE_LANGUAGE or i18n.catalogue_path(code).is_file()


@pytest.mark.parametrize(
    ("setting", "system", "chosen"),
    [
        ("", "de_AT", "de"),
        ("", "en_GB", "en"),
        ("", "fr_FR", "en"),  # not shipped: English
        ("en", "de_DE", "en"),  # the setting wins
        ("de", "en_US", "de"),
    ],
)
def test_the_language_follows_the_system_unless_set(setting: str, system: str, chosen: str) -> None:
    assert choose_language(setting, QLocale(system)) == chosen


def test_installing_german_translates_and_english_undoes_it() -> None:
    app = QCoreApplication.instance()
    assert app is not None
    with speaking("de"):
        assert QCoreApplication.translate("SettingsDialog", "Connection") == "Verbindung"
        assert QLocale().language() == QLocale.Language.German
        # Qt's own catalogue: standard buttons
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Abbrechen"
    assert QCoreApplication.translate("SettingsDialog", "Connection") == "Connection"


def test_a_settings_error_reaches_the_user_in_german(tmp_path: Path) -> None:
    error = SettingsFileError.marked(
        "cannot read the settings file {path}: {reason}", path=tmp_path, reason="Permission denied"
    )
    assert message_text(error) == error.message
    with speaking("de"):
        text = message_text(error)
    assert text == f"die Einstellungsdatei {tmp_path} kann nicht gelesen werden: Permission denied"
    plain = SettingsFileError("no template")
    assert message_text(plain) == "no template"


@pytest.mark.parametrize(
    ("language", "seconds", "text"),
    [
        ("en", 3900, "1 h 05 min"),
        ("de", 3900, "1 Std. 05 Min."),
        ("en", 35 * 60, "35 min"),
        ("de", 35 * 60, "35 Min."),
        ("en", 45, "45 s"),
        ("de", 45, "45 Sek."),
    ],
)
def test_durations_in_words_of_the_language(language: str, seconds: int, text: str) -> None:
    with speaking(language):
        assert format_duration(seconds, QLocale(language)) == text


def test_times_and_dates_use_the_locale() -> None:
    moment = datetime(2025, 3, 14, 22, 32, 5).astimezone()
    de, us = QLocale("de_DE"), QLocale("en_US")
    assert format_time(moment, locale=de) == "22:32"
    assert format_time(moment, seconds=True, locale=de) == "22:32:05"
    assert "10:32" in format_time(moment, locale=us) and "PM" in format_time(moment, locale=us)
    assert format_date(date(2025, 3, 14), de) == "14.03.25"
    assert format_date(date(2025, 3, 14), us) == "3/14/25"
    next_day = datetime(2025, 3, 15, 1, 0).astimezone()
    assert format_clock(moment, next_day, locale=de) == "Fr. 22:32"
    assert format_clock(moment, moment, locale=de) == "22:32"
    assert format_countdown(75) == "1:15" and format_countdown(-3) == "0:00"
