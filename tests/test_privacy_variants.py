"""The detector against the way people really write numbers: generated variants (hypothesis)
with odd spacing and separators, invisible characters and look-alike digits; and invisible
characters removed at import, said in the report."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kodebog.privacy import find_personal_data, pseudonymise
from kodebog.sources import read_source

INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u200e", "\u200f",
              "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
              "\u2069", "\u061c"]
OTHER_DIGITS = sorted({chr(c) for c in range(0x80, 0x20000) if chr(c).isdecimal()})
"""Every non-ASCII decimal digit (Arabic-Indic, full-width, mathematical, Devanagari ...)."""

invisible = st.sampled_from(INVISIBLES)
spaces = st.sampled_from([" ", "  ", "   ", "\u00a0", "\u202f", "\u2009", "\u2007", "\u2002"])
dashes = st.sampled_from(["-", "\u2010", "\u2011", "\u2013", "\u2012", "\u2014", "\u2212"])


@st.composite
def digit(draw: st.DrawFn, value: str) -> str:
    """``value`` as an ASCII digit or a digit of another script with the same value."""
    if draw(st.booleans()):
        return value
    same = [d for d in OTHER_DIGITS if unicodedata.decimal(d) == int(value)]
    return draw(st.sampled_from(same))


@st.composite
def noisy(draw: st.DrawFn, text: str) -> str:
    """``text`` with look-alike digits and invisible characters sprinkled between chars."""
    out = []
    for ch in text:
        out.append(draw(digit(ch)) if ch.isdigit() else ch)
        out += draw(st.lists(invisible, max_size=1))
    return "".join(out)


@st.composite
def separator(draw: st.DrawFn, optional: bool = True) -> str:
    """Between digit groups: nothing, spaces, or a dash with spaces around it or not."""
    choice = draw(st.integers(0 if optional else 1, 2))
    if choice == 0:
        return ""
    if choice == 1:
        return draw(spaces)
    return draw(st.sampled_from(["", " ", "  "])) + draw(dashes) + draw(st.sampled_from(["", " "]))


@st.composite
def cpr(draw: st.DrawFn) -> str:
    day = draw(st.integers(1, 28))
    month = draw(st.integers(1, 12))
    year = draw(st.integers(0, 99))
    seq = draw(st.integers(0, 3999))  # 7th digit 0-3: born 1900-1999, every date is valid
    digits = f"{day:02d}{month:02d}{year:02d}"
    return draw(noisy(digits + draw(separator()) + f"{seq:04d}"))


@st.composite
def phone(draw: st.DrawFn) -> str:
    first = draw(st.integers(2, 9))
    rest = draw(st.integers(0, 9_999_999))
    digits = f"{first}{rest:07d}"
    grouping = draw(st.sampled_from([(2, 2, 2, 2), (4, 4), (8,), (3, 2, 3)]))
    parts, at = [], 0
    for size in grouping:
        parts.append(digits[at:at + size])
        at += size
    gap = draw(separator(optional=len(grouping) == 1))
    body = gap.join(parts) if gap else "".join(parts)
    prefix = draw(st.sampled_from(["", "+45 ", "+45", "0045 ", "(+45) "]))
    return draw(noisy(prefix + body))


@st.composite
def email(draw: st.DrawFn) -> str:
    local = draw(st.sampled_from(["mette", "lars.jensen", "søren_ø", "x+tag", "a-b"]))
    domain = draw(st.sampled_from(["kommune.dk", "aarhus.dk", "sub.example.co.uk"]))
    at = draw(st.sampled_from(["@", " @ ", "\uff20", "\ufe6b", "(at)", " [at] "]))
    if "at" in at and draw(st.booleans()):
        domain = domain.replace(".", " (dot) ")
    return draw(noisy(local + at + domain))


context = st.sampled_from([("Ring til mig på ", " i morgen."), ("", ""), ("(", ")"),
                           ("Mit nr. er: ", ", tak"), ("»", "«")])


def _found(text: str, kind: str) -> bool:
    return any(h.kind == kind for h in find_personal_data(text))


@settings(max_examples=300, deadline=None)
@given(cpr(), context)
def test_cpr_variants_are_found(number: str, around: tuple[str, str]) -> None:
    text = around[0] + number + around[1]
    assert _found(text, "cpr"), repr(text)
    assert not find_personal_data(pseudonymise(text)[0])


@settings(max_examples=300, deadline=None)
@given(phone(), context)
def test_phone_variants_are_found(number: str, around: tuple[str, str]) -> None:
    text = around[0] + number + around[1]
    assert _found(text, "phone") or _found(text, "cpr"), repr(text)
    assert not find_personal_data(pseudonymise(text)[0])


@settings(max_examples=300, deadline=None)
@given(email(), context)
def test_email_variants_are_found(address: str, around: tuple[str, str]) -> None:
    text = around[0] + address + around[1]
    assert _found(text, "email"), repr(text)
    assert not find_personal_data(pseudonymise(text)[0])


@settings(max_examples=100, deadline=None)
@given(noisy("Vi mødes kl. 10.30 den 12.03.2021 og betaler kr. 12.345.678 for 2019-2020."))
def test_dates_amounts_and_years_stay_unmarked_with_noise(text: str) -> None:
    assert find_personal_data(text) == []


def test_hits_keep_their_place_in_the_original_text() -> None:
    text = "Ring \u200b12\u200b34 ٥٦ ７８ nu"
    [hit] = find_personal_data(text)
    assert hit.kind == "phone" and text[hit.start:hit.end] == hit.text
    assert hit.text == "12\u200b34 ٥٦ ７８"


def test_import_strips_invisible_characters_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "samtale.txt"
    path.write_text("Interviewer: Hej\u200b med dig.\n\nBorger 1: Ring på \u202e12 34\u2060 56 78"
                    "\u202c, 👨\u200d👩\u200d👧 er min familie.\n", encoding="utf-8")
    parsed = read_source(path)
    assert "\u200b" not in parsed.text and "\u202e" not in parsed.text
    assert "\u2060" not in parsed.text
    assert "👨\u200d👩\u200d👧" in parsed.text  # a visible emoji sequence is kept
    assert any("removed 4 invisible formatting characters" in n for n in parsed.notes)
    texts = [parsed.text[u.start:u.end] for u in parsed.units]
    assert texts == ["Hej med dig.", "Ring på 12 34 56 78, 👨\u200d👩\u200d👧 er min familie."]
