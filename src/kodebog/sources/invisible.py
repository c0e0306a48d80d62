"""Invisible formatting characters (zero-width, bidi controls) removed from a parsed source.

They hide identifiers from the eye and from search (``12\u200b34 56 78``) and can reorder
what a reader sees (bidi overrides). Visible characters are kept: a zero-width joiner
between two emoji (a family, a flag) stays, since it changes what is shown.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from kodebog.i18n import ngettext
from kodebog.i18n.formats import number
from kodebog.sources.model import ParsedParticipant, ParsedSource

_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u2069\ufeff]")
_ZWJ = "\u200d"


def _kept_joiner(text: str, i: int) -> bool:
    """A zero-width joiner between two symbols (emoji sequences) is visible: keep it."""
    before, after = text[i - 1:i], text[i + 1:i + 2]
    return bool(before and after) and not (before.isalnum() or after.isalnum()
                                           or before.isspace() or after.isspace())


def _removed(text: str) -> list[int]:
    return [m.start() for m in _INVISIBLE.finditer(text)
            if not (m.group() == _ZWJ and _kept_joiner(text, m.start()))]


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    removed = set(_removed(value))
    return "".join(ch for i, ch in enumerate(value) if i not in removed) if removed else value


def strip_invisible(parsed: ParsedSource) -> ParsedSource:
    """The source without invisible formatting characters; offsets moved; a note says so."""
    removed = _removed(parsed.text)
    if not removed:
        return parsed
    gone = set(removed)
    text = "".join(ch for i, ch in enumerate(parsed.text) if i not in gone)

    def moved(offset: int) -> int:
        return offset - bisect.bisect_left(removed, offset)

    units = [replace(u, start=moved(u.start), end=moved(u.end), speaker=_clean(u.speaker),
                     participant_key=_clean(u.participant_key)) for u in parsed.units]
    participants = [ParsedParticipant(_clean(p.key) or p.key, _clean(p.label) or p.label,
                                      p.role, p.attributes) for p in parsed.participants]
    note = ngettext(
        "removed {count} invisible formatting character (zero-width spaces, joiners, bidi "
        "controls, soft hyphens); the visible text is unchanged",
        "removed {count} invisible formatting characters (zero-width spaces, joiners, bidi "
        "controls, soft hyphens); the visible text is unchanged",
        len(removed)).format(count=number(len(removed)))

    return replace(parsed, text=text, units=units, participants=participants,
                   notes=[*parsed.notes, note])
