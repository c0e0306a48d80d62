"""Tier 1: codebook keywords matched on lemmas, inside Danish compounds and as fuzzy variants."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Protocol

from rapidfuzz import fuzz

from kodebog.codebook import Codebook
from kodebog.suggest.nlp import Analyzer, DocTokens, Word, get_analyzer
from kodebog.suggest.types import EvidenceKind, KeywordHit, RuleHit

MIN_PART = 4  # shortest keyword found inside a compound
MIN_REST = 3  # shortest other part of a compound
FUZZY_THRESHOLD = 85.0  # rapidfuzz score (0-100) for a variant to count
MIN_FUZZY_LEN = 6  # shortest keyword matched fuzzily as a single word
PHRASE_SLACK = 2  # extra tokens a phrase variant may spread over
WEIGHTS: dict[EvidenceKind, float] = {"phrase": 0.7, "exact": 0.6, "compound": 0.4, "fuzzy": 0.35}
PHRASE_FUZZY_WEIGHT = 0.6  # a phrase variant (all its words, reordered or inflected)
EXCLUDE_STRENGTH = 0.7  # an exclude keyword hit of weight w multiplies the score by 1 - 0.7 w
MAX_EVIDENCE = 5  # places kept per keyword


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# words that carry no theme: not required when a phrase is matched as a variant
FUNCTION_WORDS = _set(
    "af at de dem den der deres det du efter eller en er et for fra han hans har have i "
    "ind jeg jer man med men mig min mine mit når og om op os over på sig sin sine sit "
    "skal som så til ud var ved vi vil vores være blive blev bliver kan kunne"
)
# derivational prefixes: "forvente" is not a compound of "vente"
PREFIXES = _set("for fore und ind gen mis sam til fra med mod ned van over efter bort frem hen")
# endings that make a word, not a compound: "skiftende" is not "skift" + a head
SUFFIXES = _set(
    "nde ende ede ete ene enes ens ets ers erne ernes rne rnes nes else elser elsen ning "
    "ninger ningen hed heden heder lig lige ligt ligere isk iske ere est este ste"
)
# inflections stripped from words the lemma table lacks ("jobcentret" -> "jobcenter")
_ENDINGS = ("ernes", "erne", "enes", "ene", "ens", "ets", "en", "et", "ne", "er", "es", "e", "s")
_VOWELS = frozenset("aeiouyæøå")

_EXACT, _COMPOUND, _FUZZY = 0, 1, 2
_KIND: tuple[EvidenceKind, ...] = ("exact", "compound", "fuzzy")
_NONE: tuple[tuple[int, int, float], ...] = ()


@dataclass(frozen=True, slots=True)
class _Pattern:
    code: str
    keyword: str
    exclude: bool
    words: tuple[int, ...]  # word ids of all its words, in order
    content: tuple[int, ...]  # distinct word ids a variant must contain
    lemma_text: str  # content lemmas, space-joined
    lower_text: str  # content words as written, lowercase


class RuleMatcher:
    """Matches a codebook's ``keywords`` and ``exclude_keywords`` in analysed units.

    A token matches a keyword word when its lemma or form equals the word's lemma or form
    (``exact``; also a verb and its noun, skifte ~ skift, and stems of words the lemma table
    lacks, jobcentret ~ jobcenter); when the word (>= 4 letters) is the first or last part of
    a compound whose other part is a known word (``compound``: sagsbehandler|skiftet,
    telefontid|s|problemer); or, for words the table lacks, by ``fuzz.ratio`` >= 85 (typos).
    A phrase matches exactly (``phrase``: its lemmas in order) or as a variant (``fuzzy``):
    a window of at most len + 2 tokens holding every content word of the phrase whose
    content lemmas score ``token_set_ratio`` >= 85 against the phrase; requiring every
    content word keeps a bare head word ("god sagsbehandler") from matching.

    A code's score is ``1 - prod(1 - w)`` over its keywords (each counted once, at its best
    weight: ``WEIGHTS``), times ``1 - EXCLUDE_STRENGTH * w`` for each exclude keyword found.

    Keywords are analysed once; each token type is related to the keyword words once and
    cached, so a unit costs a lookup per token plus work for the keywords it touches.
    """

    def __init__(self, codebook: Codebook, analyzer: Analyzer | None = None) -> None:
        self.analyzer = analyzer or get_analyzer(codebook.language or "da")
        self._forms: list[frozenset[str]] = []
        self._word_ids: dict[tuple[str, str], int] = {}
        self._exact: dict[str, list[int]] = {}
        self._parts: dict[str, list[int]] = {}
        self._fuzzy: dict[str, list[tuple[str, int]]] = {}
        self._patterns: list[_Pattern] = []
        self._by_word: dict[int, list[int]] = {}
        self._indexed: set[int] = set()
        self._cache: dict[Word, tuple[tuple[int, int, float], ...]] = {}
        entries = [
            (code.id, keyword, exclude)
            for code in codebook.walk()
            for exclude, keywords in ((False, code.keywords), (True, code.exclude_keywords))
            for keyword in keywords
            if keyword.strip()
        ]
        docs = self.analyzer.analyze(keyword for _, keyword, _ in entries)
        for (code_id, keyword, exclude), doc in zip(entries, docs, strict=True):
            if len(doc):
                self._add(code_id, keyword, exclude, doc)
        self._heads = frozenset(form[:MIN_PART] for form in self._parts)

    @property
    def codes(self) -> list[str]:
        """Ids of the codes that have keywords."""
        return sorted({p.code for p in self._patterns if not p.exclude})

    def _add(self, code_id: str, keyword: str, exclude: bool, doc: DocTokens) -> None:
        words = [
            self._word(lower, lemma) for lower, lemma in zip(doc.lower, doc.lemma, strict=True)
        ]
        keep = [
            i
            for i, (lower, lemma) in enumerate(zip(doc.lower, doc.lemma, strict=True))
            if lemma not in FUNCTION_WORDS and lower not in FUNCTION_WORDS
        ]
        # a keyword of function words only ("ikke") is matched exactly, never inside words
        full_words = bool(keep)
        keep = keep or list(range(len(words)))
        content = list(dict.fromkeys(words[i] for i in keep))
        for wid in content:
            self._index(wid, is_content=full_words)
        pattern = _Pattern(
            code=code_id,
            keyword=keyword.strip(),
            exclude=exclude,
            words=tuple(words),
            content=tuple(content),
            lemma_text=" ".join(doc.lemma[i] for i in keep),
            lower_text=" ".join(doc.lower[i] for i in keep),
        )
        index = len(self._patterns)
        self._patterns.append(pattern)
        for wid in pattern.content:
            self._by_word.setdefault(wid, []).append(index)

    def _word(self, lower: str, lemma: str) -> int:
        wid = self._word_ids.get((lower, lemma))
        if wid is None:
            wid = len(self._forms)
            self._word_ids[(lower, lemma)] = wid
            self._forms.append(frozenset((lower, lemma)))
        return wid

    def _index(self, wid: int, is_content: bool) -> None:
        """Make a keyword word findable: exactly, and (content words) in compounds, fuzzily."""
        if wid in self._indexed:
            return
        self._indexed.add(wid)
        for form in self._forms[wid]:
            self._exact.setdefault(form, []).append(wid)
            if is_content and len(form) >= MIN_PART and form.isalpha():
                self._parts.setdefault(form, []).append(wid)
            if is_content and len(form) >= MIN_FUZZY_LEN:
                self._fuzzy.setdefault(form[:3], []).append((form, wid))

    # -- relating one token form to the keyword words (cached per form) --

    def _relate(self, lower: str, lemma: str) -> tuple[tuple[int, int, float], ...]:
        found: dict[int, tuple[int, float]] = {}

        def add(wids: Iterable[int], kind: int, ratio: float = 100.0) -> None:
            for wid in wids:
                old = found.get(wid)
                if old is None or (kind, -ratio) < (old[0], -old[1]):
                    found[wid] = (kind, ratio)

        add(self._exact.get(lemma, ()), _EXACT)
        add(self._exact.get(lower, ()), _EXACT)
        if len(lemma) > MIN_PART and lemma[-1] == "e":  # verb and noun: skifte ~ skift
            add(self._exact.get(lemma[:-1], ()), _EXACT)
        elif len(lemma) >= MIN_PART:
            add(self._exact.get(lemma + "e", ()), _EXACT)
        oov = lemma == lower and not self.analyzer.known(lower)
        if oov:
            for stem in _stems(lower):
                add(self._exact.get(stem, ()), _EXACT)
        if self._parts and len(lower) >= MIN_PART + MIN_REST and lower.isalpha():
            self._compound(lower, add)
        if oov and len(lower) >= MIN_FUZZY_LEN:
            for form, wid in self._fuzzy.get(lower[:3], ()):
                if abs(len(form) - len(lower)) <= 3:
                    ratio = fuzz.ratio(form, lower, score_cutoff=FUZZY_THRESHOLD)
                    if ratio:
                        add((wid,), _FUZZY, ratio)
        if not found:
            return _NONE
        return tuple((wid, kind, ratio) for wid, (kind, ratio) in found.items())

    def _compound(self, word: str, add: _Add) -> None:
        n = len(word)
        parts = self._parts
        for i in range(MIN_PART, n - MIN_REST + 1):  # keyword as modifier: sagsbehandler|skift
            wids = parts.get(word[:i])
            if wids and self.part_ok(word[i:], head=True):
                add(wids, _COMPOUND)
        for i in range(MIN_REST, n - MIN_PART + 1):  # keyword as head: sagsbehandler|skiftet
            head = word[i:]
            if head[:MIN_PART] in self._heads and self.part_ok(word[:i], head=False):
                wids = parts.get(head)
                if not wids:  # an inflected head keeps its lemma in front: skiftet -> skift
                    lemma = self.analyzer.lemma(head)
                    wids = parts.get(lemma) if head.startswith(lemma) else None
                if wids:
                    add(wids, _COMPOUND)

    def part_ok(self, part: str, head: bool) -> bool:
        """Whether the rest of a compound is a word: known to the lemma table, not an ending
        (skift|ende) or a prefix (for|vente). A linking s or e may join the parts:
        telefontid|s|problemer, sag|s|behandler."""
        if head:
            options = [part, part[1:]] if part[:1] in ("s", "e") else [part]
            bad = SUFFIXES
        else:
            options = [part, part[:-1]] if part[-1:] in ("s", "e") else [part]
            bad = PREFIXES
        return any(len(o) >= MIN_REST and o not in bad and self.analyzer.known(o) for o in options)

    # -- matching --

    def match(self, doc: DocTokens) -> list[RuleHit]:
        """The codes whose keywords occur in ``doc``, best first."""
        cache = self._cache
        words = doc.words
        found = list(map(cache.get, words))
        if None in found:
            if len(cache) > 1_000_000:
                cache.clear()
            for i, rels in enumerate(found):
                if rels is None:
                    found[i] = cache[words[i]] = self._relate(words[i].lower, words[i].lemma)
        places: dict[int, list[tuple[int, int, float]]] = {}
        for i in compress(range(len(found)), found):
            for wid, kind, ratio in found[i] or ():
                places.setdefault(wid, []).append((i, kind, ratio))
        if not places:
            return []
        touched = {p for wid in places for p in self._by_word.get(wid, ())}
        hits: dict[str, list[KeywordHit]] = {}
        excluded: dict[str, list[KeywordHit]] = {}
        for index in sorted(touched):
            pattern = self._patterns[index]
            hit = self._hit(pattern, doc, places)
            if hit is not None:
                (excluded if pattern.exclude else hits).setdefault(pattern.code, []).append(hit)
        results = []
        for code, code_hits in hits.items():
            score = 1.0
            for h in code_hits:
                score *= 1.0 - h.weight
            score = 1.0 - score
            for h in excluded.get(code, ()):
                score *= 1.0 - EXCLUDE_STRENGTH * h.weight
            code_hits.sort(key=lambda h: -h.weight)
            results.append(RuleHit(code, score, tuple(code_hits), tuple(excluded.get(code, ()))))
        results.sort(key=lambda r: (-r.score, r.code))
        return results

    def match_many(self, docs: Iterable[DocTokens]) -> list[list[RuleHit]]:
        """``match`` for each doc."""
        return [self.match(doc) for doc in docs]

    def match_texts(self, texts: Iterable[str]) -> list[list[RuleHit]]:
        """Analyse and match raw unit texts."""
        return self.match_many(self.analyzer.analyze(texts))

    def _hit(
        self, p: _Pattern, doc: DocTokens, places: dict[int, list[tuple[int, int, float]]]
    ) -> KeywordHit | None:
        if any(wid not in places for wid in p.content):
            return None
        if len(p.words) == 1:
            found = places[p.words[0]]
            kind = min(k for _, k, _ in found)
            ratio = max(r for _, k, r in found if k == kind)
            weight = WEIGHTS[_KIND[kind]] * (ratio / 100.0 if kind == _FUZZY else 1.0)
            spans = [(i, i) for i, _, _ in found]
            return _keyword_hit(p.keyword, _KIND[kind], weight, doc, spans)
        spans = self._phrase_spans(p, doc, places)
        if spans:
            return _keyword_hit(p.keyword, "phrase", WEIGHTS["phrase"], doc, spans)
        best = 0.0
        spans = []
        for a, b in _windows(p.content, places, len(p.words) + PHRASE_SLACK):
            lemmas = " ".join(w for w in doc.lemma[a : b + 1] if w not in FUNCTION_WORDS)
            lowers = " ".join(w for w in doc.lower[a : b + 1] if w not in FUNCTION_WORDS)
            score = max(
                fuzz.token_set_ratio(p.lemma_text, lemmas),
                fuzz.token_set_ratio(p.lower_text, lowers),
            )
            if score >= FUZZY_THRESHOLD:
                best = max(best, score)
                spans.append((a, b))
        if not spans:
            return None
        return _keyword_hit(p.keyword, "fuzzy", PHRASE_FUZZY_WEIGHT * best / 100.0, doc, spans)

    def _phrase_spans(
        self, p: _Pattern, doc: DocTokens, places: dict[int, list[tuple[int, int, float]]]
    ) -> list[tuple[int, int]]:
        """Places where all the keyword's words stand in order (lemma or form)."""
        forms = [self._forms[w] for w in p.words]
        m, n = len(forms), len(doc)
        anchor = p.words.index(p.content[0])
        spans = []
        for i, kind, _ in places[p.content[0]]:
            s = i - anchor
            if (
                kind == _EXACT
                and 0 <= s <= n - m
                and all(
                    doc.lemma[s + j] in forms[j] or doc.lower[s + j] in forms[j] for j in range(m)
                )
            ):
                spans.append((s, s + m - 1))
        return spans


