"""Full-text search over units on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from kodebog import coding
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.search import (
    SearchFilters,
    highlight_offsets,
    parse_query,
    search_facets,
    search_units,
)
from kodebog.store import Store
from kodebog.store.models import Participant, Unit

from ..conftest import make_parsed

TURNS = [
    ("Interviewer", "Hvordan var det første møde med jobcentret?"),
    ("Borger 1", "Min sagsbehandler lyttede ikke. Jeg følte mig som et nummer."),
    ("Borger 2", "Jeg har haft fire sagsbehandlere på et år – det er for meget."),
    ("Borger 1", "Man kan aldrig få fat i nogen på telefonen 😡"),
    ("Sagsbehandler", "Vi har for mange sager, og telefontiden er kort. Ærligt talt."),
]


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    """A project with two sources; the second is imported after the first is coded."""
    store = init_project(project_location, codebook_file, coder="anna")
    import_parsed(store, make_parsed("fg1", TURNS))
    import_parsed(store, make_parsed("fg2", [("Borger 3", "Øresund og åen ved Ærø.")]))
    with store.write() as session:
        session.execute(
            update(Participant)
            .where(Participant.key == "fg1:Borger 1")
            .values(attributes={"ydelse": "dagpenge"})
        )
        session.execute(
            update(Participant)
            .where(Participant.key == "fg1:Borger 2")
            .values(attributes={"ydelse": "kontanthjælp"})
        )
    yield store
    store.dispose()


def _where(store: Store, query: str, filters: SearchFilters | None = None) -> list[str]:
    with store.read() as session:
        result = search_units(session, query, filters)
    return [f"{hit.source}#{hit.ordinal}" for hit in result.hits]


def test_words_match_as_prefixes_in_document_order(store: Store) -> None:
    assert _where(store, "sagsbehandler") == ["fg1#2", "fg1#3"]
    assert _where(store, "telefon") == ["fg1#4", "fg1#5"]
    assert _where(store, "telefon sager") == ["fg1#5"]


def test_danish_letters_match_themselves(store: Store) -> None:
    assert _where(store, "ærø") == ["fg2#1"]
    assert _where(store, "øresund") == ["fg2#1"]
    assert _where(store, "aero") == []


def test_phrases_and_exclusions(store: Store) -> None:
    assert _where(store, '"få fat"') == ["fg1#4"]
    assert _where(store, "telefon -sager") == ["fg1#4"]


def test_query_without_words_falls_back_to_like(store: Store) -> None:
    with store.read() as session:
        result = search_units(session, "😡")
    assert result.mode == "like"
    assert [h.ordinal for h in result.hits] == [4]
    assert result.hits[0].highlights == ((len(TURNS[3][1]) - 1, len(TURNS[3][1])),)


def test_hits_carry_highlight_offsets(store: Store) -> None:
    with store.read() as session:
        hit = search_units(session, "Sagsbehandler nummer").hits
    # both words must be in a unit: only the second turn has both
    assert [h.ordinal for h in hit] == [2]
    text = hit[0].text
    assert [text[s:e] for s, e in hit[0].highlights] == ["sagsbehandler", "nummer"]


def test_filters_uncoded_code_speaker_role_attribute(store: Store) -> None:
    with store.read() as session:
        ids = {u.ordinal: u.id for u in session.scalars(select(Unit).where(Unit.source_id == 1))}
    coding.apply_code(store, "anna", ids[2], "caseworker_relation")
    coding.apply_code(store, "bo", ids[3], "caseworker_change")
    anna = SearchFilters(coder="anna")
    assert _where(store, "sagsbehandler", SearchFilters(coder="anna", uncoded=True)) == ["fg1#3"]
    assert _where(store, "", SearchFilters(coder="anna", code="caseworker_relation")) == ["fg1#2"]
    assert _where(store, "", SearchFilters(code="caseworker_change")) == ["fg1#3"]
    assert _where(store, "", SearchFilters(coder="anna", code="caseworker_change")) == []
    assert _where(store, "", SearchFilters(speaker="Borger 1")) == ["fg1#2", "fg1#4"]
    assert _where(store, "", SearchFilters(role="interviewer")) == ["fg1#1"]
    assert _where(store, "", SearchFilters(attribute=("ydelse", "kontanthjælp"))) == ["fg1#3"]
    assert len(_where(store, "", anna)) == 6


def test_index_follows_inserts_and_deletes(store: Store) -> None:
    import_parsed(store, make_parsed("fg3", [("Borger 9", "Klippekort til busserne.")]))
    assert _where(store, "klippekort") == ["fg3#1"]
    with store.write() as session:
        source_id = session.scalar(select(Unit.source_id).where(Unit.text.contains("Klippe")))
        session.execute(delete(Unit).where(Unit.source_id == source_id))
    assert _where(store, "klippekort") == []


def test_facets_list_speakers_roles_and_attributes(store: Store) -> None:
    with store.read() as session:
        facets = search_facets(session)
    assert "Borger 1" in facets.speakers and "Interviewer" in facets.speakers
    assert facets.roles == ["borger", "interviewer"]
    assert facets.attributes == {"ydelse": ["dagpenge", "kontanthjælp"]}


def test_highlights_ignore_case_and_find_stems() -> None:
    text = "Møderne med Sagsbehandleren var gode; mødet var kort."
    assert [text[s:e] for s, e in highlight_offsets(text, "sagsbehandler")] == ["Sagsbehandleren"]
    assert [text[s:e] for s, e in highlight_offsets(text, "møder")] == ["Møderne"]
    assert [text[s:e] for s, e in highlight_offsets(text, "mødet")] == ["mødet"]
    assert parse_query('telefon "få fat" -sager').phrases == (("få", "fat"),)
