"""What the review screens read: agreement, disputes and settlements, as plain data.

No Textual here: every function is safe to call in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.audit import AuditFinding, AuditSettings, UnitLink, run_audit
from kodebog.comparison import (
    CodeAgreement,
    Comparison,
    Disagreement,
    compare_coders,
    disagreements,
)
from kodebog.i18n import N_, translate
from kodebog.store import Store
from kodebog.store.models import CONSENSUS_CODER, Code, Coder, Coding, Event, Source, Unit

DECISION_LABELS = {"a": N_("took {a}'s"), "b": N_("took {b}'s"), "both": N_("took both"),
                   "none": N_("took none")}
"""Each decision as the review screen says it (marked: shown with ``translate``)."""


def ranked_coders(session: Session) -> list[tuple[str, int]]:
    """Coders with how many codings each has, most first; the consensus coder left out."""
    rows = session.execute(
        select(Coder.name, func.count(Coding.id))
        .outerjoin(Coding, Coding.coder_id == Coder.id)
        .where(Coder.name != CONSENSUS_CODER)
        .group_by(Coder.name)
    ).all()
    return sorted(((str(name), int(count)) for name, count in rows),
                  key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class Settled:
    """The last decision on a unit and code."""

    decision: str
    coders: tuple[str, ...]
    reviewer: str | None
    memo: str | None
    spans: tuple[tuple[int, int], ...]

    def describe(self) -> str:
        """``took anna's`` and the like."""
        a = self.coders[0] if self.coders else "A"
        b = self.coders[1] if len(self.coders) > 1 else "B"
        label = DECISION_LABELS.get(self.decision)
        return translate(label).format(a=a, b=b) if label else self.decision


def settlements(session: Session, codes: list[str] | None = None
                ) -> dict[tuple[int, str], Settled]:
    """The latest settlement per (unit id, code), from the ``adjudication.settle`` events."""
    found: dict[tuple[int, str], Settled] = {}
    rows = session.execute(
        select(Event.entity_id, Event.after, Coder.name)
        .outerjoin(Coder, Coder.id == Event.coder_id)
        .where(Event.action == "adjudication.settle")
        .order_by(Event.id)
    ).all()
    for entity_id, after, reviewer in rows:
        if not after or entity_id is None:
            continue
        code = str(after.get("code", ""))
        if codes is not None and code not in codes:
            continue
        spans = tuple((int(s), int(e)) for s, e in after.get("spans", []))
        found[(int(entity_id), code)] = Settled(
            str(after.get("decision", "")), tuple(after.get("coders", [])), reviewer,
            after.get("memo"), spans)
    return found


@dataclass
class ReviewData:
    """Agreement of the chosen coders, their disputes per code and which are settled."""

    coders: list[str]
    comparison: Comparison
    disputes: dict[str, list[Disagreement]] = field(default_factory=dict)
    settled: dict[tuple[int, str], Settled] = field(default_factory=dict)

    def rows(self) -> list[CodeAgreement]:
        """Per-code agreement, then the overall row."""
        rows = list(self.comparison.codes)
        if self.comparison.overall is not None:
            rows.append(self.comparison.overall)
        return rows

    def settled_count(self, code: str) -> int:
        """How many of a code's disputed units have been settled."""
        return sum((d.unit_id, code) in self.settled for d in self.disputes.get(code, []))

    def agreement(self, code: str) -> CodeAgreement | None:
        """The agreement row of a code."""
        return next((c for c in self.comparison.codes if c.code == code), None)


def load_review(store: Store, coders: list[str], code: str | None = None) -> ReviewData:
    """Compare coders (on one code, or all) and list the disputes and their settlements."""
    codes = [code] if code is not None else None
    with store.read() as session:
        comparison = compare_coders(session, coders, codes=codes)
        disputes: dict[str, list[Disagreement]] = {}
        for item in disagreements(session, coders, codes=codes):
            disputes.setdefault(item.code, []).append(item)
        settled = settlements(session, codes)
    return ReviewData(list(coders), comparison, disputes, settled)


@dataclass(frozen=True)
class ConsensusCoding:
    """A span the consensus coder holds on a unit."""

    start: int
    end: int
    memo: str | None


def consensus_codings(store: Store, unit_id: int, code: str) -> list[ConsensusCoding]:
    """The consensus coder's codings of a code on a unit."""
    with store.read() as session:
        rows = session.execute(
            select(Coding.start, Coding.end, Coding.memo)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == CONSENSUS_CODER, Coding.unit_id == unit_id,
                   Coding.code_id == code)
            .order_by(Coding.start)
        ).all()
    return [ConsensusCoding(int(s), int(e), m) for s, e, m in rows]


def load_audit(store: Store, settings: AuditSettings | None = None) -> list[AuditFinding]:
    """Run the consistency audit."""
    with store.read() as session:
        return run_audit(session, settings)


def unit_of_link(store: Store, link: UnitLink) -> tuple[int, int] | None:
    """(source id, unit id) of a unit an audit finding points at."""
    with store.read() as session:
        row = session.execute(
            select(Source.id, Unit.id).join(Unit, Unit.source_id == Source.id)
            .where(Source.name == link.source, Unit.ordinal == link.unit)
        ).first()
    return None if row is None else (int(row[0]), int(row[1]))


def codes_on_unit(store: Store, unit_id: int, coders: list[str]) -> dict[str, list[str]]:
    """The codes each of ``coders`` applied to a unit, in codebook order."""
    found: dict[str, list[str]] = {coder: [] for coder in coders}
    with store.read() as session:
        rows = session.execute(
            select(Coder.name, Coding.code_id).distinct()
            .join(Coder, Coder.id == Coding.coder_id)
            .join(Code, Code.id == Coding.code_id)
            .where(Coding.unit_id == unit_id, Coder.name.in_(coders))
            .order_by(Code.position)
        ).all()
    for coder, code in rows:
        found[str(coder)].append(str(code))
    return found
