"""The report's numbered recommendations ("Anbefaling 1 ..."), each tied to the themes it answers.

Every change is one transaction and one Event (``recommendation.add``, ``.edit``,
``.remove``) holding the recommendation before and after. Numbers stay 1..n: removing one
moves the later ones up, and ``--number`` on add or edit places a recommendation there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.store import Store
from kodebog.store.models import Recommendation, RecommendationCode, utcnow


@dataclass(frozen=True, slots=True)
class RecommendationInfo:
    """A recommendation as reports and listings show it."""

    number: int
    title: str
    text: str
    codes: tuple[str, ...]
    updated_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and the event log."""
        return {"number": self.number, "title": self.title, "text": self.text,
                "codes": list(self.codes), "updated_by": self.updated_by}


def list_recommendations(session: Session) -> list[RecommendationInfo]:
    """Every recommendation in number order, with its themes in the order given."""
    codes: dict[int, list[str]] = {}
    for rec_id, code_id in session.execute(
        select(RecommendationCode.recommendation_id, RecommendationCode.code_id)
        .order_by(RecommendationCode.recommendation_id, RecommendationCode.position)
    ):
        codes.setdefault(rec_id, []).append(code_id)
    return [
        RecommendationInfo(r.number, r.title, r.text, tuple(codes.get(r.id, [])), r.updated_by)
        for r in session.scalars(select(Recommendation).order_by(Recommendation.number))
    ]


def _check_codes(session: Session, codes: Sequence[str]) -> list[str]:
    """The live codes named (a merged code's id follows it to the code it joined)."""
    from kodebog.coding import require_code

    return list(dict.fromkeys(require_code(session, c.strip()).id for c in codes
                              if c.strip()))


def _check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ProjectError(_("the recommendation's title is empty; give --title TEXT"))
    if len(title) > 300:
        raise ProjectError(_("the title has {n} characters; keep it under 300 and put the rest "
                             "in --text").format(n=len(title)))
    return title


def _get(session: Session, number: int) -> Recommendation:
    found = session.scalar(select(Recommendation).where(Recommendation.number == number))
    if found is None:
        numbers = list(session.scalars(
            select(Recommendation.number).order_by(Recommendation.number)))
        have = ", ".join(map(str, numbers)) if numbers else _("none yet")
        raise ProjectError(_("no recommendation number {number}; the project has: {have}")
                           .format(number=number, have=have))
    return found


def _info(session: Session, rec: Recommendation) -> RecommendationInfo:
    codes = tuple(session.scalars(
        select(RecommendationCode.code_id).where(RecommendationCode.recommendation_id == rec.id)
        .order_by(RecommendationCode.position)))
    return RecommendationInfo(rec.number, rec.title, rec.text, codes, rec.updated_by)


def _set_codes(session: Session, rec: Recommendation, codes: list[str]) -> None:
    for link in session.scalars(
            select(RecommendationCode).where(RecommendationCode.recommendation_id == rec.id)):
        session.delete(link)
    session.flush()
    for position, code in enumerate(codes):
        session.add(RecommendationCode(recommendation_id=rec.id, code_id=code,
                                       position=position))
    session.flush()


def _move(session: Session, rec: Recommendation, target: int) -> None:
    """Give ``rec`` the number ``target`` (1..n), shifting the ones in between by one."""
    count = session.scalar(select(func.count()).select_from(Recommendation)) or 0
    if not 1 <= target <= count:
        raise ProjectError(_("--number {target}: give 1 to {count}").format(target=target,
                                                                              count=count))
    current = rec.number
    if target == current:
        return
    rec.number = 0  # out of the way while the others shift (numbers are unique)
    session.flush()
    step, between = (1, range(current - 1, target - 1, -1)) if target < current else (
        -1, range(current + 1, target + 1))
    for number in between:
        other = _get(session, number)
        other.number = number + step
        session.flush()
    rec.number = target
    session.flush()


def _log(session: Session, coder: str, action: str, number: int,
         before: RecommendationInfo | None, after: RecommendationInfo | None) -> None:
    from kodebog.coding import coder_id, log_event

    log_event(session, coder_id(session, coder), action, "recommendation", number,
              None if before is None else before.to_dict(),
              None if after is None else after.to_dict())


def add_recommendation(store: Store, coder: str, title: str, text: str = "",
                       codes: Sequence[str] = (), number: int | None = None
                       ) -> RecommendationInfo:
    """Add a recommendation, last or at ``number`` (the later ones move down)."""
    title = _check_title(title)
    with store.write() as session:
        wanted = _check_codes(session, codes)
        last = session.scalar(select(func.max(Recommendation.number))) or 0
        rec = Recommendation(number=last + 1, title=title, text=text.strip(),
                             updated_by=coder, updated_at=utcnow())
        session.add(rec)
        session.flush()
        _set_codes(session, rec, wanted)
        if number is not None:
            _move(session, rec, number)
        after = _info(session, rec)
        _log(session, coder, "recommendation.add", rec.number, None, after)
        return after


def edit_recommendation(store: Store, coder: str, number: int, *, title: str | None = None,
                        text: str | None = None, codes: Sequence[str] | None = None,
                        new_number: int | None = None) -> RecommendationInfo:
    """Change a recommendation's title, text, themes or place; what is None stays."""
    with store.write() as session:
        rec = _get(session, number)
        before = _info(session, rec)
        if title is not None:
            rec.title = _check_title(title)
        if text is not None:
            rec.text = text.strip()
        if codes is not None:
            _set_codes(session, rec, _check_codes(session, codes))
        if new_number is not None:
            _move(session, rec, new_number)
        rec.updated_by, rec.updated_at = coder, utcnow()
        session.flush()
        after = _info(session, rec)
        if after == RecommendationInfo(before.number, before.title, before.text, before.codes,
                                       coder):
            return after
        _log(session, coder, "recommendation.edit", rec.number, before, after)
        return after


def remove_recommendation(store: Store, coder: str, number: int) -> RecommendationInfo:
    """Remove a recommendation; the later ones move up a number."""
    with store.write() as session:
        rec = _get(session, number)
        before = _info(session, rec)
        session.delete(rec)
        session.flush()
        for other in session.scalars(select(Recommendation).where(
                Recommendation.number > number).order_by(Recommendation.number)).all():
            other.number -= 1
            session.flush()
        _log(session, coder, "recommendation.remove", number, before, None)
        return before
