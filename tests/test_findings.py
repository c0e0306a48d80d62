"""Findings: counts per group, co-occurrence, quotes with citations, checks and statements."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, text

from kodebog.coding import apply_code_in
from kodebog.demo import example_files
from kodebog.errors import ProjectError
from kodebog.findings import (
    Findings,
    PersonalDataError,
    QuoteError,
    Theme,
    build_findings,
    check_personal_data,
    finding_texts,
    order_values,
    set_finding,
    short_name,
    short_names,
)
from kodebog.importing import import_parsed
from kodebog.paths import example_codebook
from kodebog.project import init_project
from kodebog.queries import find_source, find_unit
from kodebog.sources import read_source
from kodebog.store import Store, open_project
from kodebog.store.models import Event, Finding

FG = "fokusgruppe_borgere_aarhus"
STAFF = "fokusgruppe_medarbejdere"
CITIZEN = "interview_borger_sygedagpenge"
CASEWORKER = "interview_sagsbehandler"
SURVEY = "survey_kommentarer"


@dataclass(frozen=True)
class Fixed:
    """One coding of the fixed set: a whole unit, or the span where ``phrase`` stands."""

    coder: str
    source: str
    unit: int
    code: str
    phrase: str | None = None
    key: bool = False
    memo: str | None = None


CODINGS = (
    Fixed("anna", FG, 12, "first_meeting"),
    Fixed("anna", FG, 13, "first_meeting", key=True),
    Fixed("bo", FG, 13, "first_meeting"),
    Fixed("anna", FG, 14, "first_meeting", phrase="Det er jo fint nok, når man er heldig."),
    Fixed("anna", FG, 22, "caseworker_relation", key=True, memo="Godt eksempel på tillid"),
    Fixed("anna", FG, 23, "caseworker_relation"),
    Fixed("anna", FG, 24, "meeting_time"),
    Fixed("bo", FG, 24, "caseworker_relation"),
    Fixed("anna", STAFF, 15, "first_meeting"),
    Fixed("anna", STAFF, 17, "meeting_time"),
    Fixed("anna", STAFF, 18, "rules_and_system"),
    Fixed("anna", CASEWORKER, 6, "meeting_time",
          phrase="At møderne bliver kortere, end de burde."),
    Fixed("anna", CASEWORKER, 8, "first_meeting"),
    Fixed("anna", CITIZEN, 6, "first_meeting"),
    Fixed("anna", CITIZEN, 6, "physical_setting"),
    Fixed("anna", CITIZEN, 8, "first_meeting"),
    Fixed("anna", SURVEY, 1, "physical_setting"),
    Fixed("anna", SURVEY, 3, "caseworker_change"),
    Fixed("anna", SURVEY, 4, "rules_and_system"),
    Fixed("anna", SURVEY, 5, "caseworker_change"),
    Fixed("anna", SURVEY, 6, "contact_center"),
    Fixed("anna", SURVEY, 8, "meeting_time"),
    Fixed("anna", SURVEY, 9, "physical_setting"),
    Fixed("bo", SURVEY, 9, "physical_setting", key=True),
    Fixed("anna", SURVEY, 10, "activities_and_offers"),
    Fixed("anna", SURVEY, 12, "activities_and_offers"),
    Fixed("anna", SURVEY, 83, "activities_and_offers"),  # lines starting with "- "
    Fixed("anna", SURVEY, 115, "caseworker_relation", key=True),  # two paragraphs
)
STATEMENT = ("Det første møde sætter tonen for hele forløbet. Borgere, der blev mødt af en, der "
             "lyttede, beskriver et bedre samarbejde bagefter.")


def unit_id(store: Store, source: str, ordinal: int) -> int:
    """The id of a unit by source name and number."""
    with store.read() as session:
        return find_unit(session, find_source(session, source), ordinal).id


def apply_fixed(store: Store, codings: tuple[Fixed, ...] = CODINGS) -> None:
    """Apply codings in one transaction."""
    with store.write() as session:
        for c in codings:
            unit = find_unit(session, find_source(session, c.source), c.unit)
            span = None
            if c.phrase is not None:
                start = unit.text.index(c.phrase)
                span = (start, start + len(c.phrase))
            apply_code_in(session, c.coder, unit.id, c.code, span, memo=c.memo,
                          key_quote=c.key or None, origin="manual")


def build_fixture_project(path: Path | str) -> Path | str:
    """The bundled codebook and material with the fixed codings and one finding."""
    store = init_project(path, example_codebook(), coder="anna")
    try:
        for file in example_files():
            import_parsed(store, read_source(file), coder="anna")
        apply_fixed(store)
        set_finding(store, "first_meeting", STATEMENT, "anna")
    finally:
        store.dispose()
    return path


_BUILT: list[Path] = []


def open_fixture_copy(factory: pytest.TempPathFactory, folder: Path) -> Store:
    """A private copy of the fixture project (built once per session), open."""
    if not _BUILT:
        built = factory.mktemp("fixture") / "fixture.kodebog"
        _BUILT.append(Path(build_fixture_project(built)))
    copy = folder / "project.kodebog"
    shutil.copyfile(_BUILT[0], copy)
    return open_project(copy)


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the fixture project, open."""
    store = open_fixture_copy(tmp_path_factory, tmp_path)
    yield store
    store.dispose()


