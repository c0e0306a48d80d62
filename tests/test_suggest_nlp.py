"""Tests for the spaCy side of suggestions: lemmas, keyword rules, the learned model, the engine.

The blank Danish pipeline with its lemma table loads once per test session (a few seconds).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from kodebog.codebook import Code, Codebook
from kodebog.errors import KodebogError
from kodebog.suggest.engine import Suggester
from kodebog.suggest.learned import LearnedModel, _targets, bootstrap_examples, train
from kodebog.suggest.nlp import Analyzer, DocTokens, analyze, get_analyzer, get_nlp, lemmas
from kodebog.suggest.rules import RuleMatcher
from kodebog.suggest.types import RuleHit

ROOT = Path(__file__).resolve().parents[1]
JOBCENTER = ROOT / "codebooks" / "jobcenter.yaml"

CODEBOOK = Codebook(
    language="da",
    title="Test",
    codes=(
        Code(
            "caseworker_change",
            "Skift af sagsbehandler",
            keywords=("skift af sagsbehandler", "ny sagsbehandler", "sagsbehandler", "skift"),
            examples=(
                "Jeg har haft fire forskellige sagsbehandlere på et år.",
                "Hver gang kom der en ny, og jeg skulle starte forfra.",
            ),
            include=("Skift af sagsbehandler og manglende kontinuitet",),
        ),
        Code(
            "contact_center",
            "Kontakt",
            keywords=("telefontid", "ringe", "jobcenter", "svar"),
            exclude_keywords=("sms",),
            examples=(
                "Man kan aldrig komme igennem på telefonen.",
                "Jeg ringede flere gange uden at få svar.",
            ),
        ),
        Code(
            "letters_information",
            "Breve",
            keywords=("brev", "tid", "vente"),
            examples=("Brevene er skrevet i et sprog jeg ikke forstår.",),
            include=("Breve og skriftlig information",),
        ),
    ),
)


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The blank Danish pipeline (cached by get_analyzer for the whole process)."""
    return get_analyzer("da")


@pytest.fixture(scope="session")
def matcher(analyzer: Analyzer) -> RuleMatcher:
    return RuleMatcher(CODEBOOK, analyzer)


def hits(matcher: RuleMatcher, text: str) -> dict[str, RuleHit]:
    return {h.code: h for h in matcher.match_texts([text])[0]}


def keyword_kinds(hit: RuleHit) -> dict[str, str]:
    return {h.keyword: h.kind for h in hit.hits}


# -- pipeline --


def test_blank_pipeline_has_sentencizer_and_lookup_lemmatizer(analyzer: Analyzer) -> None:
    nlp = get_nlp("da")
    assert nlp is analyzer.nlp
    assert nlp.pipe_names == ["sentencizer", "lemmatizer"]
    doc = nlp("Breve kom. Jeg ventede.")
    assert [t.lemma_ for t in doc][:2] == ["brev", "komme"]
    assert len(list(doc.sents)) == 2


def test_lemmas_lowercase_before_lookup_with_lowercase_fallback(analyzer: Analyzer) -> None:
    assert lemmas(["Breve BREVE ventede Xyzzyq Danmarks"]) == [
        ["brev", "brev", "vente", "xyzzyq", "danmark"]
    ]


def test_analyze_gives_word_tokens_with_offsets(analyzer: Analyzer) -> None:
    text = "Æblet – og „brevene“ 😡, ikke?"
    doc = analyze([text])[0]
    assert doc.text == text
    assert doc_words(doc) == ["Æblet", "og", "brevene", "😡", "ikke"]
    assert "," not in doc.lower and "„" not in doc.lower
    assert "brev" in doc.lemma


def doc_words(doc: DocTokens) -> list[str]:
    return [doc.text[s:e] for s, e in zip(doc.start, doc.end, strict=True)]


