"""User messages built below the UI, translatable without Qt (layer 0: every package may use it).

A fixed text is marked with `QT_TRANSLATE_NOOP("messages", ...)`, which lupdate reads; an error
or event then carries the marked `template` and the `params` that fill its {names} beside the
English `.message` (the CLI and the log show `.message` as is; the UI translates the template
and fills it in: app/ui/i18n.py `message_text`). `marked(template, **params)` makes the three
at once.
A parameter may itself be a `Marked` clause (translated on its own, then filled in).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

MESSAGES = "messages"  # the translation context of everything marked below the UI


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate reads
    """Marks `text` for translation in `context`; returns it unchanged (Qt-free). lupdate
    reads only literal arguments: always write the context "messages" out."""
    return text


@dataclass(frozen=True)
class Marked:
    """A message with its marked template: `message` is the English text."""

    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    def __str__(self) -> str:  # a Marked parameter (a whole clause) fills in as its English
        return self.message


def marked(template: str, **params: object) -> Marked:
    """`template` (marked with QT_TRANSLATE_NOOP) and the arguments that fill it in."""
    return Marked(template, params)
