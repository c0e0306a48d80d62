"""What an id, hotkey, language or colour may be, and what to write instead when it is not."""

from __future__ import annotations

import difflib
import re
import unicodedata

from kodebog.codebook.model import CODE_FIELDS, RESERVED_KEYS, TOP_FIELDS
from kodebog.i18n import _

SLUG = re.compile(r"[a-z][a-z0-9_]*")
LANGUAGE = re.compile(r"[a-z]{2}")
COLOR = re.compile(r"#(?:[0-9a-f]{3}){1,2}")
KEY = re.compile(r"[a-z0-9æøå]")
"""A hotkey: a lowercase letter of a Danish keyboard (a-z, æ, ø, å) or a digit."""

# Field names analysts are likely to write instead of the real ones.
_FIELD_ALIASES = {
    "colour": "color",
    "name": "label",
    "hotkey": "key",
    "shortcut": "key",
    "sprog": "language",
    "titel": "title",
    "beskrivelse": "description",
    "koder": "codes",
    "etiket": "label",
    "navn": "label",
    "eksempler": "examples",
    "nøgleord": "keywords",
    "farve": "color",
    "tast": "key",
    "erstatter": "replaces",
    "underkoder": "children",
}

_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def short(value: str, limit: int = 40) -> str:
    """A value as shown in a message: on one line and at most ``limit`` characters."""
    text = " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unknown_field(name: str, known: tuple[str, ...]) -> str:
    """'unknown field' with where it belongs or a close known field."""
    field = short(name)
    if known == TOP_FIELDS and name in CODE_FIELDS:
        return _("unknown field '{field}' at the top level; it belongs inside a code under "
                 "'codes'").format(field=field)
    if known == CODE_FIELDS and name in TOP_FIELDS:
        return _("unknown field '{field}' in a code; it belongs at the top level").format(
            field=field)
    close = [_FIELD_ALIASES[name.lower()]] if name.lower() in _FIELD_ALIASES else []
    close = close or difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    if close and close[0] in known:
        return _("unknown field '{field}' (did you mean '{close}'?)").format(
            field=field, close=close[0])
    return _("unknown field '{field}'; known fields are: {known}").format(
        field=field, known=", ".join(known))


def bad_slug(what: str, value: str) -> str:
    """Why an id is not a slug, with a suggestion when one can be made.

    ``what`` is ``id`` or ``replaced id`` (the field that holds the value).
    """
    if what == "replaced id":
        message = _("replaced id '{value}' is not a valid id; use lowercase letters a-z, "
                    "digits and _, starting with a letter")
    else:
        message = _("id '{value}' is not a valid id; use lowercase letters a-z, digits and _, "
                    "starting with a letter")
    suggestion = _slugify(value)
    return message.format(value=short(value)) + (
        _(" (e.g. '{suggestion}')").format(suggestion=suggestion) if suggestion else "")


def _slugify(value: str) -> str:
    """A slug close to the value: Danish letters spelled out, other characters to _."""
    text = unicodedata.normalize("NFKD", value.lower().translate(_DANISH_LETTERS))
    text = re.sub(r"[^a-z0-9]+", "_", text.encode("ascii", "ignore").decode()).strip("_")
    text = text.lstrip("0123456789_")
    return text if SLUG.fullmatch(text) else ""


def bad_key(value: str) -> str | None:
    """Why a hotkey is not allowed, or None."""
    if len(value) != 1:
        return _("hotkey '{key}' must be exactly one character").format(key=short(value))
    if value in RESERVED_KEYS:
        reserved = ", ".join(sorted(RESERVED_KEYS))
        return _("hotkey '{key}' is reserved by kodebog ({reserved}); choose another").format(
            key=value, reserved=reserved)
    if KEY.fullmatch(value):
        return None
    if KEY.fullmatch(value.lower()) and value.lower() not in RESERVED_KEYS:
        return _("hotkey '{key}' must be lowercase; write '{lower}'").format(
            key=value, lower=value.lower())
    return _("hotkey '{key}' must be a lowercase letter (a-z, æ, ø, å) or a digit 0-9").format(
        key=value)



def key_problem(value: str) -> str | None:
    """Why ``value`` cannot be a hotkey (one message), or None when it can."""
    return bad_key(value)


def slug_from_label(label: str) -> str:
    """An id derived from a label (æ to ae, ø to oe, å to aa), or '' when none can be."""
    return _slugify(label)


def is_valid_id(value: str) -> bool:
    """Whether ``value`` is a code id: lowercase a-z, digits and _, starting with a letter."""
    return bool(SLUG.fullmatch(value))
