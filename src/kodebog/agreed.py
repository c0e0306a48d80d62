"""The agreed coding: one coding for the report, derived from the coders and the decisions.

Per unit and code, for the chosen coders (default: every coder but the consensus coder):

- **settled**: the reviewer decided (``adjudication.settle``): the consensus coder's codings,
  whatever the coders did (a decision "none" leaves the unit without the code);
- **agreed**: on the double-coded sample (the units every chosen coder has read, as
  ``kodebog agree`` counts them) every chosen coder applied the code: all their codings;
- **unsettled**: on the double-coded sample some but not all applied it and nobody decided
  yet: flagged, and left out of the agreed coding until it is settled;
- **single**: outside the double-coded sample (material only some coders read): the codings
  of whoever coded it.

Nothing is stored: the agreed coding is computed each time from the codings and the log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.bulk import paused_gc
from kodebog.errors import ProjectError
from kodebog.i18n import N_, _, formats
from kodebog.store.models import CONSENSUS_CODER, Coder, Coding, Event

if TYPE_CHECKING:
    from kodebog.agreed_pairs import Codings
    from kodebog.queries import ProjectStats

AGREED = "agreed"
SETTLED = "settled"
SINGLE = "single"
UNSETTLED = "unsettled"
STATUSES = (AGREED, SETTLED, SINGLE)
"""The statuses of codings that are part of the agreed coding (unsettled ones are not)."""

RULE = N_("agreed coding: where the chosen coders all applied a code to a unit of the "
          "double-coded sample, their codings; where the reviewer settled a disagreement, the "
          "decision (the consensus coder's codings); where a disagreement is not settled yet, "
          "nothing (flagged as unsettled); outside the double-coded sample, the codings of "
          "whoever coded the unit")
"""The rule (in English in JSON; ``translate`` it where people read it)."""

RULE_DA = ("Analysen bygger på den aftalte kodning: hvor kodérne er enige, deres kodning; "
           "hvor de var uenige og uenigheden er afgjort, afgørelsen; materiale, som kun én "
           "kodér har læst, med den kodérs kodning. Uafgjorte uenigheder tæller ikke med.")
"""The rule, as reports state it in the method section."""


@dataclass(frozen=True, slots=True)
class Dispute:
    """An unsettled disagreement: a unit and code some chosen coders applied, others not."""

    unit_id: int
    code: str
    applied_by: tuple[str, ...]
    not_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AgreedRow:
    """One coding of the agreed coding and why it is there."""

    coding_id: int
    unit_id: int
    code: str
    coder: str
    status: str


@dataclass(frozen=True)
class AgreedCoding:
    """The agreed coding of some coders: its codings, and the disputes still open.

    ``rows`` and ``unsettled`` are built when first asked for: the analysis screens need
    only ``coding_ids`` and the counts.
    """

    coders: tuple[str, ...]
    consensus: str
    coding_ids: frozenset[int]
    double_coded_units: int
    pairs: tuple[tuple[str, int], ...]
    """Units x codes per status (of ``STATUSES`` and ``UNSETTLED``)."""
    settled_empty: int
    """Decisions that left a unit without the code (no coding row to show for them)."""
    read_rows: Callable[[], tuple[AgreedRow, ...]] = field(repr=False, compare=False)
    read_unsettled: Callable[[], tuple[Dispute, ...]] = field(repr=False, compare=False)

    @cached_property
    def rows(self) -> tuple[AgreedRow, ...]:
        """The codings of the agreed coding and why each is there, by coding id."""
        return self.read_rows()

    @cached_property
    def unsettled(self) -> tuple[Dispute, ...]:
        """The disagreements not settled yet, by unit and code."""
        return self.read_unsettled()

    @property
    def rule(self) -> str:
        """The rule, as printed by the CLI."""
        return RULE

    def counts(self) -> dict[str, int]:
        """Units x codes per status: ``{"agreed": n, "settled": n, "single": n, "unsettled": n}``.

        A settled decision of "none" counts as settled although it leaves no coding.
        """
        counts = dict(self.pairs)
        counts[SETTLED] += self.settled_empty
        return counts

    def explain(self) -> str:
        """The rule and what it holds, in the user's language, for the analysis screens."""
        n = self.counts()
        coders = ", ".join(self.coders) or _("no coders")
        return _("Agreed coding of {coders}: {agreed} agreed · {settled} settled · {single} "
                 "single-coder · {unsettled} unsettled (left out). Where they agree, their "
                 "coding; a settled disagreement, the decision; material only one of them "
                 "coded, that coder's.").format(
            coders=coders, agreed=formats.number(n[AGREED]),
            settled=formats.number(n[SETTLED]), single=formats.number(n[SINGLE]),
            unsettled=formats.number(n[UNSETTLED]))

    def describe(self) -> str:
        """``agreed coding of anna, bo (...): 12 agreed, 3 settled, ...`` for the CLI."""
        n = self.counts()
        return _("agreed coding of {coders} (double-coded sample: {units} units): {agreed} "
                 "agreed, {settled} settled, {single} single-coder, {unsettled} unsettled "
                 "(left out, settle them in the review)").format(
            coders=", ".join(self.coders) or _("no coders"),
            units=formats.number(self.double_coded_units), agreed=formats.number(n[AGREED]),
            settled=formats.number(n[SETTLED]), single=formats.number(n[SINGLE]),
            unsettled=formats.number(n[UNSETTLED]))


