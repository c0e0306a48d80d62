"""The spaCy pipeline behind suggestions: blank Danish with a case-folding lookup lemmatizer."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kodebog.errors import KodebogError
from kodebog.i18n import _

BATCH_SIZE = 512
_CACHE_LIMIT = 500_000
# components of a trained pipeline that lemmas never need
_NOT_NEEDED = ("parser", "ner", "senter", "sentencizer", "textcat", "textcat_multilabel")

_lock = threading.Lock()
_analyzers: dict[tuple[str, str | None], Analyzer] = {}


@dataclass(slots=True, eq=False)
class Word:
    """A token type: lowercase form, lowercase lemma, length. Shared by all its tokens.

    Compared by identity, so tier 1 caches what it knows about a word with a cheap lookup.
    """

    lower: str
    lemma: str
    length: int


_PUNCT = Word("", "", 0)  # marks spaces and punctuation in the per-type cache


@dataclass(eq=False)
class DocTokens:
    """One analysed text: its word tokens (no spaces, no punctuation) and their offsets.

    ``words[i]`` starts at ``start[i]`` in ``text``; ``lower``, ``lemma`` and ``end`` are the
    parallel lists of lowercase forms, lowercase lemmas and end offsets.
    """

    text: str
    words: list[Word]
    start: list[int]

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def lower(self) -> list[str]:
        """Lowercase forms."""
        return [w.lower for w in self.words]

    @cached_property
    def lemma(self) -> list[str]:
        """Lowercase lemmas."""
        return [w.lemma for w in self.words]

    @cached_property
    def end(self) -> list[int]:
        """End offsets."""
        return [s + w.length for s, w in zip(self.start, self.words, strict=True)]

    @property
    def lemma_text(self) -> str:
        """The lemmas joined by spaces."""
        return " ".join(self.lemma)


class FoldedLookup:
    """Lemma lookup that lowercases first; falls back to the original case, then lowercase."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        self.table = table
        self.cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        lemma = self.cache.get(word)
        if lemma is None:
            low = word.lower()
            found = (self.table.get(low) or self.table.get(word)) if self.table else None
            if isinstance(found, list):
                found = found[0] if found else None
            lemma = str(found).lower() if found else low
            if len(self.cache) >= _CACHE_LIMIT:
                self.cache.clear()
            self.cache[word] = lemma
        return lemma


class Analyzer:
    """A loaded pipeline and the fastest way through it to lemmas with offsets."""

    def __init__(self, nlp: Any, name: str, lookup: FoldedLookup | None) -> None:
        self.nlp = nlp
        self.name = name
        self.lookup = lookup
        self._types: dict[int, Word] = {}  # orth id -> word (blank pipeline)
        self._words: dict[tuple[str, str], Word] = {}  # (text, lemma) -> word

    def lemma(self, word: str) -> str:
        """The lowercase lemma of one word out of context (blank pipeline: the table)."""
        if self.lookup is not None:
            return self.lookup(word)
        doc = self.nlp(word)
        return doc[0].lemma_.lower() or word.lower() if len(doc) == 1 else word.lower()

    def known(self, word: str) -> bool:
        """Whether the lemma table has ``word`` (trained pipelines: whether it changes)."""
        if self.lookup is not None:
            table = self.lookup.table
            return bool(table) and (word.lower() in table or word in table)
        return self.lemma(word) != word.lower()

    def analyze(self, texts: Iterable[str], batch_size: int = BATCH_SIZE) -> list[DocTokens]:
        """Tokenize and lemmatize ``texts`` in batches."""
        if self.lookup is not None:
            return [self._blank_tokens(doc) for doc in self.nlp.tokenizer.pipe(texts, batch_size)]
        disable = [name for name in _NOT_NEEDED if name in self.nlp.pipe_names]
        docs = self.nlp.pipe(texts, batch_size=batch_size, disable=disable)
        return [self._model_tokens(doc) for doc in docs]

    def _blank_tokens(self, doc: Any) -> DocTokens:
        """Tokens of the blank pipeline: the lemma depends on the word alone, cached per type."""
        get = self._types.get
        pairs = [(get(t.orth) or self._type(t), t.idx) for t in doc]
        pairs = [p for p in pairs if p[0] is not _PUNCT]
        return DocTokens(doc.text, [p[0] for p in pairs], [p[1] for p in pairs])

    def _type(self, tok: Any) -> Word:
        if len(self._types) >= _CACHE_LIMIT:
            self._types.clear()
        text = tok.text
        word = _PUNCT if tok.is_punct or tok.is_space else self._intern(text, self.lemma(text))
        self._types[tok.orth] = word
        return word

    def _model_tokens(self, doc: Any) -> DocTokens:
        """Tokens of a trained pipeline: the lemma depends on the context."""
        words, start = [], []
        for tok in doc:
            if not (tok.is_punct or tok.is_space):
                words.append(self._intern(tok.text, tok.lemma_.lower() or tok.text.lower()))
                start.append(tok.idx)
        return DocTokens(doc.text, words, start)

    def _intern(self, text: str, lemma: str) -> Word:
        key = (text, lemma)
        word = self._words.get(key)
        if word is None:
            if len(self._words) >= _CACHE_LIMIT:
                self._words.clear()
            word = self._words[key] = Word(text.lower(), lemma, len(text))
        return word


