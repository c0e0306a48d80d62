"""Importing from the project screen: the dialog, the worker, what lands in the database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Checkbox, Input, Label

from kodebog import coding
from kodebog.queries import find_source, find_unit
from kodebog.store import Store
from kodebog.store.models import Coding, Source, Unit
from kodebog.tui.app import KodebogApp
from kodebog.tui.dialogs.import_source import ImportDialog, PathSuggester
from kodebog.tui.screens.project import ProjectScreen
from kodebog.tui.widgets.source_table import SourceTable

from .helpers import settle

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]

TRANSCRIPT = (
    "Interviewer: Hvordan var mødet på jobcentret?\r\n\r\n"
    "Borger 1: Søren lyttede ikke. Min sagsbehandler skiftede tre gange på et år.\r\n\r\n"
    "Borger 2: Jeg ringede til Søren på 12 34 56 78, men ingen tog telefonen.\r\n"
)


def units_of(store: Store, name: str) -> list[tuple[int, str | None, str]]:
    """(ordinal, speaker, text) of a source's units."""
    with store.read() as session:
        rows = session.execute(
            select(Unit.ordinal, Unit.speaker, Unit.text).join(Source)
            .where(Source.name == name).order_by(Unit.ordinal))
        return [(int(o), s, str(t)) for o, s, t in rows]


