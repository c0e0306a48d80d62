"""Deciding from the whole document which ``Label:`` lines are speakers and which are text.

A transcript's speakers recur, are few, and are named like people, roles or machine labels
(``SPEAKER_00``); headings, enumerations (``RQ1:``) and times of day (``Kl. 10.30:``) are not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from kodebog.i18n import _
from kodebog.i18n.formats import decimal
from kodebog.sources.roles import infer_role, strip_brackets
from kodebog.sources.speakers import fold, is_clock_label, is_machine_label, looks_like_label

_NOT_SPEAKERS = frozenset(
    {
        # headings of a document's head or body
        "dato", "date", "tid", "time", "sted", "emne", "tema", "titel", "title", "note",
        "noter", "nb", "obs", "bemærk", "kilde", "link", "varighed", "deltagere", "formål",
        "baggrund", "konklusion", "resumé", "opsummering", "dagsorden", "agenda", "referat",
        "pause", "frokost", "subject", "topic", "summary", "source",
        # sentence starts
        "men", "og", "så", "altså", "derfor", "fordi", "nemlig", "eller", "hvis", "når",
        "dvs", "fx", "eksempelvis", "citat", "eksempel",
    }
)
_MIN_REPEATS = 1.5
"""Speakers recur: fewer label lines per distinct label than this is a list, not a talk."""


@dataclass
class Verdict:
    """The folded labels taken as speakers, and report lines on the rest."""

    speakers: set[str]
    notes: list[str] = field(default_factory=list)


def is_vocabulary(label: str) -> bool:
    """Whether a label names a role or is a tool's anonymous label (strong evidence)."""
    return infer_role(label) is not None or is_machine_label(label)


def judge_labels(
    labels: Sequence[str],
    stamped: Sequence[bool],
    *,
    trusted: Sequence[str] = (),
    forced: bool = False,
) -> Verdict:
    """Which of the candidate label lines (in document order) are speaker turns.

    ``stamped[i]`` says the i-th line carries a recording time (evidence for a turn).
    ``trusted`` labels (``--speakers``) are taken and nothing else; ``forced`` (a layout
    given by the user) skips the whole-document checks but keeps the shape of a label.
    """
    counts = Counter(fold(label) for label in labels)
    if trusted:
        wanted = {fold(label) for label in trusted}
        found = wanted & set(counts)
        given = [_("speakers as given: {found} of {wanted} found").format(
            found=len(found), wanted=len(wanted))]
        missing = [label for label in trusted if fold(label) not in counts]
        if missing:
            given.append(_("no label {labels} in this file").format(
                labels=", ".join(map(repr, missing))))
        return Verdict(found, given)
    with_time = {fold(label) for label, has in zip(labels, stamped, strict=True) if has}
    first: dict[str, str] = {}
    for label in labels:
        first.setdefault(fold(label), label)
    accepted: set[str] = set()
    refused: list[str] = []
    clocks: list[str] = []
    for key, label in first.items():
        if is_clock_label(label):
            clocks.append(label)
        elif _word(label) in _NOT_SPEAKERS:
            refused.append(label)
        elif looks_like_label(label, counts[key]) or (
            (forced or key in with_time) and _capitalised(label)
        ):
            accepted.add(key)
        elif label[0].isupper():
            refused.append(label)
    notes: list[str] = []
    if not forced:
        accepted, why = _whole_document(accepted, counts, with_time, first)
        notes += why
    if clocks:
        notes.append(_("not speakers, times of day: {labels}").format(labels=_some(clocks)))
    lines = sum(counts[fold(label)] for label in refused)
    if refused and accepted:
        notes.append(
            _("read as text, not as speakers: {lines} line(s) such as '{label}: …'").format(
                lines=lines, label=refused[0])
        )
    elif refused and not notes:
        notes.append(
            _("no speakers taken: {lines} line(s) such as '{label}: …' neither recur "
              "nor name a role").format(lines=lines, label=refused[0])
        )
    return Verdict(accepted, notes)


def _whole_document(
    accepted: set[str], counts: Counter[str], with_time: set[str], first: dict[str, str]
) -> tuple[set[str], list[str]]:
    """Drop labels that do not behave like speakers across the document, saying why."""
    vocabulary = {key for key in accepted if is_vocabulary(first[key])}
    others = accepted - vocabulary
    if not others:
        return accepted, []
    names = [key for key in first if key in others]
    lines = sum(counts[key] for key in others)
    untimed = others - with_time
    if not vocabulary and len(others) == 1 and (untimed or counts[names[0]] < 2):
        label = first[names[0]]
        return set(), [
            _("no speakers taken: '{label}' is the only label ({lines} lines) and "
              "names no role; a transcript has two speakers or more").format(
                label=label, lines=counts[names[0]])
        ]
    least = 3 if not untimed else 2
    if not vocabulary and len(others) >= least and lines / len(others) < _MIN_REPEATS:
        return set(), [
            _("no speakers taken: the labels {labels} are used {average} times each on "
              "average; speakers recur").format(labels=_some([first[k] for k in names]),
                                                average=decimal(lines / len(others), 1))
        ]
    return accepted, []


def _word(label: str) -> str:
    """The first word of a label, folded: ``Bemærk`` -> ``bemærk``."""
    words = strip_brackets(label).split()
    return words[0].casefold().rstrip(".") if words else ""


def _capitalised(label: str) -> bool:
    """Every word outside brackets starts with a capital or a digit."""
    words = strip_brackets(label).split()
    return bool(words) and all(w[0].isupper() or w[0].isdigit() for w in words)


def _some(labels: Sequence[str]) -> str:
    """Up to three labels quoted, and how many more."""
    shown = ", ".join(f"'{label}'" for label in labels[:3])
    return shown + (_(" and {count} more").format(count=len(labels) - 3)
                    if len(labels) > 3 else "")