def test_get_analyzer_is_shared_between_threads(analyzer: Analyzer) -> None:
    seen: list[Analyzer] = []
    threads = [threading.Thread(target=lambda: seen.append(get_analyzer("da"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a is analyzer for a in seen)


def test_unknown_model_name_is_a_clear_error() -> None:
    with pytest.raises(KodebogError, match="not installed"):
        get_nlp("da", model="da_core_news_nonexistent")


def test_installed_trained_pipeline_is_used_when_named() -> None:
    spacy_util = pytest.importorskip("spacy.util")
    name = next(
        (
            n
            for n in ("da_core_news_sm", "da_core_news_md", "da_core_news_lg")
            if spacy_util.is_package(n)
        ),
        None,
    )
    if name is None:
        pytest.skip("no trained Danish spaCy pipeline installed")
    a = get_analyzer("da", name)
    assert a.name == name
    assert a.analyze(["Brevene kom"])[0].lemma[0] == "brev"


# -- rules: lemmas, compounds, phrases, fuzzy variants, exclusions, evidence --


def test_keyword_matches_inflected_forms(matcher: RuleMatcher) -> None:
    found = hits(matcher, "Jeg fik tre breve og ventede længe.")
    assert keyword_kinds(found["letters_information"]) == {"brev": "exact", "vente": "exact"}


def test_telefontiden_matches_keyword_telefontid(matcher: RuleMatcher) -> None:
    found = hits(matcher, "Telefontiden er for kort.")
    assert "telefontid" in keyword_kinds(found["contact_center"])


def test_keyword_as_modifier_of_a_compound(matcher: RuleMatcher) -> None:
    found = hits(matcher, "Der var telefontidsproblemer hele tiden.")
    assert keyword_kinds(found["contact_center"])["telefontid"] == "compound"


def test_sagsbehandlerskift_hits_modifier_head_and_phrase(matcher: RuleMatcher) -> None:
    found = hits(matcher, "Sagsbehandlerskiftet var hårdt.")
    kinds = keyword_kinds(found["caseworker_change"])
    assert kinds["sagsbehandler"] == "compound"
    assert kinds["skift"] == "compound"
    assert kinds["skift af sagsbehandler"] == "fuzzy"


def test_short_keyword_does_not_fire_inside_words(matcher: RuleMatcher) -> None:
    assert "letters_information" not in hits(matcher, "Det tog sin betid.")
    assert "letters_information" not in hits(matcher, "Tidspunktet passede.")
    assert "letters_information" in hits(matcher, "Tiden gik.")


def test_derivations_are_not_compounds(matcher: RuleMatcher) -> None:
    assert "letters_information" not in hits(matcher, "Jeg forventede mere.")  # for+vente
    assert "contact_center" not in hits(matcher, "Partshøringen kom.")  # parts|hø|ring
    assert not matcher.part_ok("ende", head=True)  # skift|ende
    assert not matcher.part_ok("for", head=False)  # for|vente
    assert matcher.part_ok("skift", head=True) and matcher.part_ok("sproblemer", head=True)
    assert matcher.part_ok("sagsbehandlers", head=False)


def test_word_missing_from_the_lemma_table_matches_by_its_stem(matcher: RuleMatcher) -> None:
    found = hits(matcher, "Jeg ringede til jobcentret.")
    assert keyword_kinds(found["contact_center"])["jobcenter"] == "exact"


def test_verb_matches_its_noun_keyword(matcher: RuleMatcher) -> None:
    found = hits(matcher, "Kontaktcenteret svarede aldrig.")
    assert keyword_kinds(found["contact_center"])["svar"] == "exact"


def test_exact_phrase(matcher: RuleMatcher) -> None:
    found = hits(matcher, "Nu har jeg fået en ny sagsbehandler.")
    assert keyword_kinds(found["caseworker_change"])["ny sagsbehandler"] == "phrase"


def test_phrase_variant_reordered_and_inflected(matcher: RuleMatcher) -> None:
    found = hits(matcher, "Min sagsbehandler blev skiftet igen.")
    assert keyword_kinds(found["caseworker_change"])["skift af sagsbehandler"] == "fuzzy"


def test_phrase_variant_needs_all_its_words(matcher: RuleMatcher) -> None:
    found = hits(matcher, "Jeg havde en god sagsbehandler.")
    assert "skift af sagsbehandler" not in keyword_kinds(found["caseworker_change"])


def test_misspelt_long_keyword_matches_fuzzily(matcher: RuleMatcher) -> None:
    found = hits(matcher, "Min sagsbehanlder var sød.")
    assert keyword_kinds(found["caseworker_change"])["sagsbehandler"] == "fuzzy"


def test_exclude_keywords_lower_the_score(matcher: RuleMatcher) -> None:
    plain = hits(matcher, "Jeg ringede til jobcentret.")["contact_center"]
    excluded = hits(matcher, "Jeg ringede til jobcentret og fik en sms.")["contact_center"]
    assert excluded.score < plain.score
    assert [h.keyword for h in excluded.excluded] == ["sms"]


def test_scores_rank_stronger_evidence_higher(matcher: RuleMatcher) -> None:
    one = hits(matcher, "Jeg ringede.")["contact_center"].score
    two = hits(matcher, "Jeg ringede men fik intet svar.")["contact_center"].score
    repeated = hits(matcher, "Jeg ringede og ringede og ringede.")["contact_center"].score
    compound = hits(matcher, "Der var telefontidsproblemer.")["contact_center"].score
    assert 0 < compound < one < two <= 1
    assert repeated == one


def test_evidence_offsets_point_at_the_matched_words(matcher: RuleMatcher) -> None:
    text = "Altså – „Telefontiden“ var kort, og jeg fik en ny sagsbehandler."
    found = hits(matcher, text)
    for hit in found.values():
        for ev in hit.evidence:
            assert text[ev.start : ev.end] == ev.text
    contact = found["contact_center"].evidence
    assert [(e.text, e.keyword) for e in contact] == [("Telefontiden", "telefontid")]
    assert contact[0].start == text.index("Telefontiden")
    phrase = [e for e in found["caseworker_change"].evidence if e.kind == "phrase"]
    assert phrase[0].text == "ny sagsbehandler"


def test_no_keywords_no_hits(analyzer: Analyzer) -> None:
    empty = RuleMatcher(Codebook("da", (Code("x", "X"),)), analyzer)
    assert empty.match_texts(["Jeg ringede", ""]) == [[], []]


# -- learned model --

TRAIN = [
    *[
        (t, {"caseworker_change"})
        for t in (
            "Jeg har fået en ny sagsbehandler igen",
            "Sagsbehandleren skiftede for tredje gang",
            "Hver gang skulle jeg forklare det hele forfra for en ny",
            "Jeg har haft fire forskellige sagsbehandlere",
            "De skifter sagsbehandler hele tiden",
            "Det er hårdt at starte forfra med en ny person",
        )
    ],
    *[
        (t, {"contact_center"})
        for t in (
            "Man kan aldrig komme igennem på telefonen",
            "Jeg ringede mange gange uden svar",
            "Telefontiden er alt for kort",
            "Ingen tog telefonen da jeg ringede",
            "Jeg ventede en time i telefonkø",
            "Det er umuligt at få fat i nogen på telefonen",
        )
    ],
    *[
        (t, {"letters_information"})
        for t in (
            "Brevet var svært at forstå",
            "Jeg forstod ikke brevene fra kommunen",
            "Der står alt for meget i brevene",
            "Brevene er skrevet i et svært sprog",
            "Jeg fik et brev jeg ikke kunne læse",
            "Informationen i brevet var uklar",
        )
    ],
]


@pytest.fixture(scope="module")
def model(analyzer: Analyzer) -> LearnedModel:
    return train(TRAIN, codes=CODEBOOK.ids, min_examples=5, analyzer=analyzer, seed=0)


def best(scores: dict[str, float]) -> str:
    return max(scores, key=scores.__getitem__)


def test_learned_model_predicts_held_out_texts(model: LearnedModel) -> None:
    out = model.predict(
        ["Telefonen blev aldrig taget", "Endnu en ny sagsbehandler", "Brevene var uforståelige"]
    )
    assert [best(s) for s in out] == ["contact_center", "caseworker_change", "letters_information"]
    assert all(0.0 <= v <= 1.0 for s in out for v in s.values())
    assert model.predict(["", "!!!"]) == [{}, {}]  # no words, no scores


def test_model_metadata(model: LearnedModel) -> None:
    meta = model.meta
    assert meta.codes == ["caseworker_change", "contact_center", "letters_information"]
    assert meta.positives == {c: 6 for c in meta.codes}
    assert meta.n_units == 18
    assert meta.pipeline == "blank:da"
    assert meta.trained_at[:2] == "20"


def test_learned_evidence_is_the_weightiest_words(model: LearnedModel, analyzer: Analyzer) -> None:
    text = "Jeg ringede, men telefonen var lukket."
    doc = analyzer.analyze([text])[0]
    evidence = model.explain(doc, "contact_center")
    assert 1 <= len(evidence) <= 3
    assert {e.text for e in evidence} & {"ringede", "telefonen"}
    for e in evidence:
        assert text[e.start : e.end] == e.text and e.kind == "learned" and e.weight > 0
    assert [e.start for e in evidence] == sorted(e.start for e in evidence)


def test_model_round_trips_through_bytes(model: LearnedModel, analyzer: Analyzer) -> None:
    blob = model.to_bytes()
    assert len(blob) < 2_000_000
    again = LearnedModel.from_bytes(blob, analyzer)
    assert again.meta == model.meta
    texts = ["Jeg ringede igen", "Brevet kom aldrig"]
    assert again.predict(texts) == model.predict(texts)


def test_unreadable_model_blob_is_a_clear_error() -> None:
    with pytest.raises(KodebogError, match="retrain"):
        LearnedModel.from_bytes(b"not a model")


def test_training_is_deterministic(model: LearnedModel, analyzer: Analyzer) -> None:
    again = train(TRAIN, codes=CODEBOOK.ids, min_examples=5, analyzer=analyzer, seed=0)
    texts = ["Jeg ringede igen", "Ny sagsbehandler"]
    assert again.predict(texts) == model.predict(texts)


def test_codes_with_too_few_examples_are_not_learned(analyzer: Analyzer) -> None:
    few = [*TRAIN[:6], *TRAIN[6:9]]
    m = train(few, codes=CODEBOOK.ids, min_examples=5, analyzer=analyzer)
    assert m.codes == ["caseworker_change"]
    assert m.meta.skipped == {"contact_center": 3, "letters_information": 0}
    with pytest.raises(KodebogError, match="coded units"):
        train(few[:3], codes=CODEBOOK.ids, analyzer=analyzer)


def test_targets_count_other_codes_and_rejections_as_negatives() -> None:
    examples = [("a", {"x"}), ("b", {"y"}), ("c", {"x", "y"})]
    rejected = [("d", "x"), ("b", "x"), ("a", "x")]
    cats, learned, positives, _ = _targets(examples, rejected, ["x", "y", "z"], 1)
    assert learned == ["x", "y"] and positives == {"x": 2, "y": 2}
    assert cats["a"] == {"x": 1.0, "y": 0.0}  # coded x wins over a rejection of x
    assert cats["b"] == {"x": 0.0, "y": 1.0}
    assert cats["d"] == {"x": 0.0}  # only rejected: negative for x, unknown for y


def test_bootstrap_examples_from_examples_and_include() -> None:
    pairs = dict(bootstrap_examples(CODEBOOK))
    assert pairs["Skift af sagsbehandler og manglende kontinuitet"] == {"caseworker_change"}
    assert pairs["Jeg ringede flere gange uden at få svar."] == {"contact_center"}
    assert len(pairs) == 7


# -- engine --


def test_new_project_gets_suggestions_from_the_codebook_alone(analyzer: Analyzer) -> None:
    suggester = Suggester(CODEBOOK)
    out = suggester.suggest(["Jeg ringede til jobcentret men fik intet svar", "Vejret var godt"])
    assert suggester.model is not None  # bootstrapped from examples and include texts
    assert out[0][0].code == "contact_center"
    assert out[0][0].tier in ("rules", "both")
    assert all(s.score < 0.5 for s in out[1])
    for s in out[0]:
        for e in s.evidence:
            assert "Jeg ringede til jobcentret men fik intet svar"[e.start : e.end] == e.text


def test_suggest_respects_exclusions_top_k_and_min_score(analyzer: Analyzer) -> None:
    suggester = Suggester(CODEBOOK, bootstrap=False)
    text = "Jeg ringede om brevet og fik en ny sagsbehandler"
    assert {s.code for s in suggester.suggest([text])[0]} == {
        "contact_center",
        "letters_information",
        "caseworker_change",
    }
    out = suggester.suggest([text, text], exclude=[{"contact_center"}, set()], top_k=2)
    assert "contact_center" not in {s.code for s in out[0]}
    assert len(out[0]) == 2 and len(out[1]) == 2
    assert suggester.suggest([text], min_score=0.99) == [[]]
    with pytest.raises(ValueError):
        suggester.suggest([text], exclude=[])


def test_fit_learns_from_codings_and_rejections(analyzer: Analyzer) -> None:
    suggester = Suggester(CODEBOOK)
    model = suggester.fit(TRAIN, rejected=[("Jeg ringede om brevet", "contact_center")])
    assert model is not None and suggester.model is model
    assert set(model.codes) == set(CODEBOOK.ids)
    assert model.meta.n_units == 18 + 7 + 1
    out = suggester.suggest(["Telefonen blev aldrig taget"])[0]
    assert out[0].code == "contact_center" and out[0].tier == "learned"
    assert any(e.kind == "learned" for e in out[0].evidence)


def test_fit_without_enough_codings_turns_tier_two_off(analyzer: Analyzer) -> None:
    suggester = Suggester(CODEBOOK, bootstrap=False)
    assert suggester.fit(TRAIN[:2]) is None
    assert suggester.model is None
    assert suggester.suggest(["Jeg ringede"])[0][0].tier == "rules"


def test_stored_model_is_loaded_by_a_new_suggester(model: LearnedModel) -> None:
    suggester = Suggester(CODEBOOK)
    loaded = suggester.load_model(model.to_bytes())
    assert suggester.model is loaded and loaded.codes == model.codes


def test_evaluation_report(analyzer: Analyzer) -> None:
    suggester = Suggester(CODEBOOK)
    report = suggester.evaluate(TRAIN * 2, k=2, seed=0, curve=(10,))
    assert report.n_units == 36 and report.k == 2 and report.threshold == 0.5
    assert set(report.tiers) == {"rules", "learned", "combined", "fused"}  # no semantic tier
    assert report.tiers["fused"] == report.tiers["combined"]
    for tier in report.tiers.values():
        assert set(tier.per_code) <= set(CODEBOOK.ids)
        assert 0.0 <= tier.micro.f1 <= 1.0 and 0.0 <= tier.top_hit_rate <= 1.0
        assert 0.0 <= tier.top1_rate <= tier.top_hit_rate
        assert tier.micro.support == 36
    assert set(report.codebook_only) == set(report.tiers)
    assert [p.n_train for p in report.curve] == [10, 18]
    assert report.curve[-1].micro_f1 == report.tiers["fused"].micro.f1
    assert report.tiers["combined"].top_hit_rate >= 0.85
    data = json.loads(json.dumps(report.to_dict()))
    assert data["tiers"]["combined"]["per_code"]["contact_center"]["support"] == 12
    table = report.format_table()
    assert "contact_center" in table and "Learning curve" in table
    assert "with the codebook only" in table


def test_evaluation_needs_two_units(analyzer: Analyzer) -> None:
    with pytest.raises(KodebogError):
        Suggester(CODEBOOK).evaluate(TRAIN[:1])


def test_example_codebook_keywords_find_its_own_examples(analyzer: Analyzer) -> None:
    from kodebog.codebook import load_codebook

    codebook = load_codebook(JOBCENTER)
    matcher = RuleMatcher(codebook, analyzer)
    examples = [(text, code.id) for code in codebook.walk() for text in code.examples]
    found = matcher.match_texts(t for t, _ in examples)
    right = sum(
        code in {h.code for h in hit} for (_, code), hit in zip(examples, found, strict=True)
    )
    assert right >= len(examples) // 2


def test_codes_removed_from_the_codebook_are_not_suggested(model: LearnedModel) -> None:
    smaller = Codebook("da", CODEBOOK.codes[:1])
    suggester = Suggester(smaller)
    suggester.load_model(model.to_bytes())
    out = suggester.suggest(["Telefonen blev aldrig taget, og brevet var uforståeligt"])
    assert {s.code for s in out[0]} <= {"caseworker_change"}


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(KodebogError, match="language"):
        get_nlp("qq")
