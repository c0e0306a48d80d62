"""Finding personal data (CPR, phone, e-mail, listed names) in text, and masked labels."""

from __future__ import annotations

import bisect
import calendar
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kodebog.i18n import _

if TYPE_CHECKING:
    from kodebog.privacy.names import NameList

CPR_PLACEHOLDER = "[CPR-nummer]"
PHONE_PLACEHOLDER = "[telefonnummer]"
EMAIL_PLACEHOLDER = "[e-mail]"
PLACEHOLDERS = {"cpr": CPR_PLACEHOLDER, "phone": PHONE_PLACEHOLDER, "email": EMAIL_PLACEHOLDER}
"""What ``pseudonymise`` puts in place of each kind of identifier."""

_PRIORITY = {"cpr": 0, "email": 1, "phone": 2, "name": 3}
"""Which kind wins between overlapping hits of equal length (lower wins)."""

_HYPHENS = "\\-\u2010\u2011\u2013"  # hyphen-minus, hyphen, non-breaking hyphen, en dash
_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space
_SEP = f"[{_SPACES}{_HYPHENS}]"
# A number glued to another by ".", "," or a hyphen is part of a longer figure (amounts,
# ranges, account numbers), for CPR and phone numbers alike.
_NOT_AFTER_NUMBER = rf"(?<!\d)(?<!\d[.,{_HYPHENS}])"
_NOT_BEFORE_NUMBER = rf"(?!\d)(?![.,{_HYPHENS}]\d)"

# Between groups of digits people write one or more spaces, a hyphen or dash (with spaces
# around it or not), or in a CPR number a slash: "010203 - 1234", "12  34 56 78".
_GAP = rf"(?:[{_SPACES}]{{1,3}}|[{_SPACES}]{{0,2}}[{_HYPHENS}][{_SPACES}]{{0,2}})"
_CPR = re.compile(
    _NOT_AFTER_NUMBER
    + r"(?P<dd>\d\d)(?P<ds>[.\-]?)(?P<mm>\d\d)(?P=ds)(?P<yy>\d\d)"
    + rf"(?:{_GAP}|[{_SPACES}]{{0,2}}/[{_SPACES}]{{0,2}})?(?P<seq>\d{{4}})"
    + _NOT_BEFORE_NUMBER
)

# 12345678, 12 34 56 78, 1234 5678, 12-34-56-78, 12.34.56.78, 123 45 678
_PHONE_BODY = (rf"(?:[1-9]\d(?:{_GAP}?\d\d){{3}}|[1-9]\d\.\d\d\.\d\d\.\d\d"
               rf"|[1-9]\d\d{_GAP}\d\d{_GAP}\d\d\d)")
_PHONE_PREFIX = rf"(?:(?:\+|00)45{_SEP}?|\((?:\+|00)?45\)[{_SPACES}]?)"
_NOT_DATE_OR_YEARS = (
    rf"(?![0-3]\d(?P<d>[{_SPACES}{_HYPHENS}./])[01]\d(?P=d)(?:19|20)\d\d(?!\d))"  # 12-03-2021
    rf"(?!(?:19|20)\d\d(?P<i>[{_SPACES}{_HYPHENS}./])[01]\d(?P=i)[0-3]\d(?!\d))"  # 2021-03-12
    rf"(?!(?:19|20)\d\d{_SEP}(?:19|20)\d\d(?!\d))"  # 2019 2020, 1999-2000
)
_NOT_AMOUNT_BEFORE = r"(?<!(?i:kr)\. )(?<!(?i:kr)\.)(?<!(?i:kr) )(?<!(?i:dkk) )"
_NOT_AMOUNT_AFTER = r"(?!\s?(?i:kr\b|dkk\b)|,-)"  # 12345678 kr, 12345678,-
# "2020 1234 5678": not "2020 1234" but the pair of 4-digit groups that follows.
_NOT_HALF_OF_GROUPS = rf"(?!(?<={_SEP}\d{{4}}){_SEP}\d{{4}}(?!\d))"
_PHONE = re.compile(
    r"(?<!\+)"
    + _NOT_AFTER_NUMBER
    + rf"(?:{_PHONE_PREFIX}{_PHONE_BODY}"
    + rf"|{_NOT_AMOUNT_BEFORE}{_NOT_DATE_OR_YEARS}{_PHONE_BODY}{_NOT_AMOUNT_AFTER})"
    + _NOT_BEFORE_NUMBER
    + _NOT_HALF_OF_GROUPS
)

