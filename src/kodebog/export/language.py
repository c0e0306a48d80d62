"""The language a report is written in, whatever language kodebog speaks to its user.

``kodebog export ... --lang en`` writes an English report from a Danish session (and the
other way round): ``export`` runs the exporter inside ``speaking(options.lang)``, and report
text is translated with this module's ``_``/``ngettext`` and its number formats, which follow
the report's language. Outside ``speaking`` reports are Danish (the default of ``--lang``),
whatever the user's language. Messages to the user (errors, the one-line summary) keep using
``kodebog.i18n`` directly. The report's
language lives in a context variable, so a report written in a worker thread never changes
the text the user sees.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from kodebog import i18n
from kodebog.i18n import formats

__all__ = ["_", "date", "decimal", "join", "language", "ngettext", "number", "percent",
           "speaking", "translate"]

_REPORT: ContextVar[str | None] = ContextVar("kodebog_report_language", default=None)


@cache
def _translator(code: str) -> gettext.NullTranslations:
    return i18n.translator(code)


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Write report text in ``code`` (``da`` or ``en``) inside the block."""
    if code not in i18n.LANGUAGES:
        raise ValueError(f"unknown report language {code!r}")
    token = _REPORT.set(code)
    try:
        yield
    finally:
        _REPORT.reset(token)


REPORT_DEFAULT = "da"
"""Reports are Danish unless ``--lang`` asks otherwise."""


def language() -> str:
    """The report's language (Danish outside ``speaking``)."""
    return _REPORT.get() or REPORT_DEFAULT


def _(message: str) -> str:
    """``message`` in the report's language."""
    return _translator(language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message that fits ``count``, in the report's language."""
    return _translator(language()).ngettext(singular, plural, count)


def translate(message: str) -> str:
    """A string marked with ``N_`` where it was defined, in the report's language."""
    return _translator(language()).gettext(message)


def number(value: int) -> str:
    """``4.061`` in a Danish report, ``4,061`` in an English one."""
    return formats.number(value, language())


def decimal(value: float, digits: int = 1) -> str:
    """``0,82`` (da), ``0.82`` (en)."""
    return formats.decimal(value, digits, language())


def percent(value: float, digits: int = 0) -> str:
    """``19 %`` (da), ``19%`` (en); ``value`` is already in percent."""
    space = " " if language() == "da" else ""
    return f"{decimal(value, digits)}{space}%"


def date(value: dt.date) -> str:
    """``6. december 2026`` (da), ``6 December 2026`` (en)."""
    return formats.date(value, language())


def join(items: list[str] | tuple[str, ...]) -> str:
    """``a, b og c`` (da), ``a, b and c`` (en)."""
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])
