"""Suggestions in a project: training, stored suggestions, queue, accept, reject, undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kodebog import coding
from kodebog.errors import ProjectError
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.queries import find_source, find_unit
from kodebog.store import Store
from kodebog.store.models import Coding, Event, SuggestModel, Unit
from kodebog.store.models import Suggestion as SuggestionRow
from kodebog.suggest import service

from .conftest import make_parsed

CODEBOOK = """\
language: da
title: Forslag
codes:
  - id: caseworker_change
    label: Skift af sagsbehandler
    keywords: [ny sagsbehandler, skift]
    key: "1"
    examples:
      - Jeg har haft fire forskellige sagsbehandlere på et år.
      - Hver gang kom der en ny, og jeg skulle starte forfra.
  - id: contact_center
    label: Kontakt til jobcentret
    keywords: [telefontid, ringe]
    key: "2"
    examples:
      - Man kan aldrig komme igennem på telefonen.
      - Jeg ringede flere gange uden at få svar.
  - id: letters_information
    label: Breve og information
    keywords: [brev]
    key: "3"
    examples:
      - Brevene er skrevet i et sprog jeg ikke forstår.
      - Informationen i brevet var uklar.
"""

CODED = {
    "caseworker_change": [
        "Jeg har fået en ny sagsbehandler igen.",
        "Sagsbehandleren skiftede for tredje gang.",
        "Hver gang skulle jeg forklare det hele forfra for en ny.",
        "Jeg har haft fire forskellige sagsbehandlere.",
        "De skifter sagsbehandler hele tiden.",
        "Det er hårdt at starte forfra med en ny person.",
    ],
    "contact_center": [
        "Man kan aldrig komme igennem på telefonen.",
        "Jeg ringede mange gange uden svar.",
        "Telefontiden er alt for kort.",
        "Ingen tog telefonen, da jeg ringede.",
        "Jeg ventede en time i telefonkø.",
        "Det er umuligt at få fat i nogen på telefonen.",
    ],
    "letters_information": [
        "Brevet var svært at forstå.",
        "Jeg forstod ikke brevene fra kommunen.",
        "Der står alt for meget i brevene.",
        "Brevene er skrevet i et svært sprog.",
        "Jeg fik et brev, jeg ikke kunne læse.",
        "Informationen i brevet var uklar.",
    ],
}
NEW = [  # not coded: the units suggestions are asked for
    "Jeg ringede til jobcentret, men telefontiden var slut.",
    "Nu har jeg fået en ny sagsbehandler, og brevet om det kom for sent.",
    "Vejret var fint den dag.",
    "Jeg ringede igen og fik et brev bagefter.",
]
N_CODED = sum(len(texts) for texts in CODED.values())


def _turns() -> list[tuple[str, str]]:
    turns = [("Interviewer", "Fortæl om jeres erfaringer.")]
    for texts in CODED.values():
        turns += [(f"Borger {i % 3 + 1}", text) for i, text in enumerate(texts)]
    return turns + [(f"Borger {i % 3 + 1}", text) for i, text in enumerate(NEW)]


def make_store(location: str, tmp_path: Path) -> Store:
    """A project: the codebook above, one focus group, anna's codings of the CODED units."""
    codebook = tmp_path / "forslag.yaml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    store = init_project(location, codebook, coder="anna")
    import_parsed(store, make_parsed("fg1", _turns()))
    ordinal = 2  # 1 is the interviewer
    with store.write() as session:
        for code, texts in CODED.items():
            for _ in texts:
                unit = find_unit(session, find_source(session, "fg1"), ordinal)
                coding.apply_code_in(session, "anna", unit.id, code)
                ordinal += 1
    return store


def new_unit_ids(store: Store) -> list[int]:
    """Ids of the NEW units, in order."""
    first = 2 + N_CODED
    with store.read() as session:
        source = find_source(session, "fg1")
        return [find_unit(session, source, first + i).id for i in range(len(NEW))]


