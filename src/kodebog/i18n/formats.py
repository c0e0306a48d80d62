"""Numbers, percentages, dates and sorting the way the language in use writes them.

Danish: ``4.061``, ``3,5 %``, ``6. december 2026``, ``kl. 14.05``, æ ø å after z.
English: ``4,061``, ``3.5%``, ``6 December 2026``, ``14:05``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from kodebog.i18n import language

__all__ = ["date", "datetime", "decimal", "number", "percent", "sort_key"]

_MONTHS = {
    "da": ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
_SEPARATORS = {"da": (".", ","), "en": (",", ".")}  # thousands, decimal


def _swap(text: str, lang: str | None) -> str:
    """``1,234.5`` (Python's format) with the separators of ``lang`` (default: in use)."""
    thousands, point = _SEPARATORS[lang or language()]
    return text.replace(",", "\0").replace(".", point).replace("\0", thousands)


def number(value: int, lang: str | None = None) -> str:
    """A whole number with thousands grouped: ``4.061`` (da), ``4,061`` (en)."""
    return _swap(f"{value:,}", lang)


def decimal(value: float, digits: int = 1, lang: str | None = None) -> str:
    """A decimal number: ``0,82`` (da), ``0.82`` (en); thousands grouped."""
    return _swap(f"{value:,.{digits}f}", lang)


def percent(value: float, digits: int = 1) -> str:
    """``value`` (already in percent) as ``3,5 %`` (da) or ``3.5%`` (en)."""
    space = "\u00a0" if language() == "da" else ""
    return f"{decimal(value, digits)}{space}%"


def date(value: dt.date, lang: str | None = None) -> str:
    """``6. december 2026`` (da), ``6 December 2026`` (en); ``lang`` defaults to the one in use."""
    code = lang or language()
    month = _MONTHS[code][value.month - 1]
    if code == "da":
        return f"{value.day}. {month} {value.year}"
    return f"{value.day} {month} {value.year}"


def datetime(value: dt.datetime) -> str:
    """``6. december 2026 kl. 14.05`` (da), ``6 December 2026, 14:05`` (en)."""
    if language() == "da":
        return f"{date(value)} kl. {value:%H.%M}"
    return f"{date(value)}, {value:%H:%M}"


# Danish alphabetical order: ... x y z æ ø å; ä, ö, ü and aa sort as æ, ø, y and å do in
# Danish dictionaries; other accents are ignored (é as e).
_DANISH_LETTERS = {"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}", "ü": "y"}


def sort_key(text: str) -> tuple[str, str]:
    """A key that sorts ``text`` alphabetically for the language in use.

    Both languages ignore case and accents; Danish puts æ, ø and å after z.
    """
    folded = unicodedata.normalize("NFC", text.casefold())
    if language() == "da":  # after z: "{", "|" and "}" follow "z" in code point order
        folded = "".join(_DANISH_LETTERS.get(char, char) for char in folded)
    base = "".join(char for char in unicodedata.normalize("NFD", folded)
                   if not unicodedata.combining(char))
    return base, text