def findings_of(store: Store, **kwargs: object) -> Findings:
    """build_findings in a read session."""
    with store.read() as session:
        return build_findings(session, **kwargs)  # type: ignore[arg-type]


def theme(findings: Findings, code: str) -> Theme:
    """The theme of a code."""
    return next(t for t in findings.themes if t.code.id == code)


# --- counts ----------------------------------------------------------------------------------


def test_themes_follow_the_codebook_with_depth(project: Store) -> None:
    findings = findings_of(project)
    ids = [t.code.id for t in findings.themes]
    assert ids[:4] == ["caseworker_relation", "first_meeting", "meeting_time",
                       "caseworker_change"]
    assert len(ids) == 12
    first = theme(findings, "first_meeting")
    assert (first.code.depth, first.code.parent) == (1, "caseworker_relation")
    assert theme(findings, "caseworker_relation").code.depth == 0
    assert first.code.include and first.code.exclude and first.code.description
    assert findings.title == "Borgernes oplevelse af jobcentret"


def test_counts_are_one_per_unit_and_code_across_coders(project: Store) -> None:
    findings = findings_of(project)
    first = theme(findings, "first_meeting")
    # FG 12, 13 (anna and bo), 14; staff 15; caseworker 8; citizen 6, 8
    assert (first.units, first.codings, first.sources) == (7, 8, 4)
    assert first.participants == 6  # the citizen interview is one person
    assert findings.scope.units == 619 and findings.scope.participants == 359
    assert findings.scope.coders == ("anna", "bo")


def test_groups_have_counts_and_the_groups_totals(project: Store) -> None:
    findings = findings_of(project)
    totals = {(g.dimension, g.value): g for g in findings.scope.groups}
    assert totals[("role", "borger")].units == 455
    assert totals[("role", "leder")].participants == 1
    assert [g.value for g in findings.scope.groups if g.dimension == "tilfredshed"] == [
        "meget tilfreds", "tilfreds", "hverken eller", "utilfreds", "meget utilfreds"]
    physical = theme(findings, "physical_setting")
    groups = {(g.dimension, g.value): g for g in physical.groups}
    assert groups[("role", "borger")].units == 3
    assert groups[("role", "medarbejder")].units == 0
    kommune = groups[("kommune", "Rødovre")]
    assert kommune.units == 2 and kommune.units_total == totals[("kommune", "Rødovre")].units
    assert kommune.unit_share == pytest.approx(2 / kommune.units_total)
    first = theme(findings, "first_meeting")
    assert all(g.dimension == "role" for g in first.groups)  # no survey unit: no attributes


def test_co_occurring_codes_share_units(project: Store) -> None:
    findings = findings_of(project)
    physical = theme(findings, "physical_setting")
    assert [(c.code, c.units) for c in physical.co_occurring] == [("first_meeting", 1)]
    meeting = theme(findings, "meeting_time")
    assert ("caseworker_relation", 1) in [(c.code, c.units) for c in meeting.co_occurring]


def test_values_are_ordered_by_scale_or_naturally() -> None:
    assert order_values("forloebslaengde", ["over 2 år", "under 1 år", "1-2 år"]) == [
        "under 1 år", "1-2 år", "over 2 år"]
    assert order_values("role", ["interviewer", "leder", "borger"]) == [
        "borger", "leder", "interviewer"]
    assert order_values("gruppe", ["hold 10", "hold 2", "Hold 1"]) == [
        "Hold 1", "hold 2", "hold 10"]