@pytest.fixture(scope="module", autouse=True)
def _spacy() -> None:
    """Load the pipeline once for the module (it is cached for the process)."""
    from kodebog.suggest.nlp import get_analyzer

    get_analyzer("da")


@pytest.fixture
def store(project_location: str, tmp_path: Path) -> Iterator[Store]:
    store = make_store(project_location, tmp_path)
    yield store
    store.dispose()


def all_codings(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as session:
        rows = session.execute(
            select(Coding.id, Coding.unit_id, Coding.code_id, Coding.coder_id, Coding.start,
                   Coding.end, Coding.origin).order_by(Coding.id)
        )
        return [tuple(r) for r in rows]


def events(store: Store, action: str) -> list[Event]:
    with store.read() as session:
        return list(session.scalars(select(Event).where(Event.action == action)
                                    .order_by(Event.id)))


def status(store: Store, suggestion_id: int) -> str:
    with store.read() as session:
        row = session.get(SuggestionRow, suggestion_id)
        assert row is not None
        return row.status


def suggested(store: Store, unit_id: int, coder: str = "anna", **kwargs: Any) -> dict[str, int]:
    """Code -> suggestion id for one unit."""
    out = service.suggest_for_units(store, coder, [unit_id], **kwargs)
    return {s.code: s.id for s in out[unit_id]}


# -- training --


def test_training_data_has_positives_and_rejections(store: Store) -> None:
    phone = new_unit_ids(store)[0]
    with store.read() as session:
        coded, rejected = service.training_data(session, "anna")
    assert len(coded) == N_CODED and rejected == []
    assert ("Telefontiden er alt for kort.", {"contact_center"}) in coded
    ids = suggested(store, phone)
    service.reject(store, "anna", ids["contact_center"])
    with store.read() as session:
        _, rejected = service.training_data(session, "anna")
        assert rejected == [(NEW[0], "contact_center")]
        assert service.training_data(session, "zed") == ([], [])  # a coder new to the project


def test_train_and_store_keeps_the_model_with_its_metadata(store: Store) -> None:
    info = service.train_and_store(store, "anna")
    assert set(info.codes) == {"caseworker_change", "contact_center", "letters_information"}
    assert info.coder == "anna" and info.n_coded == N_CODED and info.n_examples == 6
    assert info.codebook_version is not None and info.pipeline == "blank:da"
    with store.read() as session:
        row = session.scalars(select(SuggestModel)).one()
        assert row.meta["coder"] == "anna" and row.meta["n_coded"] == N_CODED
        assert row.meta["codes"] == info.codes and len(row.data) > 1000
        model = service.load_latest_model(session, "anna")
        assert model is not None and model.codes == info.codes
        state = service.model_state(session, "anna")
        assert state is not None and state.id == info.id == row.id
        assert state.new_codings == 0 and not state.codebook_changed
        assert service.model_state(session, "bo") is None
    [event] = events(store, "suggest.train")
    assert event.entity == "suggest_model" and event.entity_id == str(info.id)
    assert event.after is not None and event.after["n_coded"] == N_CODED

    coding.apply_code(store, "anna", new_unit_ids(store)[2], "letters_information")
    with store.read() as session:
        state = service.model_state(session, "anna")
        assert state is not None and state.new_codings == 1
    again = service.train_and_store(store, "anna")
    with store.read() as session:
        assert list(session.scalars(select(SuggestModel.id))) == [again.id]  # older dropped
    assert again.n_coded == N_CODED + 1


def test_few_codings_bootstrap_from_the_codebook_examples(store: Store) -> None:
    coding.apply_code(store, "bo", new_unit_ids(store)[0], "contact_center")
    info = service.train_and_store(store, "bo")
    assert info.n_coded == 1 and len(info.codes) == 3
    newcomer = service.train_and_store(store, "nobody")  # a coder new to the project
    assert newcomer.n_coded == 0 and len(newcomer.codes) == 3


def test_a_coder_never_gets_suggestions_from_another_coders_model(store: Store) -> None:
    anna = service.train_and_store(store, "anna")
    coding.apply_code(store, "bo", new_unit_ids(store)[2], "letters_information")
    with store.read() as session:
        mine = service._suggester(store, session, "anna", None)
        theirs = service._suggester(store, session, "bo", None)
    assert mine.model is not None and mine.model.meta.n_units == anna.n_units
    theirs.suggest([NEW[0]])  # the codebook's model is trained on first use
    assert theirs.model is not None and theirs.model.meta.n_units == 6  # codebook examples


def test_evaluation_cross_validates_on_the_coders_codings(store: Store) -> None:
    report = service.evaluate(store, "anna", folds=2, curve=(6,))
    assert report.n_units == N_CODED and report.k == 2
    assert set(report.tiers) == {"rules", "learned", "combined", "fused"}  # semantic off
    assert report.semantic.startswith("semantic tier off")
    assert report.tiers["fused"].uncoded == 0  # the new units come after the last coded one
    assert set(report.tiers["combined"].per_code) <= {
        "caseworker_change", "contact_center", "letters_information"}
    assert report.tiers["combined"].micro.support == N_CODED
    assert [p.n_train for p in report.curve] == [6, 9]
    coding.apply_code(store, "bo", new_unit_ids(store)[0], "contact_center")
    coding.remove_code(store, "bo", new_unit_ids(store)[0], "contact_center")
    with pytest.raises(ProjectError, match="'bo' has no codings"):
        service.evaluate(store, "bo")


# -- suggesting --


def test_suggesting_stores_open_suggestions_and_never_writes_a_coding(store: Store) -> None:
    before = all_codings(store)
    units = new_unit_ids(store)
    out = service.suggest_for_units(store, "anna", units)
    assert all_codings(store) == before
    assert out[units[0]][0].code == "contact_center"
    assert "caseworker_change" in {s.code for s in out[units[1]]}
    with store.read() as session:
        rows = list(session.scalars(select(SuggestionRow)))
        unit_text = {u.id: u.text for u in session.scalars(select(Unit).where(Unit.id.in_(units)))}
    assert len(rows) == sum(len(v) for v in out.values())
    assert {r.status for r in rows} == {"open"}
    for unit_id, found in out.items():
        scores = [s.score for s in found]
        assert scores == sorted(scores, reverse=True) and len(found) <= 3
        for s in found:
            assert s.source == "fg1" and s.unit_id == unit_id
            assert s.evidence or s.tier == "learned"  # keywords always show their words
            for e in s.evidence:
                assert unit_text[unit_id][e.start:e.end] == e.text


def test_codes_already_applied_are_not_suggested(store: Store) -> None:
    phone = new_unit_ids(store)[0]
    assert "contact_center" in suggested(store, phone)
    coding.apply_code(store, "anna", phone, "contact_center")
    assert "contact_center" not in suggested(store, phone)
    assert "contact_center" in suggested(store, phone, coder="bo")  # bo has not coded it


def test_suggesting_again_replaces_open_suggestions(store: Store) -> None:
    unit = new_unit_ids(store)[1]
    first = suggested(store, unit, top_k=3)
    assert len(first) >= 2
    again = suggested(store, unit, top_k=1)
    assert len(again) == 1
    (code,) = again
    assert again[code] == first[code]  # the same row, updated
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(SuggestionRow)) == 1