def get_analyzer(lang: str = "da", model: str | None = None) -> Analyzer:
    """The cached analyzer for ``lang`` (blank pipeline) or for an installed ``model``."""
    key = (lang, model)
    analyzer = _analyzers.get(key)
    if analyzer is None:
        with _lock:
            analyzer = _analyzers.get(key)
            if analyzer is None:
                analyzer = _load(lang, model)
                _analyzers[key] = analyzer
    return analyzer


def get_nlp(lang: str = "da", model: str | None = None) -> Any:
    """The cached spaCy ``Language``: blank + sentencizer + lookup lemmatizer, or ``model``."""
    return get_analyzer(lang, model).nlp


def lemmas(texts: Iterable[str], lang: str = "da", model: str | None = None) -> list[list[str]]:
    """Lowercase lemmas of the word tokens of each text."""
    return [doc.lemma for doc in get_analyzer(lang, model).analyze(texts)]


def analyze(texts: Iterable[str], lang: str = "da", model: str | None = None) -> list[DocTokens]:
    """Tokens with lemmas and offsets for each text."""
    return get_analyzer(lang, model).analyze(texts)


def _load(lang: str, model: str | None) -> Analyzer:
    import spacy

    if model:
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise KodebogError(
                _("spaCy pipeline {model} is not installed; install it into kodebog's "
                  "environment or clear the model setting to use the built-in blank pipeline")
                .format(model=repr(model))
            ) from exc
        return Analyzer(nlp, model, None)
    try:
        nlp = spacy.blank(lang)
    except ImportError as exc:
        raise KodebogError(_("spaCy has no language {lang}; set the codebook language")
                           .format(lang=repr(lang))) from exc
    nlp.add_pipe("sentencizer")
    lemmatizer: Any = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    lookups = _lookups(lang)
    lemmatizer.initialize(lookups=lookups)
    table = lookups.get_table("lemma_lookup", {})
    lookup = FoldedLookup(table)
    # the component itself then folds case too, for anyone calling nlp() directly
    lemmatizer.lemmatize = lambda token: [lookup(token.text)]
    return Analyzer(nlp, f"blank:{lang}", lookup)


def _lookups(lang: str) -> Any:
    """The lemma table from spacy-lookups-data (installed locally; never downloaded)."""
    from spacy.lookups import Lookups, load_lookups

    lookups = load_lookups(lang, ["lemma_lookup"], strict=False)
    if "lemma_lookup" not in lookups:
        lookups = Lookups()
        lookups.add_table("lemma_lookup", {})
    return lookups
