"""The agreed coding on a small hand-made project, with every expected coding written out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog import coding
from kodebog.adjudication import settle
from kodebog.agreed import AgreedCoding, agreed_coding
from kodebog.errors import ProjectError
from kodebog.findings import build_findings
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.queries import find_source, find_unit
from kodebog.store import Store
from kodebog.store.models import Source, Unit

from .conftest import make_parsed

SECOND = [("Borger 3", "Jeg ringede tre gange og fik aldrig svar."),
          ("Borger 4", "Brevene forstår jeg ikke.")]


def unit(store: Store, source: str, ordinal: int) -> int:
    with store.read() as session:
        return find_unit(session, find_source(session, source), ordinal).id


def build(location: str, codebook_file: Path) -> Store:
    """fg1 coded by anna and bo (both marked it done), fg2 by anna only; two decisions.

    fg1 unit 2 caseworker_relation: both coders (agreement)
    fg1 unit 3 caseworker_change: anna only, settled "a" (the consensus keeps anna's span)
    fg1 unit 2 rules_and_system: anna only, settled "none" (nobody keeps it)
    fg1 unit 4 contact_center: bo only, not settled (unsettled dispute)
    fg2 unit 1 contact_center: anna only, outside the double-coded sample (single coder)
    """
    store = init_project(location, codebook_file)
    import_parsed(store, make_parsed())
    import_parsed(store, make_parsed("fg2", SECOND))
    fg1 = {n: unit(store, "fg1", n) for n in range(1, 5)}
    coding.apply_code(store, "anna", fg1[2], "caseworker_relation")
    coding.apply_code(store, "bo", fg1[2], "caseworker_relation", (0, 31))
    coding.apply_code(store, "anna", fg1[3], "caseworker_change", (0, 32))
    coding.apply_code(store, "anna", fg1[2], "rules_and_system", (32, 60))
    coding.apply_code(store, "bo", fg1[4], "contact_center")
    coding.apply_code(store, "anna", unit(store, "fg2", 1), "contact_center")
    with store.read() as session:
        fg1_id = find_source(session, "fg1").id
    coding.mark_source_done(store, "anna", fg1_id)
    coding.mark_source_done(store, "bo", fg1_id)
    settle(store, "rikke", fg1[3], "caseworker_change", ("anna", "bo"), "a")
    settle(store, "rikke", fg1[2], "rules_and_system", ("anna", "bo"), "none")
    return store


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    """The hand-made project of ``build``."""
    store = build(project_location, codebook_file)
    yield store
    store.dispose()


def rows(store: Store, agreed: AgreedCoding) -> list[tuple[str, int, str, str, str, str]]:
    """(source, unit, code, coder, status, quoted text) of each agreed coding, sorted."""
    from kodebog.store.models import Coding

    with store.read() as session:
        texts = dict(session.execute(
            select(Coding.id, Coding.text).where(Coding.id.in_(agreed.coding_ids))).all())
        where = {uid: (name, ordinal) for uid, name, ordinal in session.execute(
            select(Unit.id, Source.name, Unit.ordinal).join(Source))}
    return sorted((*where[r.unit_id], r.code, r.coder, r.status, texts[r.coding_id])
                  for r in agreed.rows)


def test_agreed_coding_takes_agreements_decisions_and_single_coder_material(store: Store) -> None:
    with store.read() as session:
        agreed = agreed_coding(session)
    assert agreed.coders == ("anna", "bo")
    assert rows(store, agreed) == [
        ("fg1", 2, "caseworker_relation", "anna", "agreed",
         "Min sagsbehandler lyttede ikke. Jeg følte mig som et nummer."),
        ("fg1", 2, "caseworker_relation", "bo", "agreed", "Min sagsbehandler lyttede ikke."),
        ("fg1", 3, "caseworker_change", "konsensus", "settled",
         "Jeg har haft fire sagsbehandlere"),
        ("fg2", 1, "contact_center", "anna", "single",
         "Jeg ringede tre gange og fik aldrig svar."),
    ]
    assert [(d.unit_id, d.code, d.applied_by, d.not_by) for d in agreed.unsettled] == [
        (unit(store, "fg1", 4), "contact_center", ("bo",), ("anna",))]
    assert agreed.counts() == {"agreed": 1, "settled": 2, "single": 1, "unsettled": 1}
    assert agreed.double_coded_units == 4
    assert "settled" in agreed.rule and "unsettled" in agreed.describe()


def test_settling_the_open_dispute_brings_it_in(store: Store) -> None:
    settle(store, "rikke", unit(store, "fg1", 4), "contact_center", ("anna", "bo"), "b")
    with store.read() as session:
        agreed = agreed_coding(session)
    assert agreed.unsettled == ()
    assert ("fg1", 4, "contact_center", "konsensus", "settled",
            "Man kan aldrig få fat i nogen på telefonen 😡") in rows(store, agreed)


def test_one_chosen_coder_is_all_single_coder_material(store: Store) -> None:
    with store.read() as session:
        agreed = agreed_coding(session, ["bo"])
    # the decisions stand whoever is chosen; bo's fg1 codings are his alone then
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows(store, agreed)] == [
        ("fg1", 2, "caseworker_relation", "bo", "single"),
        ("fg1", 3, "caseworker_change", "konsensus", "settled"),
        ("fg1", 4, "contact_center", "bo", "single"),
    ]


def test_findings_on_the_agreed_coding_count_only_it(store: Store) -> None:
    with store.read() as session:
        findings = build_findings(session, agreed=True)
    units = {t.code.id: t.units for t in findings.themes}
    assert units == {"caseworker_relation": 1, "caseworker_change": 1, "contact_center": 1,
                     "rules_and_system": 0}
    assert findings.scope.agreed is not None
    assert findings.scope.agreed.counts()["unsettled"] == 1
    with store.read() as session:
        everyone = build_findings(session)
    assert {t.code.id: t.units for t in everyone.themes}["contact_center"] == 2


def test_choosing_the_consensus_coder_or_an_unknown_one_is_refused(store: Store) -> None:
    with store.read() as session, pytest.raises(ProjectError, match="consensus coder"):
        agreed_coding(session, ["anna", "konsensus"])
    with store.read() as session, pytest.raises(ProjectError, match="unknown coder"):
        agreed_coding(session, ["anna", "kim"])


def test_coding_by_hand_as_the_consensus_coder_is_refused(store: Store) -> None:
    with pytest.raises(ProjectError, match="reserved for the reviewer's decisions"):
        coding.apply_code(store, "konsensus", unit(store, "fg1", 1), "contact_center")
    with pytest.raises(ProjectError, match="reserved"):
        coding.toggle_code(store, "konsensus", unit(store, "fg1", 1), "contact_center")
    with pytest.raises(ProjectError, match="reserved"):  # a decision is changed by settling
        coding.remove_code(store, "konsensus", unit(store, "fg1", 3), "caseworker_change")


def test_export_agreed_prints_the_rule_and_counts_the_agreed_coding(
        tmp_path: Path, codebook_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from kodebog.cli import main

    location = str(tmp_path / "agreed.kodebog")
    build(location, codebook_file).dispose()
    output = tmp_path / "fund.json"
    assert main(["export", location, "--agreed", "--coders", "anna,bo", "-o", str(output)]) == 0
    out = capsys.readouterr().out
    assert "agreed coding of anna, bo" in out and "1 unsettled" in out
    assert out.splitlines()[-1].startswith("rule: agreed coding: where the chosen coders")
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["scope"]["filters"]["agreed"] is True
    assert data["scope"]["agreed"]["settled"] == 2
    assert {t["code"]: t["units"] for t in data["themes"]}["contact_center"] == 1
    assert main(["export", location, "--coders", "anna", "-o", str(output)]) == 1
    assert "add --agreed" in capsys.readouterr().err


def test_stats_on_the_agreed_coding(store: Store) -> None:
    from kodebog.agreed import agreed_stats

    with store.read() as session:
        stats, agreed = agreed_stats(session)
    assert stats.codings == 4 and stats.coded_units == 3
    rows = {r["code"]: (r["units"], r["codings"], r["by_coder"]) for r in stats.by_code}
    assert rows["caseworker_relation"] == (1, 2, {"anna": 1, "bo": 1})
    assert rows["caseworker_change"] == (1, 1, {"konsensus": 1})
    assert rows["contact_center"] == (1, 1, {"anna": 1})  # fg2 only; fg1 is unsettled
    assert rows["rules_and_system"] == (0, 0, {})
    assert len(agreed.unsettled) == 1


def test_cli_stats_agreed(tmp_path: Path, codebook_file: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.cli import main

    location = str(tmp_path / "agreed.kodebog")
    build(location, codebook_file).dispose()
    assert main(["stats", location, "--agreed"]) == 0
    out = capsys.readouterr().out
    assert "codings      4 on 3 units" in out
    assert "1 agreed, 2 settled, 1 single-coder, 1 unsettled" in out and "rule: " in out


def reference(session: Session, names: list[str]) -> tuple[list[tuple[int, int, str, str, str]],
                                                           list[tuple[Any, ...]], int, int]:
    """The agreed coding worked out pair by pair from the rule, with no shortcuts.

    (coding id, unit, code, coder, status) rows by id, unsettled disputes by unit and code,
    settled "none" decisions without a coding, and the double-coded units.
    """
    from kodebog.store.models import Coder, Coding, Event, SourceStatus

    ids = {c.name: c.id for c in session.scalars(select(Coder))}
    name_of = {v: k for k, v in ids.items()}
    chosen = {ids[n] for n in names}
    units = {u.id: u for u in session.scalars(select(Unit))}
    read: dict[int, dict[int, int]] = {}  # source -> coder -> last ordinal read
    for c in session.scalars(select(Coding).where(Coding.coder_id.in_(chosen))):
        last = read.setdefault(units[c.unit_id].source_id, {})
        last[c.coder_id] = max(last.get(c.coder_id, 0), units[c.unit_id].ordinal)
    for done in session.scalars(select(SourceStatus).where(SourceStatus.coder_id.in_(chosen))):
        read.setdefault(done.source_id, {})[done.coder_id] = 10 ** 9
    sample = {uid for uid, u in units.items() if len(chosen) > 1
              and set(read.get(u.source_id, {})) == chosen
              and u.ordinal <= min(read[u.source_id].values())}
    decisions = {}
    for event in session.scalars(select(Event).where(Event.action == "adjudication.settle")
                                 .order_by(Event.id)):
        decisions[(int(event.entity_id or 0), event.after["code"])] = bool(
            event.after.get("spans"))
    by_pair: dict[tuple[int, str], list[Coding]] = {}
    for c in session.scalars(select(Coding).order_by(Coding.id)):
        by_pair.setdefault((c.unit_id, c.code_id), []).append(c)
    rows: list[tuple[int, int, str, str, str]] = []
    unsettled: list[tuple[Any, ...]] = []
    settled_empty = 0
    for pair in sorted(set(by_pair) | set(decisions)):
        found = by_pair.get(pair, [])
        decided = [c for c in found if name_of[c.coder_id] == "konsensus"]
        coded = [c for c in found if c.coder_id in chosen]
        if decided:
            rows += [(c.id, *pair, "konsensus", "settled") for c in decided]
        elif pair in decisions and not decisions[pair]:
            settled_empty += 1
        elif coded and pair[0] in sample and {c.coder_id for c in coded} != chosen:
            applied = {c.coder_id for c in coded}
            unsettled.append((*pair, tuple(n for n in names if ids[n] in applied),
                              tuple(n for n in names if ids[n] not in applied)))
        else:
            status = "agreed" if pair[0] in sample else "single"
            rows += [(c.id, *pair, name_of[c.coder_id], status) for c in coded]
    return sorted(rows), unsettled, settled_empty, len(sample)


@pytest.mark.parametrize("coders", [None, ["anna", "bo"], ["bo", "cai"], ["cai"]])
def test_agreed_coding_equals_the_rule_worked_out_pair_by_pair(
        store: Store, coders: list[str] | None) -> None:
    """Three coders, two spans by one coder, codings of coders not chosen, decisions."""
    fg1 = {n: unit(store, "fg1", n) for n in range(1, 5)}
    coding.apply_code(store, "anna", fg1[2], "caseworker_relation", (0, 31))  # a second span
    coding.apply_code(store, "cai", fg1[2], "caseworker_relation")
    coding.apply_code(store, "cai", fg1[1], "contact_center")
    coding.apply_code(store, "cai", fg1[3], "caseworker_change")  # settled anyway
    coding.apply_code(store, "cai", fg1[2], "rules_and_system")  # settled "none"
    coding.apply_code(store, "cai", unit(store, "fg2", 2), "rules_and_system")
    with store.read() as session:
        fg1_id = find_source(session, "fg1").id
    coding.mark_source_done(store, "cai", fg1_id)
    with store.read() as session:
        agreed = agreed_coding(session, coders)
        rows, unsettled, settled_empty, sample = reference(session, list(agreed.coders))
    assert agreed.coders == tuple(coders or ("anna", "bo", "cai"))
    assert [(r.coding_id, r.unit_id, r.code, r.coder, r.status) for r in agreed.rows] == rows
    assert agreed.coding_ids == {r[0] for r in rows}
    assert [(d.unit_id, d.code, d.applied_by, d.not_by) for d in agreed.unsettled] == unsettled
    assert (agreed.settled_empty, agreed.double_coded_units) == (settled_empty, sample)
    assert agreed.counts() == {
        **{status: len({r[1:3] for r in rows if r[4] == status})
           for status in ("agreed", "single")},
        "settled": len({r[1:3] for r in rows if r[4] == "settled"}) + settled_empty,
        "unsettled": len(unsettled)}
    if coders is None:  # every case of the rule is there
        assert {r[4] for r in rows} == {"agreed", "settled", "single"}
        assert unsettled and settled_empty == 1


def test_agreed_coding_of_a_project_without_codings(project_location: str,
                                                    codebook_file: Path) -> None:
    store = init_project(project_location, codebook_file)
    import_parsed(store, make_parsed())
    with store.read() as session:
        agreed = agreed_coding(session)
    store.dispose()
    assert (agreed.coders, agreed.rows, agreed.unsettled, agreed.coding_ids) == ((), (), (), set())
    assert agreed.counts() == {"agreed": 0, "settled": 0, "single": 0, "unsettled": 0}