def test_unknown_unit_is_an_error(store: Store) -> None:
    with pytest.raises(ProjectError, match="no unit with id 99999"):
        service.suggest_for_units(store, "anna", [99999])


# -- decisions --


def test_accept_applies_the_code_with_origin_suggestion(store: Store) -> None:
    phone = new_unit_ids(store)[0]
    ids = suggested(store, phone)
    decision = service.accept(store, "anna", ids["contact_center"])
    assert decision.status == "accepted" and decision.event_id is not None
    assert (decision.source, decision.unit) == ("fg1", 2 + N_CODED)
    with store.read() as session:
        [made] = session.scalars(select(Coding).where(Coding.unit_id == phone))
        assert made.code_id == "contact_center" and made.origin == "suggestion"
        assert (made.start, made.end) == (0, len(NEW[0]))
        assert decision.coding_ids == (made.id,)
    assert status(store, ids["contact_center"]) == "accepted"
    [applied] = [e for e in events(store, "coding.apply") if e.entity_id == str(made.id)]
    [accepted] = events(store, "suggestion.accept")
    assert accepted.entity == "suggestion" and accepted.entity_id == str(ids["contact_center"])
    assert accepted.before == {"status": "open"} and accepted.ref == applied.id
    assert accepted.after is not None and accepted.after["coding_ids"] == [made.id]
    assert service.accept(store, "anna", ids["contact_center"]).event_id is None  # once only
    assert "contact_center" not in suggested(store, phone)


