"""The import dialog's layout choice and trusted speaker labels reach the importer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Input, Select

from kodebog.store import Store
from kodebog.store.models import Source, Unit
from kodebog.tui.app import KodebogApp
from kodebog.tui.dialogs.import_source import ImportDialog

from .helpers import settle

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]
TRANSCRIPT = "Interviewer: Hvordan gik det?\n\nBorger 1: Fint.\n\nInterviewer: Tak.\n"


def speakers_of(store: Store, name: str) -> list[str | None]:
    with store.read() as session:
        rows = session.execute(select(Unit.speaker).join(Source).where(Source.name == name)
                               .order_by(Unit.ordinal))
        return [speaker for (speaker,) in rows]


async def import_with(app: KodebogApp, pilot: object, path: Path, layout: str | None,
                      speakers: str = "") -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(app, pilot)
    await pilot.press("i")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ImportDialog)
    dialog.query_one("#import-path", Input).value = str(path)
    if layout is not None:
        dialog.query_one("#import-layout", Select).value = layout
    dialog.query_one("#import-speakers", Input).value = speakers
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def test_no_speakers_layout_and_trusted_labels(make_app: AppFactory, store: Store,
                                                      tmp_path: Path) -> None:
    plain = tmp_path / "som_tekst.txt"
    plain.write_text(TRANSCRIPT, encoding="utf-8")
    trusted = tmp_path / "kun_interviewer.txt"
    trusted.write_text(TRANSCRIPT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await import_with(app, pilot, plain, "paragraphs")
        await import_with(app, pilot, trusted, None, speakers="Interviewer")
        assert any("layout paragraphs" in n.message for n in app._notifications)
    assert speakers_of(store, "som_tekst") == [None, None, None]
    assert speakers_of(store, "kun_interviewer") == ["Interviewer", "Interviewer"]


async def test_a_layout_the_file_cannot_have_is_a_clear_error(make_app: AppFactory,
                                                               store: Store,
                                                               tmp_path: Path) -> None:
    file = tmp_path / "samtale.txt"
    file.write_text(TRANSCRIPT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await import_with(app, pilot, file, "cues")
        assert any("unknown layout 'cues' for this file" in n.message
                   for n in app._notifications)
    with store.read() as session:
        assert session.scalar(select(Source).where(Source.name == "samtale")) is None
