"""What users read, in their language: gettext catalogues, Danish by default.

The source strings in the code are English; ``locale/da/LC_MESSAGES/<area>.mo`` holds the
Danish catalogue of each area (compiled from the ``.po`` beside it with
``python scripts/i18n.py compile``). Every area's catalogue is loaded and chained, so any
module can use ``_`` and ``ngettext`` without knowing which area holds its strings.

The language is chosen once per process, before anything shows text: ``kodebog --lang``,
else ``KODEBOG_LANG``, else ``language:`` in the settings file, else Danish. Text built at
import time (key binding descriptions, help texts, label tables) is only marked there with
``N_`` and translated where it is shown, with ``translate``: ``_`` never runs at import time,
so switching the language in a running TUI changes every text.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

__all__ = ["DEFAULT_LANGUAGE", "ENV_LANGUAGE", "LANGUAGES", "N_", "_", "catalogue_files",
           "language", "language_from", "ngettext", "set_language", "translate", "translator"]

LANGUAGES: dict[str, str] = {"da": "Dansk", "en": "English"}
"""The languages kodebog speaks, each named in itself."""

DEFAULT_LANGUAGE = "da"
ENV_LANGUAGE = "KODEBOG_LANG"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"

_current: list[tuple[str, gettext.NullTranslations]] = []


def catalogue_files(code: str = "da") -> list[Path]:
    """The compiled catalogues of ``code``, one per area, in a fixed order."""
    return sorted((LOCALE_DIR / code / "LC_MESSAGES").glob("*.mo"))


def translator(code: str) -> gettext.NullTranslations:
    """All catalogues of ``code`` chained; English (the source text) needs none."""
    chain: gettext.NullTranslations = gettext.NullTranslations()
    if code == "en":
        return chain
    for path in reversed(catalogue_files(code)):
        with path.open("rb") as handle:
            area = gettext.GNUTranslations(handle)
        area.add_fallback(chain)
        chain = area
    return chain


def language_from(option: str | None = None, settings_language: str | None = None) -> str:
    """The language to use: the option, else ``KODEBOG_LANG``, else the settings, else Danish.

    An unknown value names itself and the choices (in both languages: the language is not
    known yet) as a ``KodebogError``.
    """
    for origin, value in (("--lang", option), (ENV_LANGUAGE, os.environ.get(ENV_LANGUAGE)),
                          ("language", settings_language)):
        if value:
            code = value.strip().lower().replace("-", "_").split("_")[0]
            if code not in LANGUAGES:
                from kodebog.errors import KodebogError

                choices = ", ".join(LANGUAGES)
                raise KodebogError(f"{origin} {value}: ukendt sprog / unknown language; "
                                   f"brug / use {choices}")
            return code
    return DEFAULT_LANGUAGE


def set_language(code: str) -> None:
    """Speak ``code`` from now on (``da`` or ``en``)."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}")
    _current[:] = [(code, translator(code))]


def language() -> str:
    """The language in use."""
    return _current[0][0]


def _(message: str) -> str:
    """``message`` in the language in use."""
    return _current[0][1].gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message that fits ``count``, in the language in use."""
    return _current[0][1].ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now.

    For text defined at import time (module constants, ``BINDINGS``, ``HELP``): the
    language may change later, so the code that shows it calls ``translate(text)``.
    """
    return message


def translate(message: str) -> str:
    """A string marked with ``N_`` where it was defined, in the language in use now."""
    return _current[0][1].gettext(message)


def _initial_language() -> str:
    try:
        return language_from()
    except Exception:  # an unknown KODEBOG_LANG is reported by the CLI; start in Danish
        return DEFAULT_LANGUAGE


set_language(_initial_language())