def chosen_coders(session: Session, coders: Sequence[str] | None,
                  consensus: str = CONSENSUS_CODER) -> list[str]:
    """The coders to agree: the given ones (checked), else every coder but ``consensus``."""
    known = list(session.scalars(select(Coder.name).order_by(Coder.name)))
    if not coders:
        with_codings = set(session.scalars(select(Coder.name).where(
            select(Coding.id).where(Coding.coder_id == Coder.id).exists())))
        return [c for c in known if c != consensus and c in with_codings]
    names = [c.strip() for c in coders if c.strip()]
    if consensus in names:
        raise ProjectError(_("'{consensus}' is the consensus coder: its codings are the "
                             "decisions and join the agreed coding anyway; choose the coders "
                             "who coded").format(consensus=consensus))
    if len(set(names)) != len(names):
        raise ProjectError(_("--coders {names}: name each coder once").format(
            names=",".join(names)))
    missing = [c for c in names if c not in known]
    if missing:
        raise ProjectError(_("unknown coder(s) {missing}; the project has: {known}").format(
            missing=", ".join(missing),
            known=", ".join(c for c in known if c != consensus) or _("none yet")))
    return names


def _double_coded(session: Session, coder_ids: list[int]) -> list[int]:
    """The units every chosen coder has read (the sample ``kodebog agree`` compares)."""
    if len(coder_ids) < 2:
        return []
    from kodebog.double_coded import read_up_to, shared_units

    return shared_units(session, read_up_to(session, coder_ids))


def _decisions(session: Session, consensus: str) -> dict[tuple[int, str], bool]:
    """(unit, code) -> whether the latest decision kept any span, from the settle events."""
    latest: dict[tuple[int, str], bool] = {}
    for entity_id, after in session.execute(
        select(Event.entity_id, Event.after).where(Event.action == "adjudication.settle")
        .order_by(Event.id)
    ):
        if not isinstance(after, dict) or after.get("consensus", consensus) != consensus:
            continue
        try:
            key = (int(entity_id or ""), str(after["code"]))
        except (KeyError, ValueError):
            continue
        latest[key] = bool(after.get("spans"))
    return latest


