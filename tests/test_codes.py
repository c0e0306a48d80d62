"""The living codebook on SQLite and PostgreSQL: each change, its event, version and undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog import codes, coding
from kodebog.codebook import dump_codebook, load_codebook, parse_codebook
from kodebog.codebook_live import codebook_log, live_codebook, resolve_code
from kodebog.errors import ConflictError, ProjectError
from kodebog.importing import import_parsed
from kodebog.project import current_codebook, init_project
from kodebog.queries import find_source, find_unit
from kodebog.store import Store
from kodebog.store.models import Code, CodebookVersion, Coding, Event, Finding

from .conftest import make_parsed


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    store = init_project(project_location, codebook_file, coder="anna")
    import_parsed(store, make_parsed())
    yield store
    store.dispose()


def unit_id(store: Store, ordinal: int) -> int:
    with store.read() as session:
        return find_unit(session, find_source(session, "fg1"), ordinal).id


def codings(store: Store) -> list[tuple[int, str, int, int]]:
    """(unit id, code, start, end) of every coding, sorted."""
    with store.read() as session:
        rows = session.execute(select(Coding.unit_id, Coding.code_id, Coding.start, Coding.end))
        return sorted((u, c, s, e) for u, c, s, e in rows)


def ids(store: Store) -> list[str]:
    with store.read() as session:
        return [code.id for code in current_codebook(session).walk()]


def latest(store: Store) -> CodebookVersion:
    with store.read() as session:
        version = session.scalars(
            select(CodebookVersion).order_by(CodebookVersion.id.desc())).first()
        assert version is not None
        return version


def last_event(store: Store) -> Event:
    with store.read() as session:
        event = session.scalars(select(Event).order_by(Event.id.desc())).first()
        assert event is not None
        return event


def test_add_derives_the_id_stores_a_version_and_undoes(store: Store) -> None:
    first = latest(store).id
    change = codes.add_code(store, "bo", "Ventetid på svar", key="æ",
                            description="At vente på svar.", keywords=["vente"])
    assert change.code_id == "ventetid_paa_svar"
    version = latest(store)
    assert version.id == change.version_id > first
    assert version.created_by == "bo" and "added 'ventetid_paa_svar'" in (version.change or "")
    entry = parse_codebook(version.text).get("ventetid_paa_svar")
    assert entry is not None and entry.key == "æ" and entry.keywords == ("vente",)
    event = last_event(store)
    assert (event.action, event.entity_id, event.id) == ("code.add", "ventetid_paa_svar",
                                                         change.event_id)
    assert codes.add_code(store, "bo", "Ventetid på svar").code_id == "ventetid_paa_svar_2"

    assert coding.undo(store, "bo").action == "undo"
    assert "ventetid_paa_svar_2" not in ids(store)
    coding.undo(store, "bo")
    with store.read() as session:
        assert session.get(Code, "ventetid_paa_svar") is None
    assert ids(store) == ["caseworker_relation", "caseworker_change", "contact_center",
                          "rules_and_system"]
    assert latest(store).created_by == "bo" and latest(store).change.startswith("undo: ")
    coding.redo(store, "bo")
    with store.read() as session:
        assert live_codebook(session).get("ventetid_paa_svar") is not None


def test_add_refuses_bad_values(store: Store) -> None:
    with pytest.raises(ProjectError, match="hotkey '1' is used by 'caseworker_relation'"):
        codes.add_code(store, "bo", "Ny", key="1")
    with pytest.raises(ProjectError, match="reserved"):
        codes.add_code(store, "bo", "Ny", key="q")
    with pytest.raises(ProjectError, match="already a code"):
        codes.add_code(store, "bo", "Ny", "contact_center")
    with pytest.raises(ProjectError, match=r"not valid.*e\.g\. 'moede'"):
        codes.add_code(store, "bo", "Ny", "Møde")
    with pytest.raises(ProjectError, match="parent 'nope' is no code"):
        codes.add_code(store, "bo", "Ny", parent="nope")
    with pytest.raises(ProjectError, match="not a hex colour"):
        codes.add_code(store, "bo", "Ny", color="red")
    assert ids(store)[-1] == "rules_and_system"


def test_in_vivo_codes_the_selection_with_a_new_code(store: Store) -> None:
    unit = unit_id(store, 2)
    change = codes.add_code_in_vivo(store, "anna", unit, (32, 60))
    with store.read() as session:
        code = session.get(Code, change.code_id)
        assert code is not None and code.label == "Jeg følte mig som et nummer"
        assert code.definition["examples"] == ["Jeg følte mig som et nummer."]
    assert codings(store) == [(unit, change.code_id, 32, 60)]
    coding.undo(store, "anna")
    assert codings(store) == [] and change.code_id not in ids(store)
    coding.redo(store, "anna")
    assert codings(store) == [(unit, change.code_id, 32, 60)]


def test_rename_and_edit_keep_codings_and_undo(store: Store) -> None:
    unit = unit_id(store, 2)
    coding.apply_code(store, "anna", unit, "contact_center")
    codes.rename_code(store, "bo", "contact_center", "Kontakt med jobcentret")
    assert codings(store) == [(unit, "contact_center", 0, 60)]
    edit = codes.CodeEdit(description="At få fat i nogen.", include=["telefontid"],
                          examples=["Ingen tog telefonen"], key="ø", color="#F80")
    change = codes.edit_code(store, "bo", "contact_center", edit)
    assert change.message == "edited 'contact_center' (description, include, examples, color, key)"
    with store.read() as session:
        entry = current_codebook(session).get("contact_center")
    assert entry is not None and (entry.label, entry.key, entry.color) == (
        "Kontakt med jobcentret", "ø", "#ff8800")
    assert entry.include == ("telefontid",) and entry.keywords == ("telefon", "ringe")
    with pytest.raises(ProjectError, match="nothing to change"):
        codes.edit_code(store, "bo", "contact_center", codes.CodeEdit(key="ø"))
    coding.undo(store, "bo")
    coding.undo(store, "bo")
    with store.read() as session:
        entry = current_codebook(session).get("contact_center")
    assert entry is not None and (entry.label, entry.key) == ("Kontakt til jobcentret", "3")


def test_move_under_another_parent_and_back(store: Store) -> None:
    codes.move_code(store, "bo", "rules_and_system", "contact_center")
    with store.read() as session:
        entry = current_codebook(session).get("rules_and_system")
    assert entry is not None and entry.parent == "contact_center"
    with pytest.raises(ProjectError, match="cannot go under itself"):
        codes.move_code(store, "bo", "caseworker_relation", "caseworker_change")
    codes.move_code(store, "bo", "caseworker_change", None)
    assert ids(store) == ["caseworker_relation", "contact_center", "rules_and_system",
                          "caseworker_change"]
    coding.undo(store, "bo")
    coding.undo(store, "bo")
    assert ids(store) == ["caseworker_relation", "caseworker_change", "contact_center",
                          "rules_and_system"]


def test_merge_collapses_duplicates_keeps_an_alias_and_undoes(store: Store) -> None:
    one, two = unit_id(store, 2), unit_id(store, 3)
    coding.apply_code(store, "anna", one, "contact_center")
    coding.apply_code(store, "anna", one, "rules_and_system")  # the same span: collapses
    coding.apply_code(store, "anna", two, "contact_center", (0, 10))
    coding.apply_code(store, "bo", one, "contact_center")  # another coder: kept
    before = codings(store)
    with store.write() as session:
        session.add(Finding(code_id="contact_center", statement="Svært at komme igennem."))
    change = codes.merge_codes(store, "bo", "contact_center", "rules_and_system")
    assert change.message == ("merged 'contact_center' into 'rules_and_system' "
                              "(2 codings moved, 1 duplicates collapsed)")
    assert codings(store) == sorted([(one, "rules_and_system", 0, 60)] * 2
                                    + [(two, "rules_and_system", 0, 10)])
    with store.read() as session:
        entry = current_codebook(session).get("rules_and_system")
        assert entry is not None and entry.replaces == ("contact_center",)
        assert entry.keywords == ("telefon", "ringe")
        assert "contact_center" not in current_codebook(session).ids
        alias = resolve_code(session, "contact_center")
        assert alias is not None and alias.id == "rules_and_system"
        finding = session.scalar(select(Finding))
        assert finding is not None and finding.code_id == "rules_and_system"
    # an old id still resolves when coding
    coding.apply_code(store, "anna", unit_id(store, 4), "contact_center")
    assert (unit_id(store, 4), "rules_and_system", 0, 44) in codings(store)
    coding.undo(store, "anna")

    coding.undo(store, "bo")
    assert codings(store) == before
    with store.read() as session:
        assert current_codebook(session).get("contact_center") is not None
        finding = session.scalar(select(Finding))
        assert finding is not None and finding.code_id == "contact_center"
    coding.redo(store, "bo")
    assert len(codings(store)) == 3


def test_split_moves_the_chosen_codings(store: Store) -> None:
    one, two = unit_id(store, 2), unit_id(store, 3)
    coding.apply_code(store, "anna", one, "caseworker_relation")
    coding.apply_code(store, "anna", two, "caseworker_relation")
    with store.read() as session:
        chosen = codes.codings_on_units(session, "caseworker_relation", "fg1", [3])
    change = codes.split_code(store, "bo", "caseworker_relation", "many_caseworkers", chosen,
                              label="Mange sagsbehandlere")
    assert codings(store) == [(one, "caseworker_relation", 0, 60),
                              (two, "many_caseworkers", 0, 61)]
    assert change.coding_ids == tuple(chosen)
    with store.read() as session:
        entry = current_codebook(session).get("many_caseworkers")
        assert entry is not None and entry.label == "Mange sagsbehandlere"
    with pytest.raises(ProjectError, match="not codings of 'contact_center'"):
        codes.split_code(store, "bo", "contact_center", "x", chosen)
    coding.undo(store, "bo")
    assert codings(store) == [(one, "caseworker_relation", 0, 60),
                              (two, "caseworker_relation", 0, 61)]
    assert "many_caseworkers" not in ids(store)


def test_retire_only_unused_codes(store: Store) -> None:
    coding.apply_code(store, "anna", unit_id(store, 2), "contact_center")
    with pytest.raises(ProjectError, match="still has 1 codings \\(fg1 unit 2\\)"):
        codes.retire_code(store, "bo", "contact_center")
    with pytest.raises(ProjectError, match="has sub-codes \\(caseworker_change\\)"):
        codes.retire_code(store, "bo", "caseworker_relation")
    codes.retire_code(store, "bo", "rules_and_system")
    assert "rules_and_system" not in ids(store)
    with pytest.raises(ProjectError, match="unknown code 'rules_and_system'"):
        coding.apply_code(store, "anna", unit_id(store, 2), "rules_and_system")
    coding.undo(store, "bo")
    assert "rules_and_system" in ids(store)


def test_stale_change_is_refused_naming_the_newer_version(store: Store) -> None:
    base = latest(store).id
    newer = codes.rename_code(store, "bo", "contact_center", "Kontakt", base_version=base)
    with pytest.raises(ConflictError) as refused:
        codes.add_code(store, "anna", "Noget nyt", base_version=base)
    message = str(refused.value)
    assert f"version {newer.version_id} (by bo: renamed 'contact_center'" in message
    assert f"not version {base}" in message
    assert "noget_nyt" not in ids(store)


def test_undo_is_refused_when_someone_changed_the_code_since(store: Store) -> None:
    codes.rename_code(store, "anna", "contact_center", "Kontakt")
    later = codes.rename_code(store, "bo", "contact_center", "Kontakten")
    with pytest.raises(ConflictError, match=f"now version {later.version_id} by bo"):
        coding.undo(store, "anna")
    assert latest(store).id == later.version_id


def test_codings_and_codebook_changes_share_one_undo_stack(store: Store) -> None:
    unit = unit_id(store, 2)
    coding.apply_code(store, "anna", unit, "contact_center")
    codes.rename_code(store, "anna", "contact_center", "Kontakt")
    assert coding.undo(store, "anna").message == "undid a codebook change"
    assert coding.undo(store, "anna").message == "undid a coding"
    assert codings(store) == []


def test_log_lists_every_version_with_who_and_what(store: Store) -> None:
    codes.add_code(store, "bo", "Ventetid")
    codes.retire_code(store, "anna", "ventetid")
    with store.read() as session:
        log = codebook_log(session)
    assert [(v.by, v.change) for v in log[:2]] == [
        ("anna", "retired 'ventetid' (Ventetid)"), ("bo", "added 'ventetid' (Ventetid)")]
    assert log[-1].change == "read from codebook.yaml"


def test_export_then_init_gives_the_same_codebook(store: Store, tmp_path: Path) -> None:
    codes.add_code(store, "bo", "Ærlighed", key="å", examples=["Hun var ærlig"])
    codes.move_code(store, "bo", "rules_and_system", "caseworker_relation")
    codes.merge_codes(store, "bo", "contact_center", "caseworker_change")
    with store.read() as session:
        exported = live_codebook(session)
    path = tmp_path / "exported.yaml"
    path.write_text(dump_codebook(exported), encoding="utf-8")
    assert load_codebook(path) == exported
    again = init_project(tmp_path / "again.kodebog", path, coder="bo")
    try:
        with again.read() as session:
            assert live_codebook(session) == exported
            assert current_codebook(session) == exported
    finally:
        again.dispose()


def test_refi_exports_carry_the_living_codebook(store: Store, tmp_path: Path) -> None:
    import zipfile

    from kodebog.exchange.refi import export_qdc, export_qdpx

    coding.apply_code(store, "anna", unit_id(store, 2), "contact_center")
    codes.add_code(store, "bo", "Ærlighed")
    codes.merge_codes(store, "bo", "contact_center", "rules_and_system")
    export_qdc(store, tmp_path / "levende.qdc")
    qdc = (tmp_path / "levende.qdc").read_text(encoding="utf-8")
    assert 'name="Ærlighed"' in qdc and "Kontakt til jobcentret" not in qdc
    export_qdpx(store, tmp_path / "levende.qdpx")
    with zipfile.ZipFile(tmp_path / "levende.qdpx") as archive:
        project = archive.read("project.qde").decode("utf-8")
    assert 'name="Ærlighed"' in project and "Kontakt til jobcentret" not in project
    assert project.count("<Coding ") == 1


def test_a_merged_code_lends_its_learned_score_to_the_code_it_joined() -> None:
    from kodebog.suggest.engine import _follow_merges

    row = {"contact_center": 0.8, "rules_and_system": 0.3, "gone": 0.9}
    merged = {"contact_center": "rules_and_system"}
    assert _follow_merges(row, {"rules_and_system", "caseworker_relation"}, merged) == {
        "rules_and_system": 0.8}


def test_undoing_a_merge_restores_each_codings_valence(store: Store) -> None:
    coding.apply_code(store, "anna", unit_id(store, 2), "rules_and_system")
    change = coding.apply_code(store, "anna", unit_id(store, 2), "contact_center")
    coding.set_valence(store, "anna", change.coding_ids[0], "negative")
    codes.merge_codes(store, "anna", "contact_center", "rules_and_system")  # same span:
    coding.undo(store, "anna")  # the collapsed coding is deleted, then restored
    with store.read() as session:
        restored = session.get(Coding, change.coding_ids[0])
        assert restored is not None
        assert (restored.code_id, restored.valence) == ("contact_center", "negative")