_LOCAL = r"[\w+\-]+(?:\.[\w+\-]+)*"
_LABEL = r"[^\W_](?:[\w\-]{0,61}[^\W_])?"
_AT = r"(?:[ ]?@[ ]?|[ ]?[(\[{](?i:at)[)\]}][ ]?)"  # "@", " @ ", "(at)", "[at]"
_DOT = r"(?:\.|[ ]?[(\[{](?i:dot|punktum)[)\]}][ ]?)"  # ".", "(dot)", "[punktum]"
_AT_WORD = re.compile(r"[(\[{](?i:at)[)\]}]")
_EMAIL = re.compile(
    rf"(?<![\w+\-.]){_LOCAL}{_AT}(?:{_LABEL}{_DOT})+[^\W\d_]{{2,63}}(?![\w@])")

# Every CPR or phone number lies in a run of 8+ digits and separators starting with a
# digit. This plain pattern is fast to search; the exact patterns only run around its runs.
# ``[0-9]``, not ``\d``: three times faster to scan, and the text it runs on has only ASCII
# digits (``_fold`` turns every other digit into one).
_NUMBER_RUN = re.compile(rf"[0-9][0-9{_SPACES}{_HYPHENS}./]{{7,}}")
_BEFORE_RUN = 12  # "(+45) " and the look-behinds before it
_AFTER_RUN = 6  # the look-aheads after a number (" kr", ",-", ".5" ...)


@dataclass(frozen=True)
class Hit:
    """One piece of personal data: ``text == source[start:end]`` (Python string indices)."""

    kind: str  # "cpr" | "phone" | "email" | "name"
    start: int
    end: int
    text: str
    replacement: str | None


def _valid_cpr(match: re.Match[str]) -> bool:
    """Whether DDMMYY, with the century from the 7th digit, is a real date.

    Substitute CPR numbers (day + 60) count as valid.
    """
    day, month, year = int(match["dd"]), int(match["mm"]), int(match["yy"])
    seventh = int(match["seq"][0])
    if day > 60:
        day -= 60
    if seventh <= 3:
        year += 1900
    elif seventh in (4, 9):
        year += 2000 if year <= 36 else 1900
    else:
        year += 2000 if year <= 57 else 1800
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e"
                       "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff"
                       "\uffa0\ufff9-\ufffb]")
"""Invisible formatting characters: zero-width, joiners, bidi controls, soft hyphen, BOM."""

_FOLD_CLASS = (INVISIBLE.pattern[1:-1] + "\u2000-\u200a\u2012\u2014\u2015\u2212\u2024"
               "\ufe50-\ufe6f\uff00-\uffef")
_FOLDABLE = re.compile(f"[{_FOLD_CLASS}]")
"""What ``_fold`` changes besides digits: invisible characters, unusual spaces and dashes,
full-width and small forms."""
_OTHER_DIGIT = re.compile(r"[^\x00-\x7f](?<=\d)")
"""A digit of another script (Arabic-Indic, full-width, mathematical ...)."""


_DASHES = "\u2012\u2014\u2015\u2212"


def _needs_fold(text: str) -> bool:
    """Whether ``text`` holds anything ``_fold`` changes.

    Most Danish text is Latin-1 (æ, ø, å), where the only such character is the soft
    hyphen and no digit is non-ASCII: one ``encode`` answers for it, instead of two regular
    expression scans (which made the detector twice as slow).
    """
    if text.isascii():
        return False
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return bool(_FOLDABLE.search(text) or _OTHER_DIGIT.search(text))
    return "\u00ad" in text


