"""Tests for ranking, combining tiers and evaluation reports: no spaCy needed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kodebog.suggest.evaluate import EvaluationReport, Scores, _Tally
from kodebog.suggest.rank import combine, rank, trust
from kodebog.suggest.types import Evidence, KeywordHit, RuleHit, Suggestion

TEXT = "Jeg ringede til telefontiden, men fik en ny sagsbehandler igen."


def hit(
    code: str, score: float, word: str = "telefontiden", keyword: str = "telefontid"
) -> RuleHit:
    start = TEXT.index(word)
    span = ((start, start + len(word)),)
    return RuleHit(code, score, (KeywordHit(keyword, "exact", score, span, TEXT),))


def test_importing_suggest_does_not_import_spacy() -> None:
    code = "import kodebog.suggest, sys; assert 'spacy' not in sys.modules, 'spacy imported'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_combine_is_a_noisy_or_of_the_tiers() -> None:
    assert combine(0.6, None) == 0.6
    assert combine(0.0, 0.7) == pytest.approx(0.7)
    assert combine(0.6, 0.6, trusted=0.0) == pytest.approx(0.6)
    assert combine(0.6, 1.0) == pytest.approx(1.0)
    assert 0.0 <= combine(0.9, 0.9, 0.9) <= 1.0


def test_agreeing_tiers_score_higher_than_either() -> None:
    both = combine(0.6, 0.6, trusted=1.0)
    assert both > 0.6


def test_a_trusted_model_that_disagrees_lowers_a_keyword_score() -> None:
    assert combine(0.6, 0.01, trust(100)) < 0.5
    assert combine(0.6, 0.01, trust(0)) == pytest.approx(0.6)


def test_trust_grows_with_training_units() -> None:
    assert trust(5) == pytest.approx(0.5)
    assert trust(5) < trust(20) < trust(200) < 1.0
    assert trust(None) == 1.0


def test_a_confident_learned_code_outranks_a_weak_keyword_hit() -> None:
    weak = hit("contact_center", 0.4)
    out = rank(
        TEXT,
        [weak],
        {"caseworker_change": 0.95, "contact_center": 0.05},
        support={"caseworker_change": 50, "contact_center": 50},
    )
    assert [s.code for s in out][:2] == ["caseworker_change", "contact_center"]
    assert out[0].tier == "learned"
    assert out[1].tier == "rules"


def test_tiers_are_named_by_what_contributed() -> None:
    out = rank(TEXT, [hit("contact_center", 0.6)], {"contact_center": 0.9}, support=None)
    assert out[0].tier == "both"
    assert out[0].rule_score == 0.6
    assert out[0].learned_score == pytest.approx(0.9)


def test_rank_excludes_applied_and_rejected_codes() -> None:
    out = rank(
        TEXT,
        [hit("contact_center", 0.6)],
        {"contact_center": 0.9, "caseworker_change": 0.8, "letters_information": 0.7},
        exclude={"contact_center", "caseworker_change"},
    )
    assert [s.code for s in out] == ["letters_information"]


def test_rank_keeps_top_k_and_min_score() -> None:
    scores = {"a": 0.9, "b": 0.8, "c": 0.7, "d": 0.6, "e": 0.01}
    assert [s.code for s in rank(TEXT, [], scores, top_k=3)] == ["a", "b", "c"]
    assert [s.code for s in rank(TEXT, [], scores, top_k=10, min_score=0.65)] == ["a", "b", "c"]
    assert "e" not in {s.code for s in rank(TEXT, [], scores, top_k=10)}


def test_rank_merges_learned_evidence_and_checks_offsets() -> None:
    start = TEXT.index("sagsbehandler")
    learned = [
        Evidence(start, start + 13, "sagsbehandler", "learned", None, 1.2),
        Evidence(16, 28, "telefontiden", "learned", None, 0.5),  # covered by the rule hit
        Evidence(0, 3, "xxx", "learned", None, 0.1),  # offsets do not match: dropped
    ]
    out = rank(TEXT, [hit("c", 0.6)], {"c": 0.9}, explain=lambda code: learned)
    texts = [e.text for e in out[0].evidence]
    assert texts == ["telefontiden", "sagsbehandler"]
    assert [e.kind for e in out[0].evidence] == ["exact", "learned"]
    for e in out[0].evidence:
        assert TEXT[e.start : e.end] == e.text


def test_rank_asks_for_learned_evidence_only_for_returned_codes() -> None:
    asked: list[str] = []

    def explain(code: str) -> list[Evidence]:
        asked.append(code)
        return []

    rank(TEXT, [], {"a": 0.9, "b": 0.8, "c": 0.7, "d": 0.6}, top_k=2, explain=explain)
    assert asked == ["a", "b"]


def test_suggestion_to_dict_is_json() -> None:
    out = rank(TEXT, [hit("c", 0.6)], {"c": 0.9})
    data = json.loads(json.dumps([s.to_dict() for s in out]))
    assert data[0]["code"] == "c"
    assert data[0]["evidence"][0]["text"] == "telefontiden"
    assert isinstance(out[0], Suggestion)


def test_scores_from_counts() -> None:
    s = Scores.of(tp=3, fp=1, fn=2)
    assert s.precision == pytest.approx(0.75)
    assert s.recall == pytest.approx(0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert (s.support, s.predicted) == (5, 4)
    assert Scores.of(0, 0, 0).f1 == 0.0


def test_tally_counts_threshold_and_top_hits() -> None:
    tally = _Tally()
    suggestion = Suggestion("a", 0.8, "rules")
    weak = Suggestion("b", 0.3, "rules")
    tally.add({"a"}, [suggestion, weak], threshold=0.5)  # a right; b below threshold
    tally.add({"b"}, [weak], threshold=0.5)  # b missed, but in the top k
    tally.add(set(), [suggestion], threshold=0.5)  # an uncoded unit: a is a false positive
    scores = tally.scores()
    assert scores.per_code["a"] == Scores.of(1, 1, 0)
    assert scores.per_code["b"] == Scores.of(0, 0, 1)
    assert scores.top_hit_rate == 1.0


def test_report_formats_a_table_and_json() -> None:
    tally = _Tally()
    tally.add({"a"}, [Suggestion("a", 0.8, "rules")], 0.5)
    tiers = {t: tally.scores() for t in ("rules", "learned", "combined")}
    report = EvaluationReport(1, 2, 0, 0.5, 3, tiers, [])
    table = report.format_table()
    assert "top-1" in table and "top-3" in table and "precision" in table and "a " in table
    assert "semantic tier: off" in table
    assert json.loads(json.dumps(report.to_dict()))["tiers"]["rules"]["micro"]["f1"] == 1.0
