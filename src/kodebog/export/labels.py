"""Names for what reports show: attribute names, roles, valences, kinds of source.

The English names are the catalogue's source text; a report shows them in its own language
(``kodebog.export.language``): ``Ydelsesgruppe`` and ``borgere`` in a Danish report,
``Benefit group`` and ``citizens`` in an English one.
"""

from __future__ import annotations

import re

from kodebog.export.language import ngettext, number, translate
from kodebog.findings import ROLE
from kodebog.i18n import N_
from kodebog.source_kinds import KIND_NAMES as SOURCE_KIND_NAMES

ATTRIBUTE_LABELS = {
    ROLE: N_("Role"),
    "ydelsesgruppe": N_("Benefit group"),
    "ydelse": N_("Benefit"),
    "forloebslaengde": N_("Length of the course"),
    "forløbslængde": N_("Length of the course"),
    "tilfredshed": N_("Satisfaction"),
    "kommune": N_("Municipality"),
    "koen": N_("Gender"),
    "køn": N_("Gender"),
    "alder": N_("Age"),
    "aldersgruppe": N_("Age group"),
    "maalgruppe": N_("Target group"),
    "målgruppe": N_("Target group"),
    "uddannelse": N_("Education"),
    "respondent_id": N_("Respondent"),
}
"""Known attribute keys (as importers name them) and the label a report prints."""

ROLE_NAMES = {"borger": N_("citizen"), "medarbejder": N_("employee"),
              "leder": N_("manager"), "interviewer": N_("interviewer")}
"""The roles kodebog knows (stored in Danish) and their names in a report."""

VALENCE_HEADINGS = {"positive": N_("What works well"),
                    "negative": N_("What works less well")}
VALENCE_WORDS = {"positive": N_("positive"), "negative": N_("negative"), "mixed": N_("mixed")}

_DIGRAPHS = (("aa", "å"), ("oe", "ø"), ("ae", "æ"))


def attribute_label(key: str) -> str:
    """``forloebslaengde`` -> ``Forløbslængde``: a known label, else the key made readable.

    An unknown key has its underscores made spaces and ASCII spellings of æ, ø, å
    (``ae``, ``oe``, ``aa``) turned back only where the whole key is lower-case ASCII, as
    importers write column names that could not hold Danish letters.
    """
    known = ATTRIBUTE_LABELS.get(key) or ATTRIBUTE_LABELS.get(key.casefold())
    if known:
        return translate(known)
    words = re.sub(r"[_\-.]+", " ", key).strip() or key
    if re.fullmatch(r"[a-z ]+", words):
        for ascii_form, letter in _DIGRAPHS:
            words = words.replace(ascii_form, letter)
    return words[:1].upper() + words[1:]


def role_name(role: str) -> str:
    """``borger`` as a report names it: ``borger`` (da), ``citizen`` (en); others as stored."""
    known = ROLE_NAMES.get(role)
    return translate(known) if known else role


def group_value(dimension: str, value: str) -> str:
    """A group's value as a report shows it: a known role named in the report's language."""
    return role_name(value) if dimension == ROLE else value


def group_label(dimension: str, value: str) -> str:
    """``Rolle: borger`` / ``Role: citizen``; ``Kommune: Aarhus`` / ``Municipality: Aarhus``."""
    return f"{attribute_label(dimension)}: {group_value(dimension, value)}"


def valence_heading(valence: str) -> str:
    """``Det fungerer godt`` / ``What works well``."""
    return translate(VALENCE_HEADINGS[valence])


def valence_word(valence: str | None) -> str:
    """``positiv`` / ``positive``; empty for no or an unknown valence."""
    known = VALENCE_WORDS.get(valence or "")
    return translate(known) if known else ""


KIND_NAMES = SOURCE_KIND_NAMES
"""The kinds of source, as a report names one (the same words as everywhere)."""


def kind_name(kind: str) -> str:
    """``fokusgruppe`` / ``focus group``; empty for a kind kodebog does not know."""
    known = KIND_NAMES.get(kind)
    return translate(known) if known else ""


def kind_count(kind: str, count: int) -> str:
    """``2 fokusgrupper`` / ``2 focus groups``."""
    n = number(count)
    if kind == "focus_group":
        return ngettext("{n} focus group", "{n} focus groups", count).format(n=n)
    if kind == "interview":
        return ngettext("{n} interview", "{n} interviews", count).format(n=n)
    if kind == "survey":
        return ngettext("{n} survey", "{n} surveys", count).format(n=n)
    if kind == "document":
        return ngettext("{n} document", "{n} documents", count).format(n=n)
    return f"{n} {kind}"


def role_plural(role: str, count: int) -> str:
    """``1 borger``, ``12 borgere`` (``12 citizens`` in English)."""
    n = number(count)
    if role == "borger":
        return ngettext("{n} citizen", "{n} citizens", count).format(n=n)
    if role == "medarbejder":
        return ngettext("{n} employee", "{n} employees", count).format(n=n)
    if role == "leder":
        return ngettext("{n} manager", "{n} managers", count).format(n=n)
    if role == "interviewer":
        return ngettext("{n} interviewer", "{n} interviewers", count).format(n=n)
    return f"{n} {role}"
