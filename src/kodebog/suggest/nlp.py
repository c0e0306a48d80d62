"""The spaCy pipeline behind suggestions: blank Danish with a case-folding lookup lemmatizer."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kodebog.errors import KodebogError

BATCH_SIZE = 512
_CACHE_LIMIT = 500_000
# components of a trained pipeline that lemmas never need
_NOT_NEEDED = ("parser", "ner", "senter", "sentencizer", "textcat", "textcat_multilabel")

_lock = threading.Lock()
_analyzers: dict[tuple[str, str | None], Analyzer] = {}


@dataclass(frozen=True, slots=True)
class DocTokens:
    """One analysed text: its word tokens (no spaces, no punctuation) as parallel lists.

    ``lemma`` and ``lower`` are lowercase; ``start``/``end`` are offsets into ``text``.
    """

    text: str
    lower: list[str]
    lemma: list[str]
    start: list[int]
    end: list[int]

    def __len__(self) -> int:
        return len(self.lemma)

    @property
    def lemma_text(self) -> str:
        """The lemmas joined by spaces: the input of the learned classifier."""
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
            return [_tokens(doc, self.lookup) for doc in self.nlp.tokenizer.pipe(texts, batch_size)]
        disable = [name for name in _NOT_NEEDED if name in self.nlp.pipe_names]
        docs = self.nlp.pipe(texts, batch_size=batch_size, disable=disable)
        return [_tokens(doc, None) for doc in docs]


def _tokens(doc: Any, lookup: Callable[[str], str] | None) -> DocTokens:
    lower: list[str] = []
    lemma: list[str] = []
    start: list[int] = []
    end: list[int] = []
    for tok in doc:
        if tok.is_punct or tok.is_space:
            continue
        text = tok.text
        low = text.lower()
        lower.append(low)
        lemma.append(lookup(text) if lookup is not None else (tok.lemma_.lower() or low))
        start.append(tok.idx)
        end.append(tok.idx + len(text))
    return DocTokens(doc.text, lower, lemma, start, end)


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
                f"spaCy pipeline {model!r} is not installed; install it into kodebog's "
                "environment or clear the model setting to use the built-in blank pipeline"
            ) from exc
        return Analyzer(nlp, model, None)
    try:
        nlp = spacy.blank(lang)
    except ImportError as exc:
        raise KodebogError(f"spaCy has no language {lang!r}; set the codebook language") from exc
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
