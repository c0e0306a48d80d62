"""The language of an imported codebook: from the file when it says, else from its text."""

from __future__ import annotations

import re
from collections.abc import Iterable

_LANGUAGE = re.compile(r"[a-z]{2}")
_WORD = re.compile(r"[^\W\d_]+")

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A few dozen of each language's commonest short words; enough to tell them apart.
_STOPWORDS: dict[str, frozenset[str]] = {
    "da": _words("og i at det er en til på de med ikke der som for af jeg har vi den var "
                    "men om så han hun også kan sig eller efter hvad blev bliver være meget "
                    "når nogle hvor mig dem skal havde jo"),
    "en": _words("the and of to a in is that it for was on with as are be this have not "
                    "but they at by from we you he she or an were which there what when "
                    "would their been has"),
    "de": _words("der die und in den von zu das mit sich des auf für ist im dem nicht ein "
                    "eine als auch es an werden aus er hat dass sie nach wird bei einer um "
                    "noch wie"),
    "sv": _words("och i att det som en på är av för med till den har de inte om ett han "
                    "men var jag sig från vi så kan man när år säger hon under också efter "
                    "eller"),
    "nb": _words("og i det som er en på til av for med at har de ikke den jeg han om et "
                    "var vi seg men så kan fra hun når eller også etter hva blir være meget "
                    "ble noen hvor meg dem skal hadde"),
    "nl": _words("de en van het een in is dat op te zijn voor met die niet aan er om "
                    "ook als bij of door maar uit heeft naar dan wordt nog werd"),
    "fr": _words("le la les de des et en un une du est que qui dans pour pas sur au avec "
                    "il elle ce se ne sont par plus nous vous mais ou comme"),
    "es": _words("el la de que y en los del se las por un para con no una su al lo como "
                    "más pero sus le ya o este sí porque esta entre cuando"),
}
_ORDER = tuple(_STOPWORDS)  # ties go to the first: Danish


def declared(value: str | None) -> str | None:
    """A two-letter ISO 639-1 code from a declaration like ``da``, ``en-GB`` or ``DA_dk``."""
    head = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return head if _LANGUAGE.fullmatch(head) else None


def detect(texts: Iterable[str], limit: int = 200_000) -> str | None:
    """The language most of the texts' common words belong to; None without evidence."""
    counts = dict.fromkeys(_ORDER, 0)
    seen = 0
    for text in texts:
        for word in _WORD.findall(text[: limit - seen].casefold()):
            for language, words in _STOPWORDS.items():
                counts[language] += word in words
        seen += min(len(text), limit - seen)
        if seen >= limit:
            break
    best = max(_ORDER, key=lambda lang: (counts[lang], -_ORDER.index(lang)))
    return best if counts[best] >= 3 else None
