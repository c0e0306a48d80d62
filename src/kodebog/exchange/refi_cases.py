"""REFI cases to kodebog participants: matched to speakers, or given the units they cover."""

from __future__ import annotations

from collections import defaultdict

from kodebog.exchange.refi_common import RefiReport
from kodebog.exchange.refi_model import RefiCase
from kodebog.exchange.refi_sources import Placed, SourcePlan
from kodebog.i18n import _
from kodebog.sources.model import ParsedParticipant, ParsedUnit
from kodebog.sources.roles import ROLES
from kodebog.sources.speakers import fold

ROLE_NAMES = frozenset({"role", "rolle"})


def apply_cases(cases: list[RefiCase], plans: list[SourcePlan], report: RefiReport) -> None:
    """Store each case's variables on the participant it is in each linked source.

    Where several cases each claim a stretch of one source without speaker labels (survey
    answers), each stretch becomes one unit even if it holds several paragraphs. Then every
    plan's selections are cut at the final unit boundaries.
    """
    claimed = {g for case in cases for g in case.selections}
    for plan in plans:
        _merge_claimed(plan, [p for g, p in plan.placed.items() if g in claimed])
        plan.cut()
    by_source = {plan.refi.guid: plan for plan in plans}
    by_selection = {g: plan for plan in plans for g in plan.placed}
    whole: dict[str, list[ParsedParticipant]] = defaultdict(list)
    for case in cases:
        linked = dict.fromkeys(
            [by_source[g].refi.guid for g in case.sources if g in by_source]
            + [by_selection[g].refi.guid for g in case.selections if g in by_selection]
        )
        name = case.name.strip() or case.description.strip() or case.guid[:8]
        if not linked:
            report.warn(
                _("case '{name}' is linked to no imported text; its {count} variables are not "
                  "imported").format(name=name, count=len(case.variables))
            )
            continue
        for source_guid in linked:
            plan = by_source[source_guid]
            person, covered = _participant(case, name, plan)
            report.add("cases")
            if not covered and person.key not in {u.participant_key for u in plan.parsed.units}:
                whole[source_guid].append(person)
    for source_guid, people in whole.items():
        _whole_source(by_source[source_guid], people, report)


def _merge_claimed(plan: SourcePlan, claimed: list[Placed]) -> None:
    """Make each case's stretch one unit when two or more cases divide a source."""
    if len(claimed) < 2:
        return
    units = plan.parsed.units
    for placed in claimed:
        start, end = placed.placement.start, placed.placement.end
        inside = [i for i, u in enumerate(units) if u.start >= start and u.end <= end]
        if len(inside) < 2 or any(units[i].speaker for i in inside):
            continue
        first, last = inside[0], inside[-1]
        if inside != list(range(first, last + 1)):
            continue
        units[first : last + 1] = [ParsedUnit(units[first].start, units[last].end)]


def _participant(case: RefiCase, name: str, plan: SourcePlan) -> tuple[ParsedParticipant, bool]:
    """The participant for ``case`` in one source (found or new) and whether units are set."""
    prefix = f"{plan.refi.name}:"
    label = name[len(prefix):].strip() if name.startswith(prefix) else name
    if name.startswith(f"{plan.parsed.name}:"):
        label = name[len(plan.parsed.name) + 1 :].strip()
    label = label or name
    attributes = dict(case.variables)
    role = next((attributes.pop(k) for k in list(attributes) if k.casefold() in ROLE_NAMES
                 and attributes[k].casefold() in ROLES), None)
    people = plan.parsed.participants
    person = next((p for p in people if fold(label) in (fold(p.label), fold(p.key))), None)
    if person is None:
        keys = {p.key for p in people}
        key, n = label, 2
        while key in keys:
            key, n = f"{label} ({n})", n + 1
        person = ParsedParticipant(key=key, label=label)
        people.append(person)
    person.attributes.update(attributes)
    plan.case_guids.setdefault(person.key, case.guid)
    if role:
        person.role = role.casefold()
    covered = False
    for selection in case.selections:
        placed = plan.placed.get(selection)
        for piece in placed.pieces if placed else ():
            unit = plan.parsed.units[piece.unit]
            if unit.participant_key is None:
                unit.participant_key = person.key
            covered = True
    return person, covered


def _whole_source(plan: SourcePlan, people: list[ParsedParticipant], report: RefiReport) -> None:
    """Give a source's unclaimed units to the one case linked to it as a whole."""
    free = [u for u in plan.parsed.units if u.participant_key is None]
    if len(people) == 1 and len(free) == len(plan.parsed.units):
        for unit in free:
            unit.participant_key = people[0].key
        return
    names = ", ".join(f"'{p.label}'" for p in people)
    report.warn(
        _("source '{source}': cases {names} are linked to the source as a whole; kept as "
          "participants with their variables but without units").format(
            source=plan.parsed.name, names=names)
    )