def agreed_coding(session: Session, coders: Sequence[str] | None = None, *,
                  consensus: str = CONSENSUS_CODER,
                  codings: Codings | None = None) -> AgreedCoding:
    """The agreed coding of ``coders`` (default: every coder but the consensus coder).

    ``codings``: every coding of the project as the session sees it, when the caller has
    read them already (the compare screen's coding table); otherwise they are read here.
    """
    from kodebog import agreed_pairs as arithmetic

    names = chosen_coders(session, coders, consensus)
    ids = dict(session.execute(
        select(Coder.name, Coder.id).where(Coder.name.in_([*names, consensus]))).all())
    wanted = [ids[n] for n in names if n in ids]
    bits = {coder: 1 << n for n, coder in enumerate(wanted)}
    decided = 1 << len(wanted)
    if consensus in ids:
        bits[ids[consensus]] = decided
    none_decided = [pair for pair, kept in _decisions(session, consensus).items() if not kept]
    with paused_gc():  # 300,000 codings: the collector would take half the time
        shared = _double_coded(session, wanted)
        codings = codings if codings is not None else arithmetic.Codings.read(session)
        sorting = arithmetic.sort_codings(codings, bits, decided, shared, none_decided)
        kept = np.flatnonzero(sorting.status)
        coding_ids = frozenset(codings.ids[kept].tolist())
    statuses = {arithmetic.SETTLED: SETTLED, arithmetic.SINGLE: SINGLE,
                arithmetic.AGREED: AGREED}
    name_of = {coder: name for name, coder in ids.items()}

    def read_rows() -> tuple[AgreedRow, ...]:
        chosen = kept[np.argsort(codings.ids[kept], kind="stable")]
        with paused_gc():
            return tuple(
                AgreedRow(cid, unit, codings.names[code], name_of[coder], statuses[status])
                for cid, unit, code, coder, status in zip(
                    codings.ids[chosen].tolist(), codings.units[chosen].tolist(),
                    codings.codes[chosen].tolist(), codings.coders[chosen].tolist(),
                    sorting.status[chosen].tolist(), strict=True))

    def read_unsettled() -> tuple[Dispute, ...]:
        who = {mask: (tuple(n for n, c in zip(names, wanted, strict=True) if mask & bits[c]),
                      tuple(n for n, c in zip(names, wanted, strict=True)
                            if not mask & bits[c]))
               for mask in set(sorting.open_masks)}
        return tuple(Dispute(unit, code, *who[mask]) for unit, code, mask in sorted(
            zip(sorting.open_units, map(codings.names.__getitem__, sorting.open_codes),
                sorting.open_masks, strict=True)))

    pairs = (*((statuses[status], n) for status, n in sorting.pairs.items()),
             (UNSETTLED, len(sorting.open_units)))
    return AgreedCoding(tuple(names), consensus, coding_ids, len(shared), pairs,
                        sorting.settled_empty, read_rows, read_unsettled)


def agreed_stats(session: Session, coders: Sequence[str] | None = None
                 ) -> tuple[ProjectStats, AgreedCoding]:
    """``kodebog stats`` counted on the agreed coding: codings, coded units, per code.

    ``by_code`` rows count units and codings of the agreed coding; ``by_coder`` splits the
    codings by where they come from (the coders' names and the consensus coder's).
    """
    from dataclasses import replace

    from kodebog.queries import project_stats

    agreed = agreed_coding(session, coders)
    stats = project_stats(session)
    units: dict[str, set[int]] = defaultdict(set)
    per_coder: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in agreed.rows:
        units[row.code].add(row.unit_id)
        per_coder[row.code][row.coder] += 1
    by_code = [
        {**entry, "units": len(units.get(entry["code"], ())),
         "codings": sum(per_coder.get(entry["code"], {}).values()),
         "by_coder": dict(per_coder.get(entry["code"], {}))}
        for entry in stats.by_code
    ]
    return replace(stats, coders=[*agreed.coders, agreed.consensus],
                   codings=len(agreed.rows),
                   coded_units=len({r.unit_id for r in agreed.rows}),
                   by_code=by_code), agreed