class _Add(Protocol):
    """The callback that records a relation of a token form to keyword words."""

    def __call__(self, wids: Iterable[int], kind: int, ratio: float = 100.0) -> None: ...


def _stems(word: str) -> list[str]:
    """Possible base forms of a word the lemma table lacks: endings off, -er restored."""
    stems = []
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_PART:
            stem = word[: -len(ending)]
            stems.append(stem)
            if stem[-1] == "r" and stem[-2] not in _VOWELS:  # centr(et) -> center
                stems.append(stem[:-1] + "er")
    return stems


def _windows(
    content: Sequence[int], places: dict[int, list[tuple[int, int, float]]], max_span: int
) -> list[tuple[int, int]]:
    """Minimal token windows containing every content word, at most ``max_span`` long."""
    events = sorted((i, wid) for wid in content for i, _, _ in places[wid])
    counts: dict[int, int] = {}
    windows: dict[tuple[int, int], None] = {}
    left = 0
    for pos, wid in events:
        counts[wid] = counts.get(wid, 0) + 1
        if len(counts) < len(content):
            continue
        while counts[events[left][1]] > 1:
            counts[events[left][1]] -= 1
            left += 1
        if pos - events[left][0] + 1 <= max_span:
            windows[(events[left][0], pos)] = None
    return list(windows)


def _keyword_hit(
    keyword: str, kind: EvidenceKind, weight: float, doc: DocTokens, spans: list[tuple[int, int]]
) -> KeywordHit:
    start, words = doc.start, doc.words
    places = tuple((start[a], start[b] + words[b].length) for a, b in spans[:MAX_EVIDENCE])
    return KeywordHit(keyword, kind, weight, places, doc.text)
