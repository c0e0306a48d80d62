"""A source holding one 5 MB unit opens and the app quits with q (issue 13, item 9)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.settings import Settings
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.tui.app import KodebogApp
from kodebog.tui.widgets.unit_list import UnitList, _LazyStrips

from .helpers import open_source

pytestmark = pytest.mark.anyio

LINE = "Jeg synes at mødet med kommunen gik godt, og min sagsbehandler lyttede til mig."


def _huge_source() -> ParsedSource:
    text = "\n".join(f"{LINE} ({n})" for n in range(60_000))  # about 5 MB, single breaks
    assert len(text.encode("utf-8")) > 5_000_000
    return ParsedSource(name="huge", kind="interview", text=text,
                        units=[ParsedUnit(0, len(text), participant_key="Borger 1")],
                        participants=[ParsedParticipant("Borger 1", "Borger 1", "borger", {})],
                        encoding="utf-8", filename="huge.txt")


async def test_a_5_mb_unit_opens_and_q_quits(tmp_path: Path, tui_codebook: Path) -> None:
    store = init_project(tmp_path / "p.kodebog", tui_codebook, coder="anna")
    try:
        import_parsed(store, _huge_source())  # stored whole, as an old project may hold it
        app = KodebogApp(store, "anna", Settings(suggestions=False))
        started = time.monotonic()
        async with app.run_test(size=(100, 30)) as pilot:
            await open_source(app, pilot)
            unit_list = app.screen.query_one(UnitList)
            row = unit_list.current_row
            assert row is not None and len(row.text) > 5_000_000
            await pilot.press("j", "k", "pagedown")
            strips = unit_list._unit_strips(unit_list.cursor, unit_list.size.width)
            assert isinstance(strips, _LazyStrips) and len(strips) > 60_000
            assert len(strips.drawn) < 200  # only the lines shown were drawn
            await pilot.press("q")
            await pilot.pause()
        elapsed = time.monotonic() - started
        print(f"opened a 5 MB unit and quit in {elapsed:.1f} s")  # the number goes in the note
        assert app.return_code == 0
    finally:
        store.dispose()
