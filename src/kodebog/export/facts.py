"""What a report needs besides the findings: survey basis, agreement, recommendations, memos."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.errors import ProjectError
from kodebog.findings import Findings
from kodebog.findings.recommendations import RecommendationInfo, list_recommendations
from kodebog.store.models import CONSENSUS_CODER, Coder, Source, Unit, UnitMemo


@dataclass(frozen=True, slots=True)
class SurveyBasis:
    """A survey source: how many respondents, and how many wrote a comment."""

    source: str
    respondents: int | None
    answered: int | None


@dataclass(frozen=True, slots=True)
class ThemeAgreement:
    """Agreement on one theme over the double-coded sample."""

    code: str
    label: str
    units: int
    kappa: float | None
    alpha: float | None


@dataclass(frozen=True, slots=True)
class Memo:
    """A unit memo or a coding memo for the analysts' appendix."""

    citation: str
    theme: str
    coder: str
    text: str


@dataclass(frozen=True)
class Facts:
    """Everything a report states about its basis beyond the counts of the findings."""

    surveys: tuple[SurveyBasis, ...]
    agreement_coders: tuple[str, ...]
    agreement: tuple[ThemeAgreement, ...]
    recommendations: tuple[RecommendationInfo, ...]
    memos: tuple[Memo, ...]


def _number(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _agreement(session: Session, findings: Findings) -> tuple[tuple[str, ...],
                                                               tuple[ThemeAgreement, ...]]:
    from kodebog.comparison import compare_coders

    coders = [c for c in findings.scope.coders if c != CONSENSUS_CODER]
    if findings.scope.agreed is not None:
        coders = list(findings.scope.agreed.coders)
    if len(coders) < 2:
        return tuple(coders), ()
    try:
        result = compare_coders(session, coders, codes=[t.code.id for t in findings.themes])
    except ProjectError:
        return tuple(coders), ()
    rows = []
    for code in result.codes:
        kappas = [k for k in code.kappa.values() if k is not None]
        rows.append(ThemeAgreement(code.code, code.label, code.units,
                                   sum(kappas) / len(kappas) if kappas else None, code.alpha))
    return tuple(coders), tuple(rows)


def _memos(session: Session, findings: Findings, coding_memos: list[Memo]) -> tuple[Memo, ...]:
    units: dict[tuple[str, int], str] = {}
    for theme in findings.themes:
        for quote in theme.quotes:
            units.setdefault((quote.source, quote.unit), quote.citation)
    rows = session.execute(
        select(Source.name, Unit.ordinal, Coder.name, UnitMemo.text)
        .join(Unit, Unit.id == UnitMemo.unit_id).join(Source, Source.id == Unit.source_id)
        .join(Coder, Coder.id == UnitMemo.coder_id)
        .where(Source.name.in_([s.name for s in findings.scope.sources]))
        .order_by(Source.name, Unit.ordinal, Coder.name)).all()
    short = {s.name: s.short_name for s in findings.scope.sources}
    unit_memos = [Memo(units.get((name, ordinal), f"{short[name]}:{ordinal}"), "", coder, text)
                  for name, ordinal, coder, text in rows if text and text.strip()]
    return tuple(unit_memos + coding_memos)


def load_facts(session: Session, findings: Findings, coding_memos: list[Memo],
               *, memos: bool) -> Facts:
    """The facts of a report's method section, recommendations and (if asked) memos."""
    names = [s.name for s in findings.scope.sources if s.kind == "survey"]
    surveys = tuple(
        SurveyBasis(name, _number((meta or {}).get("respondents")),
                    _number((meta or {}).get("answered")))
        for name, meta in session.execute(
            select(Source.name, Source.meta).where(Source.name.in_(names))
            .order_by(Source.name)).all()
    ) if names else ()
    coders, agreement = _agreement(session, findings)
    return Facts(
        surveys=surveys, agreement_coders=coders, agreement=agreement,
        recommendations=tuple(list_recommendations(session)),
        memos=_memos(session, findings, coding_memos) if memos else (),
    )
