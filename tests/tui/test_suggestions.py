"""The suggestions panel: accept, reject, the queue of one code, training; spaCy in workers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog import coding
from kodebog.settings import Settings
from kodebog.store import Store
from kodebog.store.models import Coder, Coding, Source, SuggestModel, Unit
from kodebog.store.models import Suggestion as SuggestionRow
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.coding import CodingScreen
from kodebog.tui.widgets.suggestions import SuggestionsPanel
from kodebog.tui.widgets.unit_detail import UnitDetail
from kodebog.tui.widgets.unit_list import UnitList

from .helpers import current_ordinal, open_source, settle, unit_id

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]
ROOT = Path(__file__).resolve().parents[2]


def decided(store: Store) -> list[tuple[str, int, str, str, str | None]]:
    """(source, ordinal, code, suggestion status, origin of anna's coding) of decided ones."""
    with store.read() as session:
        rows = session.execute(
            select(Source.name, Unit.ordinal, SuggestionRow.code_id, SuggestionRow.status,
                   Coding.origin)
            .join(Unit, Unit.id == SuggestionRow.unit_id)
            .join(Source, Source.id == Unit.source_id)
            .outerjoin(Coding, (Coding.unit_id == SuggestionRow.unit_id)
                       & (Coding.code_id == SuggestionRow.code_id)
                       & (Coding.coder_id == SuggestionRow.coder_id))
            .where(SuggestionRow.status != "open")
        ).all()
    return sorted((str(a), int(b), str(c), str(d), e) for a, b, c, d, e in rows)


def panel_text(app: KodebogApp) -> str:
    return app.screen.query_one(SuggestionsPanel).text.plain


async def test_accept_codes_the_unit_with_origin_suggestion(make_app: AppFactory,
                                                            store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j")  # "Min sagsbehandler lyttede ikke. ..."
        await settle(app, pilot)
        shown = panel_text(app)
        assert "› ■ Mødet med sagsbehandleren  0.90 both" in shown
        assert "because «sagsbehandler» «lyttede»" in shown
        units = app.screen.query_one(UnitList)
        evidence = units.evidence
        assert evidence is not None and evidence[0] == unit_id(store, "fg1", 2)
        assert (4, 17) in evidence[1]  # "sagsbehandler", underlined in the text
        await pilot.press("Y")
        assert decided(store) == [("fg1", 2, "caseworker_relation", "accepted", "suggestion")]
        assert "Mødet med sagsbehandleren" in app.screen.query_one(UnitDetail).text.plain
        assert "Mødet med sagsbeh" not in panel_text(app)  # applied: no longer suggested
        await pilot.press("ctrl+z")  # undo takes the coding away; the suggestion is back
        await settle(app, pilot)
        with store.read() as session:
            assert session.scalar(select(Coding.id).where(Coding.origin == "suggestion")) is None
        assert "Mødet med sagsbeh" in panel_text(app)


async def test_reject_is_stored_and_never_shown_again(make_app: AppFactory,
                                                      store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("j", "j", "j")  # "... på telefonen 😡"
        await settle(app, pilot)
        assert "› ■ Kontakt til jobcen" in panel_text(app)
        await pilot.press("X")
        assert decided(store) == [("fg1", 4, "contact_center", "rejected", None)]
        assert "Kontakt til jobcen" not in panel_text(app)
        await pilot.press("k", "j")
        await settle(app, pilot)
        assert "Kontakt til jobcen" not in panel_text(app)
        screen.suggestions.clear()  # computed afresh: still not suggested
        screen.want_suggestions()
        await settle(app, pilot)
        assert current_ordinal(app) == 4 and screen.suggestions
        assert "Kontakt til jobcen" not in panel_text(app)
        assert decided(store) == [("fg1", 4, "contact_center", "rejected", None)]


async def test_queue_walks_one_code_best_first_across_sources(make_app: AppFactory,
                                                              store: Store) -> None:
    from kodebog.suggest import service

    interview = [unit_id(store, "int1", n) for n in range(1, 5)]
    service.suggest_for_units(store, "anna", interview, model_name="")  # stored, as by the CLI
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("W")  # the highlighted code: caseworker_relation
        await settle(app, pilot)
        queue = app.suggestion_queue
        assert queue is not None and queue.code == "caseworker_relation"
        assert [(s.source, s.unit) for s in queue.items[:4]] == [
            ("fg1", 2), ("fg1", 7), ("int1", 4), ("fg1", 3)]
        assert current_ordinal(app) == 2 and "queue Mødet" in panel_text(app)
        await pilot.press("Y")  # accept fg1#2, on to fg1#7
        await settle(app, pilot)
        assert current_ordinal(app) == 7
        await pilot.press("X")  # reject fg1#7, on to int1#4 in the other source
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.view is not None and screen.view.head.name == "int1"
        assert current_ordinal(app) == 4 and "3/" in panel_text(app)
        await pilot.press("Y")
        await settle(app, pilot)
        assert decided(store) == [
            ("fg1", 2, "caseworker_relation", "accepted", "suggestion"),
            ("fg1", 7, "caseworker_relation", "rejected", None),
            ("int1", 4, "caseworker_relation", "accepted", "suggestion"),
        ]
        assert app.suggestion_queue is not None and app.suggestion_queue.position == 3


async def test_retrain_in_the_background_shows_the_model(make_app: AppFactory,
                                                        store: Store) -> None:
    for ordinal, code in [(2, "caseworker_relation"), (3, "caseworker_change"),
                          (4, "contact_center"), (5, "letters_information")]:
        coding.apply_code(store, "anna", unit_id(store, "fg1", ordinal), code)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        assert "no model yet" in panel_text(app)
        await pilot.press("T")
        await settle(app, pilot)
        with store.read() as session:
            meta = session.scalars(select(SuggestModel.meta)).one()
            assert meta["coder"] == "anna"
            assert session.scalar(select(Coder.name).where(Coder.name == "anna"))
        assert "Interviewer turn: no suggestions" in panel_text(app)
        assert "model: 1 code, trained" in panel_text(app)


def test_spacy_runs_in_the_helper_process_not_in_the_tui(project_path: Path,
                                                          tmp_path: Path) -> None:
    """Opening the TUI, and showing suggestions, never imports spaCy in the app's process."""
    script = textwrap.dedent(f"""
        import asyncio, sys
        from kodebog.settings import Settings
        from kodebog.store import open_project
        from kodebog.tui.app import KodebogApp
        from kodebog.tui.widgets.suggestions import SuggestionsPanel

        async def main() -> None:
            store = open_project({str(project_path)!r})
            app = KodebogApp(store, "anna", Settings())
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                print(type(app.screen).__name__, "spacy" in sys.modules)
                await pilot.press("enter", "j")
                for _ in range(600):
                    if app.suggester_ready:
                        break
                    await pilot.pause(0.1)
                await app.workers.wait_for_complete()
                await pilot.pause()
                panel = app.screen.query_one(SuggestionsPanel).text.plain
                print(type(app.screen).__name__, "spacy" in sys.modules,
                      "Mødet med sagsbehandl" in panel)
            store.dispose()

        if __name__ == "__main__":
            asyncio.run(main())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=180, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    assert lines[-2:] == [["ProjectScreen", "False"], ["CodingScreen", "False", "True"]]


async def test_suggestions_switched_off_in_the_settings(make_app: AppFactory,
                                                        store: Store) -> None:
    app = make_app(settings=Settings(suggestions=False))
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        assert "Suggestions are off" in panel_text(app)
        await pilot.press("T")
        await settle(app, pilot)
        assert "Suggestions are off" in panel_text(app)
        assert any("Suggestions are off" in n.message for n in app._notifications)
    with store.read() as session:
        assert session.scalars(select(SuggestionRow)).all() == []
        assert session.scalars(select(SuggestModel)).all() == []


def test_the_suggestions_setting_must_be_true_or_false(tmp_path: Path) -> None:
    from kodebog.errors import KodebogError
    from kodebog.settings import config_dir, load_settings

    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "settings.yaml").write_text("suggestions: maybe\n", encoding="utf-8")
    with pytest.raises(KodebogError, match="'suggestions' must be true or false"):
        load_settings()
    (config_dir() / "settings.yaml").write_text("suggestions: false\n", encoding="utf-8")
    assert load_settings().suggestions is False
