"""Consistency audit: places where the coding of a project contradicts itself."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.i18n import _, formats, ngettext
from kodebog.store.models import Code, Coder, Coding, Source, Unit

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class UnitLink:
    """A unit a finding points at."""

    source: str
    unit: int

    def __str__(self) -> str:
        return f"{self.source}#{self.unit}"


@dataclass
class AuditFinding:
    """One inconsistency: its kind, a one-line description and the units concerned."""

    kind: str  # near_duplicate | single_coder | exclude_keyword | drift | unused
    message: str
    code: str | None = None
    coder: str | None = None
    units: list[UnitLink] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        data = asdict(self)
        data["units"] = [{"source": u.source, "unit": u.unit} for u in self.units]
        return data


@dataclass(frozen=True)
class AuditSettings:
    """Thresholds of the audit."""

    similarity: float = 90.0  # rapidfuzz token_set_ratio for near-duplicates
    min_words: int = 4  # shorter units are not compared (``Ja.`` is not a duplicate)
    drift_min_units: int = 10  # coded units per half before drift is judged
    drift_difference: float = 0.2  # rate difference between halves
    drift_z: float = 2.0  # and a two-proportion z at least this large


@dataclass
class _Row:
    unit_id: int
    source: str
    ordinal: int
    text: str


def run_audit(session: Session, settings: AuditSettings | None = None) -> list[AuditFinding]:
    """Every check, in a stable order."""
    settings = settings or AuditSettings()
    codes = session.execute(
        select(Code.id, Code.label, Code.definition).where(Code.retired.is_(False))
        .order_by(Code.position)
    ).all()
    codings = session.execute(
        select(Coding.unit_id, Coding.code_id, Coder.name, Coding.text, Coding.created_at,
               Coding.id)
        .join(Coder, Coder.id == Coding.coder_id)
        .order_by(Coding.created_at, Coding.id)
    ).all()
    coded_units = {row[0] for row in codings}
    units = {
        row.unit_id: row for row in (
            _Row(unit_id, source, ordinal, text) for unit_id, source, ordinal, text in
            session.execute(
                select(Unit.id, Source.name, Unit.ordinal, Unit.text)
                .join(Source, Source.id == Unit.source_id)
            ).all()
        )
    }
    findings: list[AuditFinding] = []
    findings += _near_duplicates(units, coded_units, codings, settings)
    findings += _single_coder(codes, codings)
    findings += _exclude_keywords(codes, codings, units)
    findings += _drift(codes, codings, units, settings)
    findings += _unused(codes, codings)
    return findings


def _code_sets(codings: Sequence[Any]) -> dict[int, set[str]]:
    sets: dict[int, set[str]] = defaultdict(set)
    for unit_id, code, *_rest in codings:
        sets[unit_id].add(code)
    return sets


def _normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _near_duplicates(units: dict[int, _Row], coded: set[int], codings: Sequence[Any],
                     settings: AuditSettings) -> list[AuditFinding]:
    """Near-identical units with different codes.

    Candidates share one of their two rarest words (blocking keeps this near-linear); each
    candidate pair is scored with rapidfuzz ``token_set_ratio`` on normalised text.
    """
    sets = _code_sets(codings)
    texts = {uid: _normalise(row.text) for uid, row in units.items()}
    words = {uid: set(text.split()) for uid, text in texts.items()
             if len(text.split()) >= settings.min_words}
    frequency: Counter[str] = Counter(w for ws in words.values() for w in ws)
    blocks: dict[str, list[int]] = defaultdict(list)
    for uid, ws in words.items():
        for word in sorted(ws, key=lambda w: (frequency[w], w))[:2]:
            blocks[word].append(uid)
    seen: set[tuple[int, int]] = set()
    findings = []
    for members in blocks.values():
        if len(members) < 2 or len(members) > 500:
            continue
        for i, first in enumerate(members):
            for second in members[i + 1:]:
                pair = (min(first, second), max(first, second))
                if pair in seen or (first not in coded and second not in coded):
                    continue
                seen.add(pair)
                if sets.get(first, set()) == sets.get(second, set()):
                    continue
                score = fuzz.token_set_ratio(texts[first], texts[second])
                if score < settings.similarity:
                    continue
                a, b = units[pair[0]], units[pair[1]]
                only_a = sorted(sets.get(pair[0], set()) - sets.get(pair[1], set()))
                only_b = sorted(sets.get(pair[1], set()) - sets.get(pair[0], set()))
                findings.append(AuditFinding(
                    kind="near_duplicate",
                    message=_("{first} and {second} are {similarity} alike but coded "
                              "differently (only first: {only_first}; only second: "
                              "{only_second})").format(
                        first=f"{a.source}#{a.ordinal}", second=f"{b.source}#{b.ordinal}",
                        similarity=formats.percent(score, 0),
                        only_first=", ".join(only_a) or "-",
                        only_second=", ".join(only_b) or "-"),
                    units=[UnitLink(a.source, a.ordinal), UnitLink(b.source, b.ordinal)],
                    detail={"similarity": round(score, 1), "only_first": only_a,
                            "only_second": only_b},
                ))
    findings.sort(key=lambda f: (-f.detail["similarity"], str(f.units[0])))
    return findings


def _single_coder(codes: Sequence[Any], codings: Sequence[Any]) -> list[AuditFinding]:
    coders = {name for _u, _c, name, *_rest in codings}
    if len(coders) < 2:
        return []
    users: dict[str, Counter[str]] = defaultdict(Counter)
    for _unit, code, name, *_rest in codings:
        users[code][name] += 1
    findings = []
    for code, _label, _definition in codes:
        if len(users.get(code, {})) == 1:
            [(coder, count)] = users[code].items()
            findings.append(AuditFinding(
                kind="single_coder", code=code, coder=coder,
                message=ngettext(
                    "'{code}' is used only by {coder} ({count} coding); do the other coders "
                    "read its definition the same way?",
                    "'{code}' is used only by {coder} ({count} codings); do the other coders "
                    "read its definition the same way?", count).format(
                    code=code, coder=coder, count=formats.number(count)),
                detail={"codings": count},
            ))
    return findings


def _keyword_pattern(keywords: list[str]) -> re.Pattern[str] | None:
    words = [k.strip().lower() for k in keywords if k.strip()]
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})", re.IGNORECASE)


def _exclude_keywords(codes: Sequence[Any], codings: Sequence[Any], units: dict[int, _Row]
                      ) -> list[AuditFinding]:
    """Codings whose quoted text has a word the code's ``exclude_keywords`` warn against.

    A keyword matches at the start of a word, so it also finds compounds that begin with it.
    """
    patterns = {code: _keyword_pattern(list((definition or {}).get("exclude_keywords", [])))
                for code, _label, definition in codes}
    findings = []
    for unit_id, code, coder, text, *_rest in codings:
        pattern = patterns.get(code)
        match = pattern.search(text) if pattern else None
        if match is None:
            continue
        row = units[unit_id]
        findings.append(AuditFinding(
            kind="exclude_keyword", code=code, coder=coder,
            message=_("{unit}: {coder}'s '{code}' coding contains '{word}', a word its "
                      "definition excludes").format(unit=f"{row.source}#{row.ordinal}",
                                                    coder=coder, code=code,
                                                    word=match.group(0)),
            units=[UnitLink(row.source, row.ordinal)], detail={"word": match.group(0)},
        ))
    return findings


def _drift(codes: Sequence[Any], codings: Sequence[Any], units: dict[int, _Row],
           settings: AuditSettings) -> list[AuditFinding]:
    """A coder whose rate for a code differs sharply between the halves of their work.

    A coder's work is the units they coded, in the order they first coded them; the rate of a
    code is the share of those units that got it.
    """
    order: dict[str, list[int]] = defaultdict(list)
    seen: dict[str, set[int]] = defaultdict(set)
    has: dict[tuple[str, int], set[str]] = defaultdict(set)
    for unit_id, code, coder, *_rest in codings:
        if unit_id not in seen[coder]:
            seen[coder].add(unit_id)
            order[coder].append(unit_id)
        has[(coder, unit_id)].add(code)
    findings = []
    for coder, worked in order.items():
        half = len(worked) // 2
        if half < settings.drift_min_units:
            continue
        first, second = worked[:half], worked[half:]
        for code, _label, _definition in codes:
            k1 = sum(code in has[(coder, u)] for u in first)
            k2 = sum(code in has[(coder, u)] for u in second)
            r1, r2 = k1 / len(first), k2 / len(second)
            pooled = (k1 + k2) / len(worked)
            spread = math.sqrt(pooled * (1 - pooled) * (1 / len(first) + 1 / len(second)))
            z = (r2 - r1) / spread if spread else 0.0
            if abs(r2 - r1) < settings.drift_difference or abs(z) < settings.drift_z:
                continue
            later = [u for u in second if code in has[(coder, u)]][:10]
            findings.append(AuditFinding(
                kind="drift", code=code, coder=coder,
                message=_("{coder} applied '{code}' to {first} of units in the first half of "
                          "their work and {second} in the second (z = {z})").format(
                    coder=coder, code=code, first=formats.percent(r1 * 100, 0),
                    second=formats.percent(r2 * 100, 0), z=formats.decimal(z, 1)),
                units=[UnitLink(units[u].source, units[u].ordinal) for u in later],
                detail={"first_rate": round(r1, 3), "second_rate": round(r2, 3),
                        "z": round(z, 2), "units_per_half": [len(first), len(second)]},
            ))
    return findings


def _unused(codes: Sequence[Any], codings: Sequence[Any]) -> list[AuditFinding]:
    used = {code for _u, code, *_rest in codings}
    return [
        AuditFinding(kind="unused", code=code,
                     message=_("'{code}' ({label}) has never been used").format(
                         code=code, label=label))

        for code, label, _definition in codes if code not in used
    ]
