"""REFI code trees to a valid kodebog codebook: slug ids, unpacked definitions, checked keys."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kodebog.codebook import RESERVED_KEYS, Code, Codebook, dump_codebook, parse_codebook
from kodebog.exchange.refi_common import RefiReport, norm_guid
from kodebog.exchange.refi_description import unpack
from kodebog.i18n import _

_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_KEY = re.compile(r"[a-z0-9]")
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_SLUG = 60


@dataclass
class RefiCode:
    """A code as read from a CodeBook: GUID, name, colour and nested codes."""

    guid: str
    name: str
    color: str | None = None
    codable: bool = True
    description: str = ""
    children: list[RefiCode] = field(default_factory=list)


@dataclass
class _Ids:
    """Ids and hotkeys handed out so far."""

    ids: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    by_guid: dict[str, str] = field(default_factory=dict)


def slugify(name: str) -> str:
    """A kodebog id for a code name: Danish letters spelled out, other characters to _."""
    text = unicodedata.normalize("NFKD", name.lower().translate(_DANISH))
    text = re.sub(r"[^a-z0-9]+", "_", text.encode("ascii", "ignore").decode()).strip("_")
    text = text[:MAX_SLUG].rstrip("_")
    if not text:
        return "code"
    return text if text[0].isalpha() else f"code_{text}"


def _unique(wanted: str, taken: set[str]) -> str:
    slug, n = wanted, 2
    while slug in taken:
        slug, n = f"{wanted}_{n}", n + 1
    taken.add(slug)
    return slug


def _clean(text: str) -> str:
    return _NOT_YAML.sub("", unicodedata.normalize("NFC", text)).strip()


def build_codebook(
    codes: list[RefiCode],
    report: RefiReport,
    *,
    title: str = "",
    description: str = "",
    language: str = "da",
) -> tuple[Codebook, dict[str, str]]:
    """A valid kodebog Codebook for the REFI codes, and each code GUID's kodebog id."""
    ids = _Ids()
    # A packed "Code id" is honoured first, so codes exported by kodebog keep their ids.
    wanted = {id(code): _packed_id(code) for code in _walk(codes)}
    for slug in {s for s in wanted.values() if s}:
        if list(wanted.values()).count(slug) == 1:
            ids.ids.add(slug)
    top = tuple(_convert(code, None, ids, wanted, report) for code in codes)
    codebook = Codebook(
        language=language, codes=top, title=_clean(title), description=_clean(description)
    )
    parse_codebook(dump_codebook(codebook), "<REFI codebook>")  # raises on a bug here
    return codebook, ids.by_guid


def _walk(codes: list[RefiCode]) -> list[RefiCode]:
    out: list[RefiCode] = []
    for code in codes:
        out.append(code)
        out.extend(_walk(code.children))
    return out


def _packed_id(code: RefiCode) -> str | None:
    value = unpack(code.description).fields.get("id", "")
    return value if _SLUG.fullmatch(value) else None


def _convert(
    code: RefiCode, parent: str | None, ids: _Ids, wanted: dict[int, str | None],
    report: RefiReport,
) -> Code:
    unpacked = unpack(code.description)
    label = _clean(code.name) or "Kode"
    packed = wanted[id(code)]
    if packed and packed in ids.ids and packed not in ids.by_guid.values():
        code_id = packed
    else:
        code_id = _unique(slugify(label), ids.ids)
    ids.by_guid[norm_guid(code.guid)] = code_id
    if not code.codable:
        report.notes.append(_("code '{label}' is not codable in the file; in kodebog it "
                              "is").format(label=label))

    lists = {
        name: tuple(c for c in (_clean(item) for item in unpacked.lists.get(name, ())) if c)
        for name in ("include", "exclude", "examples", "keywords", "exclude_keywords")
    }
    return Code(
        id=code_id,
        label=label,
        description=_clean(unpacked.description),
        **lists,
        color=_color(code.color),
        key=_key(unpacked.fields.get("key"), ids),
        parent=parent,
        children=tuple(_convert(c, code_id, ids, wanted, report) for c in code.children),
    )


def _color(value: str | None) -> str | None:
    if not value or not _COLOR.fullmatch(value.strip()):
        return None
    hex_digits = value.strip().lower()[1:]
    return "#" + ("".join(c * 2 for c in hex_digits) if len(hex_digits) == 3 else hex_digits)


def _key(value: str | None, ids: _Ids) -> str | None:
    """A hotkey kodebog accepts and no earlier code uses, else None."""
    if not value or not _KEY.fullmatch(value) or value in RESERVED_KEYS or value in ids.keys:
        return None
    ids.keys.add(value)
    return value
