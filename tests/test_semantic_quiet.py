"""Quietness with the semantic tier: units with no code (greetings, thanks, off-topic turns)
get no more confident suggestions with the tier than without it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kodebog import coding
from kodebog.importing import import_parsed
from kodebog.queries import find_source
from kodebog.store import Store
from kodebog.suggest import fuse, service
from kodebog.suggest.evaluate import TierScores
from kodebog.suggest.rank import rank
from kodebog.suggest.semantic import SemanticHit

from .conftest import make_parsed
from .test_semantic import needs_model
from .test_suggest_service import make_store

OFF_TOPIC = [  # read and left uncoded: none of them is about the codebook's themes
    "Tak for i dag.",
    "Ok.",
    "Godt.",
    "Ved ikke.",
    "Tak for hjælpen.",
    "Vejret var fint den dag.",
    "Det var alt fra mig.",
    "Jeg har ikke mere at sige.",
    "Ja, det synes jeg også.",
    "Fint nok.",
    "Min datter fylder år på lørdag.",
    "Vi skal have frikadeller i aften.",
]


def hits(similarity: float, *scored: tuple[str, float]) -> list[SemanticHit]:
    return [SemanticHit(code, p, similarity, f"et eksempel på {code}", False)
            for code, p in scored]


def test_a_weak_learned_score_and_a_softmax_winner_make_no_confident_suggestion() -> None:
    # "Godt.": the learned tier leans to a code, the semantic softmax picks the same one,
    # but the unit is not near any code: their noisy-OR alone would be confident (0.66)
    near = hits(0.89, ("relation", 0.51), ("contact", 0.49))
    assert fuse.calibrated({"relation": fuse.TierScores(0.0, 0.43, 1.0, 0.51)})["relation"] > 0.6
    (top, *_) = rank("Godt.", [], {"relation": 0.43}, semantic=near)
    assert top.code == "relation" and top.low and top.score < 0.5


def test_a_unit_near_a_code_keeps_the_semantic_tiers_confidence() -> None:
    near = hits(0.97, ("relation", 0.51), ("contact", 0.49))
    (top, *_) = rank("De lytter til mig.", [], {"relation": 0.43}, semantic=near)
    assert not top.low and top.score == pytest.approx(1 - (1 - 0.43) * (1 - 0.8 * 0.51))


def test_a_unit_far_from_every_code_is_marked_low_and_keeps_its_order() -> None:
    near = hits(0.85, ("first_meeting", 0.6), ("contact", 0.4))
    learned = {"first_meeting": 0.71, "contact": 0.3}
    ranked = rank("Ved ikke.", [], learned, semantic=near)
    assert [s.code for s in ranked] == ["first_meeting", "contact"]
    assert all(s.low for s in ranked)
    without = rank("Ved ikke.", [], learned)
    assert [s.code for s in without] == ["first_meeting", "contact"] and not without[0].low


@pytest.fixture
def store(project_location: str, tmp_path: Path) -> Iterator[Store]:
    made = make_store(project_location, tmp_path)
    import_parsed(made, make_parsed("fg2", [(f"Borger {i % 3 + 1}", text)
                                            for i, text in enumerate(OFF_TOPIC)]))
    with made.read() as session:
        source = find_source(session, "fg2").id
    coding.mark_source_done(made, "anna", source)  # read to the end, nothing coded
    yield made
    made.dispose()


def loud(scores: TierScores) -> float:
    return scores.loud / scores.uncoded


@needs_model
def test_the_semantic_tier_keeps_uncoded_units_quiet(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KODEBOG_SEMANTIC", raising=False)
    report = service.evaluate(store, "anna", folds=3, curve=(), semantic=True)
    for tiers in (report.tiers, report.codebook_only):
        assert tiers["fused"].uncoded == len(OFF_TOPIC)
        assert loud(tiers["fused"]) <= loud(tiers["combined"])
        assert tiers["fused"].top_hit_rate >= tiers["combined"].top_hit_rate
    for name in ("QUIET_FROM", "OFF_TOPIC_FROM"):  # without ``fuse.quiet``: noisier
        monkeypatch.setattr(fuse, name, -2.0)
    for name in ("QUIET_TO", "OFF_TOPIC_TO"):
        monkeypatch.setattr(fuse, name, -1.0)
    noisy = service.evaluate(store, "anna", folds=3, curve=(), semantic=True).tiers
    assert loud(noisy["fused"]) > loud(noisy["combined"])
