"""Danish names for what reports show: attribute names, roles, valences, kinds of source."""

from __future__ import annotations

import re

from kodebog.findings import ROLE

ATTRIBUTE_LABELS = {
    ROLE: "Rolle",
    "ydelsesgruppe": "Ydelsesgruppe",
    "ydelse": "Ydelse",
    "forloebslaengde": "Forløbslængde",
    "forløbslængde": "Forløbslængde",
    "tilfredshed": "Tilfredshed",
    "kommune": "Kommune",
    "koen": "Køn",
    "køn": "Køn",
    "alder": "Alder",
    "aldersgruppe": "Aldersgruppe",
    "maalgruppe": "Målgruppe",
    "målgruppe": "Målgruppe",
    "uddannelse": "Uddannelse",
    "respondent_id": "Respondent",
}
"""Known attribute keys (as importers name them) and the label a report prints."""

ROLE_PLURAL = {"borger": "borgere", "medarbejder": "medarbejdere", "leder": "ledere",
               "interviewer": "interviewere"}

VALENCE_HEADINGS = {"positive": "Det fungerer godt", "negative": "Det fungerer mindre godt"}
VALENCE_WORDS = {"positive": "positiv", "negative": "negativ", "mixed": "blandet"}

_DIGRAPHS = (("aa", "å"), ("oe", "ø"), ("ae", "æ"))


def attribute_label(key: str) -> str:
    """``forloebslaengde`` -> ``Forløbslængde``: a known label, else the key made readable.

    An unknown key has its underscores made spaces and ASCII spellings of æ, ø, å
    (``ae``, ``oe``, ``aa``) turned back only where the whole key is lower-case ASCII, as
    importers write column names that could not hold Danish letters.
    """
    known = ATTRIBUTE_LABELS.get(key) or ATTRIBUTE_LABELS.get(key.casefold())
    if known:
        return known
    words = re.sub(r"[_\-.]+", " ", key).strip() or key
    if re.fullmatch(r"[a-z ]+", words):
        for ascii_form, letter in _DIGRAPHS:
            words = words.replace(ascii_form, letter)
    return words[:1].upper() + words[1:]


def role_plural(role: str, count: int) -> str:
    """``1 borger``, ``12 borgere``."""
    return f"{count} {role if count == 1 else ROLE_PLURAL.get(role, role)}"
