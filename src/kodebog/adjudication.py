"""Settling disagreements: the reviewer's decision becomes the consensus coder's codings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kodebog.coding import apply_code_in, coder_id, remove_code_in
from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.store import Store
from kodebog.store.models import CONSENSUS_CODER, Coder, Coding, Event
from kodebog.users import require_reviewer

DECISIONS = ("a", "b", "both", "none")


@dataclass(frozen=True)
class Settlement:
    """What a decision wrote for the consensus coder."""

    unit_id: int
    code: str
    decision: str
    spans: tuple[tuple[int, int], ...]


def settle(
    store: Store,
    reviewer: str,
    unit_id: int,
    code: str,
    coders: tuple[str, str],
    decision: str,
    memo: str | None = None,
    consensus: str = CONSENSUS_CODER,
) -> Settlement:
    """Write the consensus codings of ``code`` on a unit: take coder A's, B's, both or none.

    One transaction: the consensus coder's previous codings of the code on the unit are
    replaced by the chosen coders' spans, each carrying the decision memo; an Event
    ``adjudication.settle`` records who decided what. Once the project has users
    (``kodebog users``), only a reviewer may settle.
    """
    if decision not in DECISIONS:
        raise ProjectError(_("decision '{decision}': choose one of {choices}").format(
            decision=decision, choices=", ".join(DECISIONS)))
    if consensus in coders:
        raise ProjectError(_("'{consensus}' is the consensus coder; compare two other "
                             "coders").format(consensus=consensus))
    with store.write() as session:
        require_reviewer(session, reviewer)
        ids = {}
        for name in coders:
            found = session.scalar(select(Coder.id).where(Coder.name == name))
            if found is None:
                raise ProjectError(_("unknown coder '{name}'").format(name=name))
            ids[name] = found
        chosen = {"a": coders[:1], "b": coders[1:], "both": coders, "none": ()}[decision]
        spans = sorted({
            (start, end)
            for start, end in session.execute(
                select(Coding.start, Coding.end).where(
                    Coding.unit_id == unit_id, Coding.code_id == code,
                    Coding.coder_id.in_([ids[c] for c in chosen]),
                )
            ).all()
        })
        remove_code_in(session, consensus, unit_id, code)
        note = memo or f"afgjort af {reviewer}: {_describe(decision, coders)}"
        for span in spans:
            apply_code_in(session, consensus, unit_id, code, span, memo=note,
                          origin="adjudication")
        session.add(Event(
            coder_id=coder_id(session, reviewer), action="adjudication.settle",
            entity="unit", entity_id=str(unit_id), before=None,
            after={"code": code, "decision": decision, "coders": list(coders),
                   "consensus": consensus, "spans": [list(s) for s in spans], "memo": note},
        ))
        return Settlement(unit_id, code, decision, tuple(spans))


def _describe(decision: str, coders: tuple[str, str]) -> str:
    return {"a": f"{coders[0]}s kodning", "b": f"{coders[1]}s kodning",
            "both": "begges kodninger", "none": "ingen kodning"}[decision]