def _fold(text: str) -> tuple[str, list[int]] | None:
    """``text`` as the patterns expect it, with each character's index in ``text``.

    Invisible characters are dropped; digits of any script become ASCII digits; unusual
    spaces become spaces, dashes hyphens, full-width and small forms their ASCII letter.
    None when nothing needs folding (the common case, checked with one search).
    """
    if not _needs_fold(text):
        return None
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if INVISIBLE.match(ch):
            continue
        if ch.isdecimal() and not "0" <= ch <= "9":
            ch = str(unicodedata.decimal(ch))
        elif ch in _DASHES:
            ch = "-"
        elif "\u2000" <= ch <= "\u200a":
            ch = " "
        elif ord(ch) > 0x7F:
            folded = unicodedata.normalize("NFKC", ch)
            if len(folded) == 1 and folded.isascii():
                ch = folded
        out.append(ch)
        where.append(i)
    where.append(len(text))
    return "".join(out), where


def _candidates(text: str, names: NameList | None) -> Iterator[Hit]:
    folded = _fold(text)
    if folded is None:
        yield from _plain_candidates(text, names)
        return
    view, where = folded
    for hit in _plain_candidates(view, names):
        start, end = where[hit.start], where[hit.end - 1] + 1
        yield Hit(hit.kind, start, end, text[start:end], hit.replacement)


def _plain_candidates(text: str, names: NameList | None) -> Iterator[Hit]:
    seen: set[tuple[str, int]] = set()  # windows of nearby runs overlap: report once
    for run in _NUMBER_RUN.finditer(text):
        lo, hi = max(0, run.start() - _BEFORE_RUN), run.end() + _AFTER_RUN
        for m in _CPR.finditer(text, lo, hi):
            if ("cpr", m.start()) not in seen and _valid_cpr(m):
                seen.add(("cpr", m.start()))
                yield Hit("cpr", m.start(), m.end(), m.group(), CPR_PLACEHOLDER)
        for m in _PHONE.finditer(text, lo, hi):
            if ("phone", m.start()) not in seen:
                seen.add(("phone", m.start()))
                yield Hit("phone", m.start(), m.end(), m.group(), PHONE_PLACEHOLDER)
    if "@" in text or (("(" in text or "[" in text or "{" in text) and _AT_WORD.search(text)):
        for m in _EMAIL.finditer(text):
            yield Hit("email", m.start(), m.end(), m.group(), EMAIL_PLACEHOLDER)
    if names is not None:
        for m in names.finditer(text):
            yield Hit("name", m.start(), m.end(), m.group(), names.replacement(m))


def find_personal_data(text: str, names: NameList | None = None) -> list[Hit]:
    """All personal data in ``text``, sorted by start, not overlapping.

    Of overlapping candidates the longest wins; at equal length CPR beats e-mail beats
    phone beats name.
    """
    candidates = list(_candidates(text, names))
    if len(candidates) <= 1:
        return candidates
    candidates.sort(key=lambda h: (h.start - h.end, _PRIORITY[h.kind], h.start))
    starts: list[int] = []
    chosen: list[Hit] = []
    for hit in candidates:
        i = bisect.bisect_right(starts, hit.start)
        if i > 0 and chosen[i - 1].end > hit.start:
            continue
        if i < len(chosen) and chosen[i].start < hit.end:
            continue
        starts.insert(i, hit.start)
        chosen.insert(i, hit)
    return chosen


def contains_personal_data(text: str, names: NameList | None = None) -> bool:
    """Whether ``text`` holds any personal data that ``find_personal_data`` would report."""
    return next(_candidates(text, names), None) is not None


def describe(hit: Hit) -> str:
    """A short label for reports that never shows the whole identifier."""
    if hit.kind == "cpr":
        digits = re.sub(r"\D", "", hit.text)
        return _("CPR number {masked}").format(masked=f"{digits[:6]}-****")
    if hit.kind == "phone":
        positions = [i for i, ch in enumerate(hit.text) if ch.isdigit()]
        hidden = set(positions[-8:-2])
        masked = "".join("*" if i in hidden else ch for i, ch in enumerate(hit.text))
        return _("phone number {masked}").format(masked=masked)
    if hit.kind == "email":
        local, _at, domain = hit.text.rpartition("@")
        return _("e-mail {masked}").format(masked=f"{local[:1]}***@{domain}")
    if hit.kind == "name":
        return _("name → {pseudonym}").format(pseudonym=hit.replacement)
    return hit.kind
