"""Store, import, coding and undo/redo on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from kodebog import coding
from kodebog.errors import KodebogError, ProjectError
from kodebog.importing import import_parsed
from kodebog.project import init_project, update_codebook
from kodebog.queries import find_source, find_unit, list_sources, list_units, project_stats
from kodebog.store import Store, open_project
from kodebog.store.engine import SCHEMA_HEAD
from kodebog.store.models import Code, CodebookVersion, Coding, Event, Participant, Unit

from .conftest import make_parsed


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    """A new project with the small codebook and one imported focus group."""
    store = init_project(project_location, codebook_file, coder="anna")
    import_parsed(store, make_parsed())
    yield store
    store.dispose()


def unit_id(store: Store, ordinal: int, source: str = "fg1") -> int:
    with store.read() as session:
        return find_unit(session, find_source(session, source), ordinal).id


def codings(store: Store, coder: str | None = None) -> list[tuple[int, str, int, int, str]]:
    """(unit ordinal, code, start, end, text) of every coding, sorted."""
    with store.read() as session:
        query = select(Unit.ordinal, Coding.code_id, Coding.start, Coding.end, Coding.text).join(
            Unit, Unit.id == Coding.unit_id)
        if coder:
            from kodebog.store.models import Coder

            query = query.join(Coder, Coder.id == Coding.coder_id).where(Coder.name == coder)
        return sorted(session.execute(query).all())


def test_new_project_is_at_schema_head_with_codebook(store: Store) -> None:
    with store.read() as session:
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert revision == SCHEMA_HEAD
        assert session.scalar(select(func.count()).select_from(CodebookVersion)) == 1
        ids = list(session.scalars(select(Code.id).order_by(Code.position)))
    assert ids == ["caseworker_relation", "caseworker_change", "contact_center",
                   "rules_and_system"]


def test_schema_head_matches_alembic_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import kodebog.store.engine as engine

    config = Config()
    config.set_main_option("script_location", str(Path(engine.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_import_stores_units_that_point_into_the_text(store: Store) -> None:
    with store.read() as session:
        source = find_source(session, "fg1")
        units = list_units(session, source)
        assert [u.ordinal for u in units] == [1, 2, 3, 4]
        for unit in units:
            assert source.text[unit.start:unit.end] == unit.text
        assert units[1].speaker == "Borger 1" and units[1].role == "borger"
        assert units[3].text.endswith("😡")
        people = session.scalar(select(func.count()).select_from(Participant))
    assert people == 3


def test_same_file_twice_is_a_noop(store: Store) -> None:
    result = import_parsed(store, make_parsed())
    assert result.status == "unchanged"
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 4


def test_changed_file_needs_replace(store: Store) -> None:
    changed = make_parsed(turns=[("Borger 1", "Noget helt andet.")])
    with pytest.raises(ProjectError, match="--replace"):
        import_parsed(store, changed)


def test_replace_keeps_codings_by_their_text(store: Store) -> None:
    coding.apply_code(store, "anna", unit_id(store, 3), "caseworker_change", (0, 32))
    coding.apply_code(store, "anna", unit_id(store, 2), "caseworker_relation")
    turns = [
        ("Interviewer", "Velkommen. Hvordan var det første møde?"),
        ("Borger 3", "Jeg kom for sent."),
        ("Borger 1", "Min sagsbehandler lyttede ikke. Jeg følte mig som et nummer."),
        ("Borger 2", "Jeg har haft fire sagsbehandlere på et år – det er for meget. Virkelig."),
    ]
    result = import_parsed(store, make_parsed(turns=turns), replace=True)
    assert result.status == "replaced" and result.reanchored == 2
    assert codings(store) == [
        (3, "caseworker_relation", 0, 60,
         "Min sagsbehandler lyttede ikke. Jeg følte mig som et nummer."),
        (4, "caseworker_change", 0, 32, "Jeg har haft fire sagsbehandlere"),
    ]
    with store.read() as session:
        assert [u.ordinal for u in list_units(session, find_source(session, "fg1"))] == [
            1, 2, 3, 4]


def test_replace_refuses_when_a_coding_would_be_lost(store: Store) -> None:
    coding.apply_code(store, "anna", unit_id(store, 4), "contact_center")
    with pytest.raises(ProjectError, match="cannot be found"):
        import_parsed(store, make_parsed(turns=[("Borger 1", "Intet om telefoner.")]),
                      replace=True)
    assert codings(store)[0][:2] == (4, "contact_center")
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 4


def test_apply_whole_unit_and_span(store: Store) -> None:
    uid = unit_id(store, 2)
    whole = coding.apply_code(store, "anna", uid, "caseworker_relation")
    span = coding.apply_code(store, "anna", uid, "rules_and_system", (32, 60),
                             memo="nummer-følelsen", key_quote=True)
    assert whole.event_id and span.event_id
    assert codings(store) == [
        (2, "caseworker_relation", 0, 60,
         "Min sagsbehandler lyttede ikke. Jeg følte mig som et nummer."),
        (2, "rules_and_system", 32, 60, "Jeg følte mig som et nummer."),
    ]
    with store.read() as session:
        row = session.get(Coding, span.coding_ids[0])
        assert row is not None and row.memo == "nummer-følelsen" and row.key_quote
        actions = list(session.scalars(select(Event.action).order_by(Event.id)))
    assert actions[-2:] == ["coding.apply", "coding.apply"]


def test_applying_twice_is_one_coding_and_one_event(store: Store) -> None:
    uid = unit_id(store, 2)
    coding.apply_code(store, "anna", uid, "contact_center")
    again = coding.apply_code(store, "anna", uid, "contact_center")
    assert again.event_id is None
    assert len(codings(store)) == 1


def test_two_coders_keep_their_own_codings(store: Store) -> None:
    uid = unit_id(store, 2)
    coding.apply_code(store, "anna", uid, "contact_center")
    coding.apply_code(store, "bo", uid, "contact_center")
    assert len(codings(store, "anna")) == 1 and len(codings(store, "bo")) == 1
    coding.remove_code(store, "bo", uid, "contact_center")
    assert len(codings(store, "anna")) == 1 and codings(store, "bo") == []


def test_bad_span_and_unknown_code_are_refused(store: Store) -> None:
    uid = unit_id(store, 2)
    with pytest.raises(ProjectError, match="outside unit 2"):
        coding.apply_code(store, "anna", uid, "contact_center", (10, 500))
    with pytest.raises(ProjectError, match="unknown code 'nope'"):
        coding.apply_code(store, "anna", uid, "nope")
    assert codings(store) == []


def test_toggle_applies_then_removes(store: Store) -> None:
    uid = unit_id(store, 1)
    assert coding.toggle_code(store, "anna", uid, "rules_and_system").action == "coding.apply"
    assert coding.toggle_code(store, "anna", uid, "rules_and_system").action == "coding.remove"
    assert codings(store) == []


def test_undo_and_redo_walk_back_and_forth(store: Store) -> None:
    u2, u3 = unit_id(store, 2), unit_id(store, 3)
    first = coding.apply_code(store, "anna", u2, "caseworker_relation")
    coding.apply_code(store, "anna", u3, "caseworker_change", (0, 32))
    coding.set_memo(store, "anna", first.coding_ids[0], "vigtig")
    coding.remove_code(store, "anna", u2, "caseworker_relation")
    assert [c[1] for c in codings(store)] == ["caseworker_change"]

    coding.undo(store, "anna")  # the removal
    with store.read() as session:
        restored = session.get(Coding, first.coding_ids[0])
        assert restored is not None and restored.memo == "vigtig"
    coding.undo(store, "anna")  # the memo
    with store.read() as session:
        restored = session.get(Coding, first.coding_ids[0])
        assert restored is not None and restored.memo is None
    coding.undo(store, "anna")  # the span
    assert [c[1] for c in codings(store)] == ["caseworker_relation"]
    coding.redo(store, "anna")
    assert [c[1] for c in codings(store)] == ["caseworker_relation", "caseworker_change"]
    coding.undo(store, "anna")
    coding.undo(store, "anna")
    assert codings(store) == []
    assert coding.undo(store, "anna").message == "nothing to undo"
    coding.redo(store, "anna")
    coding.apply_code(store, "anna", u3, "contact_center")  # a new action clears redo
    assert coding.redo(store, "anna").message == "nothing to redo"


def test_undo_is_per_coder(store: Store) -> None:
    uid = unit_id(store, 2)
    coding.apply_code(store, "anna", uid, "caseworker_relation")
    coding.apply_code(store, "bo", uid, "contact_center")
    coding.undo(store, "anna")
    assert codings(store, "anna") == [] and len(codings(store, "bo")) == 1


def test_unit_memo_and_its_undo(store: Store) -> None:
    uid = unit_id(store, 2)
    coding.set_unit_memo(store, "anna", uid, "Skarp formulering")
    with store.read() as session:
        units = list_units(session, find_source(session, "fg1"))
    assert units[1].memos == {"anna": "Skarp formulering"}
    coding.undo(store, "anna")
    with store.read() as session:
        units = list_units(session, find_source(session, "fg1"))
    assert units[1].memos == {}


def test_a_coder_cannot_change_another_coders_coding(store: Store) -> None:
    change = coding.apply_code(store, "anna", unit_id(store, 2), "contact_center")
    with pytest.raises(ProjectError, match="another coder"):
        coding.set_memo(store, "bo", change.coding_ids[0], "mit")


def test_event_log_is_append_only(store: Store) -> None:
    coding.apply_code(store, "anna", unit_id(store, 2), "contact_center")
    with pytest.raises(KodebogError, match="append-only"), store.write() as session:
        session.execute(text("UPDATE event SET action = 'x'"))
    with pytest.raises(KodebogError, match="append-only"), store.write() as session:
        session.execute(text("DELETE FROM event"))


def test_codebook_update_follows_replaces(store: Store, tmp_path: Path) -> None:
    coding.apply_code(store, "anna", unit_id(store, 4), "contact_center")
    coding.apply_code(store, "anna", unit_id(store, 2), "rules_and_system")
    renamed = tmp_path / "v2.yaml"
    renamed.write_text(
        (tmp_path / "codebook.yaml").read_text(encoding="utf-8").replace(
            "  - id: contact_center\n",
            "  - id: reaching_jobcenter\n    replaces: [contact_center]\n"),
        encoding="utf-8")
    update = update_codebook(store, renamed, coder="anna")
    assert update.added == ["reaching_jobcenter"] and update.retired == ["contact_center"]
    assert update.moved == {"contact_center -> reaching_jobcenter": 1}
    assert [c[1] for c in codings(store)] == ["rules_and_system", "reaching_jobcenter"]
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(CodebookVersion)) == 2
        old = session.get(Code, "contact_center")
        assert old is not None and old.retired


def test_codebook_update_refuses_to_drop_a_used_code(store: Store, tmp_path: Path) -> None:
    coding.apply_code(store, "anna", unit_id(store, 4), "contact_center")
    smaller = tmp_path / "v2.yaml"
    smaller.write_text(
        (tmp_path / "codebook.yaml").read_text(encoding="utf-8").replace(
            '  - id: contact_center\n    label: Kontakt til jobcentret\n'
            '    keywords: [telefon, ringe]\n    key: "3"\n', ""),
        encoding="utf-8")
    with pytest.raises(ProjectError, match=r"'contact_center' has 1 codings \(fg1 unit 4\)"):
        update_codebook(store, smaller)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(CodebookVersion)) == 1


def test_listing_and_stats(store: Store) -> None:
    coding.apply_code(store, "anna", unit_id(store, 2), "caseworker_relation")
    with store.read() as session:
        [info] = list_sources(session, coder="anna")
        stats = project_stats(session)
    assert (info.units, info.coded_units, info.participants) == (4, 1, 3)
    assert info.words > 20
    assert stats.sources == 1 and stats.units == 4 and stats.codings == 1
    assert stats.by_code[0] == {"code": "caseworker_relation",
                                "label": "Mødet med sagsbehandleren", "units": 1,
                                "codings": 1, "by_coder": {"anna": 1}}


def test_open_missing_project_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="kodebog init"):
        open_project(tmp_path / "nope.kodebog")


def test_open_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.kodebog"
    path.write_text("hej", encoding="utf-8")
    with pytest.raises(ProjectError, match="cannot open the database"):
        open_project(path)


def test_sqlite_project_uses_wal_and_foreign_keys(tmp_path: Path, codebook_file: Path) -> None:
    store = init_project(tmp_path / "p.kodebog", codebook_file)
    with store.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.dispose()
    assert (tmp_path / "p.kodebog").stat().st_mode & 0o077 == 0
