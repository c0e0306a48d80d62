"""Inferring a participant's role (borger, medarbejder, leder, interviewer) from a label."""

from __future__ import annotations

import re

ROLES = ("borger", "medarbejder", "leder", "interviewer")

_EXACT: dict[str, str] = {
    **dict.fromkeys(
        ("borger", "deltager", "citizen", "participant", "respondent", "bruger", "ledig"),
        "borger",
    ),
    **dict.fromkeys(
        (
            "sagsbehandler", "jobkonsulent", "virksomhedskonsulent", "medarbejder", "rådgiver",
            "mentor", "konsulent", "vejleder", "jobformidler", "caseworker", "staff",
            "employee",
        ),
        "medarbejder",
    ),
    **dict.fromkeys(
        ("leder", "afdelingsleder", "teamleder", "chef", "manager", "direktør"), "leder"
    ),
    **dict.fromkeys(
        ("interviewer", "intervieweren", "moderator", "facilitator", "ordstyrer"), "interviewer"
    ),
}
_ALONE: dict[str, str] = {"i": "interviewer", "int": "interviewer"}
"""Abbreviations that name a role only when they are the whole label (``I:``, ``Int.:``)."""

_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("konsulent", "medarbejder"),
    ("rådgiver", "medarbejder"),
    ("behandler", "medarbejder"),
    ("medarbejder", "medarbejder"),
    ("leder", "leder"),
    ("chef", "leder"),
)
"""Danish compounds: *jobcenterchef*, *socialrådgiver*, *centerleder*."""

_BRACKETED = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")
_WORD = re.compile(r"[^\W\d_]+")


def infer_role(label: str) -> str | None:
    """The role a speaker label names, or None: ``Borger 2`` -> ``borger``.

    The first word decides (``Sagsbehandler (Team Nord)``); when it names no role, the first
    word in brackets does (``Anna (borger)``). Case and numbers are ignored.
    """
    folded = label.casefold()
    outside = strip_brackets(folded)
    inside = " ".join(a or b for a, b in _BRACKETED.findall(folded))
    for chunk in (outside, inside):
        words = _WORD.findall(chunk)
        if words:
            role = _word_role(words[0], alone=len(words) == 1)
            if role is not None:
                return role
    return None


def strip_brackets(label: str) -> str:
    """``label`` without its bracketed parts: ``Borger 2 (kvinde)`` -> ``Borger 2``."""
    return _BRACKETED.sub(" ", label)


def _word_role(word: str, *, alone: bool) -> str | None:
    """The role of one lower-case word, if it names one."""
    if word in _EXACT:
        return _EXACT[word]
    if alone and word in _ALONE:
        return _ALONE[word]
    for suffix, role in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return role
    return None