# --- filters ---------------------------------------------------------------------------------


def test_coder_filter_counts_only_that_coders_codings(project: Store) -> None:
    findings = findings_of(project, coder="bo")
    assert findings.scope.coders == ("bo",)
    assert theme(findings, "first_meeting").units == 1
    assert theme(findings, "physical_setting").units == 1
    assert theme(findings, "meeting_time").units == 0


def test_code_source_and_where_filters(project: Store) -> None:
    only = findings_of(project, codes=["physical_setting", "first_meeting"])
    assert [t.code.id for t in only.themes] == ["first_meeting", "physical_setting"]
    survey = findings_of(project, sources=[SURVEY])
    assert survey.scope.units == 336 and theme(survey, "physical_setting").units == 2
    staff = findings_of(project, where={"role": "medarbejder"})
    assert staff.scope.participants == 8
    assert theme(staff, "first_meeting").units == 1  # staff 15 is the leader's: not included
    assert theme(staff, "meeting_time").units == 2
    rodovre = findings_of(project, where={"kommune": "Rødovre"})
    assert theme(rodovre, "physical_setting").units == 2
    assert theme(rodovre, "first_meeting").units == 0


def test_filters_name_what_is_wrong(project: Store) -> None:
    with pytest.raises(ProjectError, match="no participant has the attribute 'kommne'"):
        findings_of(project, where={"kommne": "Aarhus"})
    with pytest.raises(ProjectError, match="values of 'kommune': Aarhus, Gladsaxe"):
        findings_of(project, where={"kommune": "Odense"})
    with pytest.raises(ProjectError, match="unknown code 'nope'"):
        findings_of(project, codes=["nope"])
    with pytest.raises(ProjectError, match="no source named 'nope'"):
        findings_of(project, sources=["nope"])
    with pytest.raises(ProjectError, match="no coder named 'carl'; the project's coders are: "
                                           "anna, bo"):
        findings_of(project, coder="carl")


# --- quotes ----------------------------------------------------------------------------------


def test_quotes_key_first_verbatim_and_attributed(project: Store) -> None:
    first = theme(findings_of(project), "first_meeting")
    assert len(first.quotes) == 5
    top = first.quotes[0]
    assert top.key_quote and top.coders == ("anna", "bo")
    assert top.citation == "FG-borgere-aarhus:13 [00:03:49]"
    assert top.attribution == "— Borger 1, fokusgruppe borgere aarhus"
    assert top.attribution_short == "(borger)"
    assert [q.citation for q in first.quotes] == [q.citation for q in
                                                  theme(findings_of(project), "first_meeting")
                                                  .quotes]  # deterministic
    with project.read() as session:
        for quote in first.quotes:
            unit = find_unit(session, find_source(session, quote.source), quote.unit)
            assert unit.source.text[unit.start + quote.start:unit.start + quote.end] == quote.text


def test_a_span_shorter_than_its_unit_is_marked_where_text_was_left_out(project: Store) -> None:
    findings = findings_of(project, quotes=20)
    heldig = next(q for q in theme(findings, "first_meeting").quotes if q.unit == 14)
    assert heldig.display == "Det er jo fint nok, når man er heldig. […]"
    assert heldig.cut_after and not heldig.cut_before
    middle = next(q for q in theme(findings, "meeting_time").quotes
                  if q.source == CASEWORKER)
    assert middle.display == "[…] At møderne bliver kortere, end de burde. […]"
    assert middle.citation == "INT-sagsbehandler:6 [00:00:57]"


def test_survey_quotes_show_the_respondents_background(project: Store) -> None:
    quote = theme(findings_of(project), "contact_center").quotes[0]
    assert quote.citation == "SP-kommentarer:6"
    assert quote.attribution == ("— Respondent R0006 (kontanthjælp jobparat, under 1 år), "
                                 "survey kommentarer")
    assert quote.attributes["kommune"] == "Silkeborg"


def test_quotes_vary_sources_and_respect_the_limit(project: Store) -> None:
    first = theme(findings_of(project, quotes=3), "first_meeting")
    assert len(first.quotes) == 3
    assert len({q.source for q in first.quotes}) == 3
    assert theme(findings_of(project, quotes=0), "first_meeting").quotes == ()