async def fill_and_import(app: KodebogApp, pilot: object, path: str,
                          **fields: str | bool) -> None:
    """On the project screen: i, fill the dialog's fields, ctrl+s, wait for the worker."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(app, pilot)
    await pilot.press("i")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ImportDialog)
    dialog.query_one("#import-path", Input).value = path
    for field, value in fields.items():
        widget = dialog.query_one(f"#import-{field.replace('_', '-')}")
        if isinstance(widget, Checkbox):
            widget.value = bool(value)
        else:
            assert isinstance(widget, Input) and isinstance(value, str)
            widget.value = value
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def test_a_transcript_is_imported_in_a_worker_and_shown(make_app: AppFactory,
                                                              store: Store,
                                                              tmp_path: Path) -> None:
    file = tmp_path / "fokusgruppe_nord.txt"
    file.write_bytes(TRANSCRIPT.encode("cp1252"))  # Windows-1252 with CRLF
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await fill_and_import(app, pilot, str(file))
        screen = app.screen
        assert isinstance(screen, ProjectScreen) and not screen.importing
        table = screen.query_one(SourceTable)
        assert table.names[table.cursor_row] == "fokusgruppe_nord"  # the new source, chosen
        assert "3 sources" in str(screen.query_one("#summary").render())
        assert any(n.title == "Imported" and "imported as 'fokusgruppe_nord' (interview): 3 "
                   "units" in n.message for n in app._notifications)
        assert not screen.query_one("#importing").has_class("running")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "CodingScreen"
    units = units_of(store, "fokusgruppe_nord")
    assert [u[1] for u in units] == ["Interviewer", "Borger 1", "Borger 2"]
    assert units[1][2] == "Søren lyttede ikke. Min sagsbehandler skiftede tre gange på et år."
    with store.read() as session:
        source = session.scalars(select(Source).where(Source.name == "fokusgruppe_nord")).one()
        assert source.encoding == "cp1252" and "\r" not in source.text


async def test_names_are_pseudonymised_before_anything_is_stored(make_app: AppFactory,
                                                                 store: Store,
                                                                 tmp_path: Path) -> None:
    file = tmp_path / "nord.txt"
    file.write_text(TRANSCRIPT, encoding="utf-8")
    names = tmp_path / "navne.yaml"
    names.write_text('names:\n  "Søren": "Sagsbehandler A"\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await fill_and_import(app, pilot, str(file), names=str(names), name="nord anonym")
    texts = " ".join(u[2] for u in units_of(store, "nord anonym"))
    assert "Søren" not in texts and "Sagsbehandler A lyttede ikke" in texts
    assert "12 34 56 78" not in texts


async def test_a_survey_with_a_named_answer_column(make_app: AppFactory, store: Store,
                                                   tmp_path: Path) -> None:
    file = tmp_path / "kommentarer.csv"
    file.write_text("nr;kommune;svar;note\n1;Aarhus;Telefonen er altid optaget.;x\n"
                    "2;Odense;Brevet var svært at forstå.;y\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await fill_and_import(app, pilot, str(file), text_columns="svar", id_column="nr")
    assert [u[2] for u in units_of(store, "kommentarer")] == [
        "Telefonen er altid optaget.", "Brevet var svært at forstå."]


async def test_a_changed_version_needs_replace_which_keeps_codings(make_app: AppFactory,
                                                                   store: Store,
                                                                   tmp_path: Path) -> None:
    file = tmp_path / "nord.txt"
    file.write_text(TRANSCRIPT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await fill_and_import(app, pilot, str(file))
    with store.read() as session:
        unit = find_unit(session, find_source(session, "nord"), 2)
    coding.apply_code(store, "anna", unit.id, "caseworker_change")
    file.write_text(TRANSCRIPT + "\r\nBorger 3: Det var en god dag.\r\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await fill_and_import(app, pilot, str(file))  # no replace: refused, nothing changes
        assert len(units_of(store, "nord")) == 3
        await fill_and_import(app, pilot, str(file), replace=True)
    assert len(units_of(store, "nord")) == 4
    with store.read() as session:
        kept = session.execute(select(Coding.code_id, Coding.text)).all()
    assert [tuple(k) for k in kept] == [("caseworker_change", units_of(store, "nord")[1][2])]


async def test_a_wrong_path_is_said_in_the_dialog(make_app: AppFactory, store: Store,
                                                 tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        with store.read() as session:
            before = session.scalars(select(Source.name)).all()
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        await pilot.press("ctrl+s")
        error = dialog.query_one("#import-error", Label)
        assert "Type the path" in str(error.render())
        dialog.query_one("#import-path", Input).value = str(tmp_path / "missing.txt")
        await pilot.press("ctrl+s")
        assert "missing.txt: no such file" in str(error.render())
        dialog.query_one("#import-path", Input).value = str(tmp_path / "notes.pdf")
        await pilot.press("ctrl+s")
        assert "notes.pdf: kodebog reads .txt" in str(error.render())
        assert app.screen is dialog
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ProjectScreen)
    with store.read() as session:
        assert session.scalars(select(Source.name)).all() == before


async def test_a_file_the_importer_refuses_stores_nothing(make_app: AppFactory, store: Store,
                                                          tmp_path: Path) -> None:
    file = tmp_path / "tom.csv"
    file.write_text("id;alder\n1;40\n2;50\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await fill_and_import(app, pilot, str(file))
        screen = app.screen
        assert isinstance(screen, ProjectScreen) and not screen.importing
        assert any(n.title == "Nothing imported" and "tom.csv: no free-text column" in n.message
                   for n in app._notifications)
    assert units_of(store, "tom") == []


async def test_the_path_is_completed_from_the_disk(tmp_path: Path) -> None:
    (tmp_path / "fokusgruppe_nord.txt").write_text("x", encoding="utf-8")
    (tmp_path / "fokusgruppe_syd.pdf").write_text("x", encoding="utf-8")
    (tmp_path / "interviews").mkdir()
    suggester = PathSuggester(tmp_path)
    assert await suggester.get_suggestion("fok") == "fokusgruppe_nord.txt"
    assert await suggester.get_suggestion("int") == "interviews/"
    assert await suggester.get_suggestion(f"{tmp_path}/FOK") == f"{tmp_path}/fokusgruppe_nord.txt"
    assert await suggester.get_suggestion("xyz") is None
    assert await suggester.get_suggestion("missing/dir/a") is None


async def test_import_is_in_the_palette_and_the_footer(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ProjectScreen)
        names = [c.name for c in screen.palette_commands()]
        assert "Project: import a source" in names
        assert "i" in screen.active_bindings


async def test_an_older_read_of_the_sources_never_replaces_a_newer_one(
        make_app: AppFactory, store: Store, tmp_path: Path) -> None:
    from kodebog.views.project import load_overview

    before = load_overview(store, "anna")  # read before the import: two sources
    file = tmp_path / "nord.txt"
    file.write_text(TRANSCRIPT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await fill_and_import(app, pilot, str(file))
        screen = app.screen
        assert isinstance(screen, ProjectScreen)
        table = screen.query_one(SourceTable)
        assert len(table.names) == 3
        screen.post_message(ProjectScreen.Loaded(before, screen._loads - 1))  # arrives late
        await settle(app, pilot)
        assert len(table.names) == 3 and table.names[table.cursor_row] == "nord"
