"""Review: agreement between coders, settling disputes for the consensus coder, the audit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from textual.widgets import SelectionList, TextArea

from kodebog import coding
from kodebog.store import Store
from kodebog.store.models import Code, Coder, Coding, Source, Unit
from kodebog.tui.app import KodebogApp
from kodebog.tui.dialogs.text_entry import TextDialog
from kodebog.tui.screens.audit import AuditScreen, AuditTree
from kodebog.tui.screens.coding import CodingScreen
from kodebog.tui.screens.disputes import DisputesScreen, DisputeStats
from kodebog.tui.screens.review import ReviewScreen
from kodebog.tui.widgets.agreement_table import AgreementTable

from .conftest import FG1
from .helpers import current_ordinal, open_source, settle, unit_id

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]
CR = "caseworker_relation"


def two_coders(store: Store) -> None:
    """anna and bo disagree on caseworker_relation in fg1 units 2, 3, 5 and 6."""
    for coder, ordinal, code, span in [
        ("anna", 2, CR, None), ("anna", 5, CR, (0, 20)), ("anna", 7, CR, None),
        ("anna", 8, "contact_center", None),
        ("bo", 3, CR, None), ("bo", 6, CR, None), ("bo", 7, CR, None),
        ("bo", 8, "contact_center", None),
        ("cleo", 4, "contact_center", None),
    ]:
        coding.apply_code(store, coder, unit_id(store, "fg1", ordinal), code, span)


def consensus(store: Store) -> list[tuple[int, str, int, int, str | None, str]]:
    """(ordinal, code, start, end, memo, origin) of the consensus coder's codings."""
    with store.read() as session:
        rows = session.execute(
            select(Unit.ordinal, Coding.code_id, Coding.start, Coding.end, Coding.memo,
                   Coding.origin)
            .join(Unit, Unit.id == Coding.unit_id)
            .join(Source, Source.id == Unit.source_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == "konsensus", Source.name == "fg1")
        ).all()
    return sorted((int(a), str(b), int(c), int(d), e, str(f)) for a, b, c, d, e, f in rows)


async def test_settling_disputes_writes_the_consensus_and_updates_the_numbers(
        make_app: AppFactory, store: Store) -> None:
    two_coders(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.chosen == ["anna", "bo"]  # most codings; cleo and konsensus left out
        coders = review.query_one(SelectionList)
        assert [coders.get_option_at_index(i).value for i in range(coders.option_count)] == [
            "anna", "bo", "cleo"]
        table = review.query_one(AgreementTable)
        assert table.highlighted_code == CR
        assert review.data is not None and len(review.data.disputes[CR]) == 4
        row = [str(cell) for cell in table.get_row(CR)]
        assert row[1:4] == ["8", "3", "3"] and row[-2:] == ["4", "0/4"]

        await pilot.press("enter")
        await settle(app, pilot)
        disputes = app.screen
        assert isinstance(disputes, DisputesScreen)
        assert disputes.current is not None and disputes.current.unit == 2
        await pilot.press("a")
        await settle(app, pilot)
        assert consensus(store) == [(2, CR, 0, len(FG1[1][1]), "afgjort af anna: annas kodning",
                                     "adjudication")]
        assert disputes.current.unit == 3  # the next disputed unit
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(TextArea).text = "Bo har ret: det handler om mødet."
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("b")
        await pilot.press("0")
        assert disputes.current.unit == 6
        await pilot.press("2")
        await settle(app, pilot)
        assert consensus(store) == [
            (2, CR, 0, len(FG1[1][1]), "afgjort af anna: annas kodning", "adjudication"),
            (3, CR, 0, len(FG1[2][1]), "Bo har ret: det handler om mødet.", "adjudication"),
            (6, CR, 0, len(FG1[5][1]), "afgjort af anna: begges kodninger", "adjudication"),
        ]
        stats = disputes.query_one(DisputeStats).text.plain
        assert "settled 4/4" in stats and "computing" not in stats
        assert "every dispute of this code is settled" in disputes.message

        await pilot.press("escape")
        await settle(app, pilot)
        back: object = app.screen
        assert back is review
        assert [str(cell) for cell in table.get_row(CR)][-2:] == ["4", "4/4"]


async def test_choosing_other_coders_compares_them(make_app: AppFactory, store: Store) -> None:
    two_coders(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        chooser = review.query_one(SelectionList)
        chooser.deselect("bo")
        await settle(app, pilot)
        assert review.query_one(AgreementTable).row_count == 0
        chooser.select("cleo")
        await settle(app, pilot)
        assert review.data is not None and review.data.coders == ["anna", "cleo"]
        assert "κ anna|cleo" in [str(c.label) for c in
                                 review.query_one(AgreementTable).columns.values()]


async def test_audit_finding_opens_its_unit_on_the_coding_screen(
        make_app: AppFactory, store: Store) -> None:
    with store.write() as session:  # caseworker_relation warns against the word "breve"
        code = session.get(Code, CR)
        assert code is not None
        code.definition = {**code.definition, "exclude_keywords": ["breve"]}
    coding.apply_code(store, "anna", unit_id(store, "fg1", 2), "contact_center")
    coding.apply_code(store, "bo", unit_id(store, "int1", 4), CR)  # "... og bedre breve."
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)  # fg1, unit 1
        await pilot.press("A")
        await settle(app, pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        assert audit.findings
        tree = audit.query_one(AuditTree)
        labels = [str(node.label) for node in tree.root.children]
        assert any(label.startswith("Codes only one coder uses") for label in labels)
        target = next(i for i, f in enumerate(audit.findings) if f.units
                      and f.units[0].source == "int1")
        link = audit.findings[target].units[0]
        node = next(leaf for group in tree.root.children for leaf in group.children
                    if leaf.data == target)
        tree.move_cursor(node)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.view is not None and screen.view.head.name == link.source
        assert current_ordinal(app) == link.unit
        assert screen.units.search_query is not None  # the excluded word is highlighted
        await pilot.press("escape", "escape")  # back to the sources, not to fg1
        assert not isinstance(app.screen, CodingScreen)


async def test_an_older_computation_never_replaces_a_newer_one(make_app: AppFactory,
                                                               store: Store) -> None:
    two_coders(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.data is not None
        stale = review.data
        coding.apply_code(store, "bo", unit_id(store, "fg1", 2), CR)  # agree on unit 2 now
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        fresh = review.data
        assert fresh is not None and fresh is not stale
        review.post_message(ReviewScreen.Computed(stale, review._computations - 1))  # late
        await settle(app, pilot)
        assert review.data is fresh


async def test_a_coder_who_is_not_a_reviewer_cannot_settle(make_app: AppFactory,
                                                           store: Store) -> None:
    from kodebog.users import add_user

    two_coders(store)
    with store.write() as session:
        add_user(session, "anna", "annas kodeord")  # a coder, not a reviewer
        add_user(session, "rikke", "rikkes kodeord", role="reviewer")
    app = make_app()
    assert app.coder == "anna"
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        disputes = app.screen
        assert isinstance(disputes, DisputesScreen)
        assert disputes.may_settle is False
        await pilot.press("a")
        await settle(app, pilot)
        assert "anna is not a reviewer; only reviewers settle" in disputes.message
        assert disputes.current is not None and disputes.current.unit == 2  # not moved on
        assert consensus(store) == []