def test_pinned_quotes_come_first(project: Store) -> None:
    with project.read() as session:
        coding_id = session.execute(text(
            "SELECT c.id FROM coding c JOIN unit u ON u.id = c.unit_id JOIN source s "
            "ON s.id = u.source_id WHERE s.name = :s AND u.ordinal = 8 AND c.code_id = "
            "'first_meeting'"), {"s": CASEWORKER}).scalar_one()
    set_finding(project, "first_meeting", STATEMENT, "anna", quotes=[coding_id])
    quotes = theme(findings_of(project), "first_meeting").quotes
    assert quotes[0].coding_id == coding_id and quotes[0].pinned
    assert quotes[1].key_quote


def test_short_names_for_citations() -> None:
    assert short_name("fokusgruppe_borgere_aarhus", "focus_group") == "FG-borgere-aarhus"
    assert short_name("interview_sagsbehandler", "interview") == "INT-sagsbehandler"
    assert short_name("survey_kommentarer", "survey") == "SP-kommentarer"
    assert short_name("Randers borgere 2024", "focus_group") == "FG-Randers-borgere-2024"
    assert short_name("noter", "document") == "DOK-noter"
    names = short_names([(1, "fg_a", "focus_group", None), (2, "fokusgruppe-a", "focus_group",
                                                            None),
                         (3, "x", "interview", {"short_name": "INT-Anna"})])
    assert names == {1: "FG-a", 2: "FG-a-2", 3: "INT-Anna"}  # clashes numbered in name order


# --- checks ----------------------------------------------------------------------------------


def test_a_tampered_quote_is_refused_naming_coding_source_and_unit(project: Store) -> None:
    with project.write() as session:
        coding_id = session.execute(text(
            "SELECT c.id FROM coding c JOIN unit u ON u.id = c.unit_id WHERE u.ordinal = 22 "
            "AND c.code_id = 'caseworker_relation'")).scalar_one()
        session.execute(text("UPDATE coding SET text = 'Hun er guld værd.' WHERE id = :i"),
                        {"i": coding_id})
    with pytest.raises(QuoteError) as caught:
        findings_of(project)
    message = str(caught.value)
    assert f"coding {coding_id} (caseworker_relation, coder anna)" in message
    assert f"in {FG} unit 22" in message and "\n" not in message


def test_a_unit_that_no_longer_matches_its_source_is_refused(project: Store) -> None:
    with project.write() as session:
        session.execute(text("UPDATE unit SET text = 'anden tekst' WHERE ordinal = 12 AND "
                             "source_id = (SELECT id FROM source WHERE name = :s)"), {"s": FG})
    with pytest.raises(QuoteError, match=f"{FG} unit 12: the unit's stored text differs"):
        findings_of(project)


def test_personal_data_in_a_quote_is_named_masked(project: Store) -> None:
    apply_fixed(project, (Fixed("anna", SURVEY, 32, "contact_center", key=True),))
    findings = findings_of(project)
    with pytest.raises(PersonalDataError) as caught:
        check_personal_data(finding_texts(findings))
    message = str(caught.value)
    assert "SP-kommentarer:32" in message and "phone number" in message
    assert "12 34 56 78" not in message


# --- statements ------------------------------------------------------------------------------


def test_set_finding_versions_and_logs(project: Store) -> None:
    change = set_finding(project, "first_meeting", "Ny formulering.", "bo")
    assert (change.version, change.created) == (2, False)
    with project.read() as session:
        finding = session.scalar(select(Finding).where(Finding.code_id == "first_meeting"))
        assert finding is not None
        assert (finding.statement, finding.version, finding.updated_by) == (
            "Ny formulering.", 2, "bo")
        event = session.get(Event, change.event_id)
        assert event is not None and event.action == "finding.update"
        assert event.before == {"statement": STATEMENT, "quotes": [], "version": 1}
        assert event.after == {"statement": "Ny formulering.", "quotes": [], "version": 2}
    statement = theme(findings_of(project), "first_meeting").statement
    assert statement is not None and statement.text == "Ny formulering."


def test_set_finding_refuses_an_unknown_code(project: Store) -> None:
    with pytest.raises(ProjectError, match="unknown code 'nope'; the codebook has: "
                                           "caseworker_relation, first_meeting"):
        set_finding(project, "nope", "x", "anna")
    with pytest.raises(ProjectError, match="coding 999999 is not a coding of 'first_meeting'"):
        set_finding(project, "first_meeting", "x", "anna", quotes=[999999])