def test_undoing_an_accept_removes_the_coding_and_reopens_the_suggestion(store: Store) -> None:
    phone = new_unit_ids(store)[0]
    sid = suggested(store, phone)["contact_center"]
    service.accept(store, "anna", sid)
    assert coding.undo(store, "anna").action == "undo"
    with store.read() as session:
        assert session.scalar(select(func.count()).where(Coding.unit_id == phone)) == 0
        assert [s.id for s in service.queue(session, "anna", "contact_center")].count(sid) == 1
        assert sid in [s.id for s in service.unit_suggestions(session, "anna", phone)]
    assert suggested(store, phone)["contact_center"] == sid
    assert status(store, sid) == "open"
    service.accept(store, "anna", sid)
    coding.undo(store, "anna")
    coding.redo(store, "anna")
    with store.read() as session:
        [made] = session.scalars(select(Coding).where(Coding.unit_id == phone))
        assert made.origin == "suggestion"
        assert sid not in [s.id for s in service.queue(session, "anna", "contact_center")]


def test_a_rejected_pair_never_comes_back(store: Store) -> None:
    phone = new_unit_ids(store)[0]
    sid = suggested(store, phone)["contact_center"]
    decision = service.reject(store, "anna", sid)
    assert decision.status == "rejected" and decision.event_id is not None
    [event] = events(store, "suggestion.reject")
    assert event.entity_id == str(sid) and event.before == {"status": "open"}
    for top in (3, 10):
        assert "contact_center" not in suggested(store, phone, top_k=top)
    service.train_and_store(store, "anna")
    assert "contact_center" not in suggested(store, phone, top_k=10)
    assert status(store, sid) == "rejected"
    assert service.reject(store, "anna", sid).event_id is None
    reopened = service.reopen(store, "anna", sid)
    assert reopened.status == "open" and len(events(store, "suggestion.reopen")) == 1
    assert "contact_center" in suggested(store, phone)


def test_queue_walks_one_code_best_first(store: Store) -> None:
    units = new_unit_ids(store)
    service.suggest_for_units(store, "anna", units)
    with store.read() as session:
        found = service.queue(session, "anna", "contact_center")
        assert len(found) >= 2 and {s.code for s in found} == {"contact_center"}
        assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
        assert len(service.queue(session, "anna", "contact_center", limit=1)) == 1
        assert service.queue(session, "nobody", "contact_center") == []
        with pytest.raises(ProjectError, match="unknown code 'nope'"):
            service.queue(session, "anna", "nope")
    service.reject(store, "anna", found[0].id)
    with store.read() as session:
        assert found[0].id not in [s.id for s in service.queue(session, "anna", "contact_center")]


def test_decisions_check_the_suggestion_and_its_owner(store: Store) -> None:
    phone = new_unit_ids(store)[0]
    ids = suggested(store, phone)
    coding.apply_code(store, "bo", phone, "letters_information")
    with pytest.raises(ProjectError, match="made for anna, not bo"):
        service.accept(store, "bo", ids["contact_center"])
    with pytest.raises(ProjectError, match="no suggestion with id 99999"):
        service.reject(store, "anna", 99999)
    coding.apply_code(store, "anna", phone, "contact_center")
    with pytest.raises(ProjectError, match="remove the code"):
        service.reject(store, "anna", ids["contact_center"])
    assert status(store, ids["contact_center"]) == "open"
