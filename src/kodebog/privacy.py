"""Finding and pseudonymising personal data (CPR, phone, e-mail, listed names) in text."""

from __future__ import annotations

import bisect
import calendar
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kodebog.errors import KodebogError, Problem

CPR_PLACEHOLDER = "[CPR-nummer]"
PHONE_PLACEHOLDER = "[telefonnummer]"
EMAIL_PLACEHOLDER = "[e-mail]"
PLACEHOLDERS = {"cpr": CPR_PLACEHOLDER, "phone": PHONE_PLACEHOLDER, "email": EMAIL_PLACEHOLDER}
"""What ``pseudonymise`` puts in place of each kind of identifier."""

GENERATED_PSEUDONYM = "[navn {n}]"
"""Pseudonym of the n-th name (from 1) when the name list is a plain list."""

MAX_NAMES_BYTES = 5 * 1024 * 1024
"""Largest name-list file read at all."""

_PRIORITY = {"cpr": 0, "email": 1, "phone": 2, "name": 3}
"""Which kind wins between overlapping hits of equal length (lower wins)."""

_HYPHENS = "\\-\u2010\u2011\u2013"  # hyphen-minus, hyphen, non-breaking hyphen, en dash
_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space
_SEP = f"[{_SPACES}{_HYPHENS}]"
# A number glued to another by ".", "," or a hyphen is part of a longer figure (amounts,
# ranges, account numbers), for CPR and phone numbers alike.
_NOT_AFTER_NUMBER = rf"(?<!\d)(?<!\d[.,{_HYPHENS}])"
_NOT_BEFORE_NUMBER = rf"(?!\d)(?![.,{_HYPHENS}]\d)"

_CPR = re.compile(
    _NOT_AFTER_NUMBER
    + rf"(?P<dd>\d\d)(?P<mm>\d\d)(?P<yy>\d\d)[{_SPACES}{_HYPHENS}]?(?P<seq>\d{{4}})"
    + _NOT_BEFORE_NUMBER
)

_PHONE_BODY = rf"[1-9]\d(?:{_SEP}?\d\d){{3}}"  # 12345678, 12 34 56 78, 1234 5678, 12-34-56-78
_PHONE_PREFIX = rf"(?:(?:\+|00)45{_SEP}?|\((?:\+|00)?45\)[{_SPACES}]?)"
_NOT_DATE_OR_YEARS = (
    rf"(?![0-3]\d(?P<d>[{_SPACES}{_HYPHENS}./])[01]\d(?P=d)(?:19|20)\d\d(?!\d))"  # 12-03-2021
    rf"(?!(?:19|20)\d\d(?P<i>[{_SPACES}{_HYPHENS}./])[01]\d(?P=i)[0-3]\d(?!\d))"  # 2021-03-12
    rf"(?!(?:19|20)\d\d{_SEP}(?:19|20)\d\d(?!\d))"  # 2019 2020, 1999-2000
)
_NOT_AMOUNT_BEFORE = r"(?<!(?i:kr)\. )(?<!(?i:kr)\.)(?<!(?i:kr) )(?<!(?i:dkk) )"
_NOT_AMOUNT_AFTER = r"(?!\s?(?i:kr\b|dkk\b)|,-)"  # 12345678 kr, 12345678,-
# "2020 1234 5678": not "2020 1234" but the pair of 4-digit groups that follows.
_NOT_HALF_OF_GROUPS = rf"(?!(?<={_SEP}\d{{4}}){_SEP}\d{{4}}(?!\d))"
_PHONE = re.compile(
    r"(?<!\+)"
    + _NOT_AFTER_NUMBER
    + rf"(?:{_PHONE_PREFIX}{_PHONE_BODY}"
    + rf"|{_NOT_AMOUNT_BEFORE}{_NOT_DATE_OR_YEARS}{_PHONE_BODY}{_NOT_AMOUNT_AFTER})"
    + _NOT_BEFORE_NUMBER
    + _NOT_HALF_OF_GROUPS
)

_LOCAL = r"[\w+\-]+(?:\.[\w+\-]+)*"
_LABEL = r"[^\W_](?:[\w\-]{0,61}[^\W_])?"
_EMAIL = re.compile(rf"(?<![\w+\-.]){_LOCAL}@(?:{_LABEL}\.)+[^\W\d_]{{2,63}}")

# Every CPR or phone number lies in a run of 8+ digits and separators starting with a
# digit. This plain pattern is fast to search; the exact patterns only run around its runs.
_NUMBER_RUN = re.compile(rf"\d[\d{_SPACES}{_HYPHENS}]{{7,}}")
_BEFORE_RUN = 10  # "(+45) " and the look-behinds before it
_AFTER_RUN = 6  # the look-aheads after a number (" kr", ",-", ".5" ...)


@dataclass(frozen=True)
class Hit:
    """One piece of personal data: ``text == source[start:end]`` (Python string indices)."""

    kind: str  # "cpr" | "phone" | "email" | "name"
    start: int
    end: int
    text: str
    replacement: str | None


class NameListError(KodebogError):
    """A name-list file cannot be read or has a problem; names the file and line."""


@dataclass(frozen=True, eq=False, repr=False)
class NameList:
    """Real names mapped to pseudonyms; matched whole-word, case-sensitively, longest first.

    Names and pseudonyms are stored in NFC, as imported text is. Each name is also matched
    in capitals (``METTE``). The repr shows only the number of names, so real names never
    reach logs or tracebacks.
    """

    pseudonyms: Mapping[str, str]
    _lookup: dict[str, str] = field(init=False, repr=False)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name, pseudonym in self.pseudonyms.items():
            problem = _check_name(name) or _check_pseudonym(pseudonym)
            if problem:
                raise NameListError(f"name list: {problem}")
        pseudonyms = {_nfc(name): _nfc(p) for name, p in self.pseudonyms.items()}
        lookup = _with_capitals(pseudonyms)
        pattern = _names_pattern(lookup) if lookup else None
        clash = _clash(pattern, pseudonyms)
        if clash:
            raise NameListError(f"name list: {clash[1]}")
        object.__setattr__(self, "pseudonyms", pseudonyms)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_pattern", pattern)

    @classmethod
    def from_names(cls, names: Iterable[str]) -> NameList:
        """A list of names without pseudonyms: they become ``[navn 1]``, ``[navn 2]`` ..."""
        pseudonyms: dict[str, str] = {}
        for name in names:
            pseudonyms.setdefault(name, GENERATED_PSEUDONYM.format(n=len(pseudonyms) + 1))
        return cls(pseudonyms)

    def __len__(self) -> int:
        return len(self.pseudonyms)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameList) and self.pseudonyms == other.pseudonyms

    def __hash__(self) -> int:
        return hash(frozenset(self.pseudonyms.items()))

    def __repr__(self) -> str:
        return f"NameList({len(self)} names)"

    def pseudonym(self, matched: str) -> str:
        """The pseudonym of a name as matched (as written, or in capitals)."""
        return self._lookup[matched]

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches of listed names in ``text``: group ``name`` and optional ``poss`` (-s)."""
        if self._pattern is None:
            return iter(())
        return self._pattern.finditer(text)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _with_capitals(pseudonyms: Mapping[str, str]) -> dict[str, str]:
    lookup = dict(pseudonyms)
    for name, pseudonym in pseudonyms.items():
        lookup.setdefault(name.upper(), pseudonym)
    return lookup


def _clash(
    pattern: re.Pattern[str] | None, pseudonyms: Mapping[str, str]
) -> tuple[str, str] | None:
    """The first name whose pseudonym contains a listed name, with a message, or None.

    Names that would match inside a placeholder (``[CPR-nummer]`` ...) are refused too.
    """
    if pattern is None:
        return None
    for placeholder in PLACEHOLDERS.values():
        match = pattern.search(placeholder)
        if match:
            name = next(n for n in pseudonyms if match["name"] in (n, n.upper()))
            return name, f"the name {name!r} would match inside the placeholder {placeholder}"
    for name, pseudonym in pseudonyms.items():
        match = pattern.search(pseudonym)
        if match:
            return name, (
                f"the pseudonym {pseudonym!r} contains the listed name {match['name']!r}; "
                "a pseudonym must not contain real names"
            )
    return None


def _check_name(name: object) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return "a name must be non-empty text"
    if "\n" in name or "\r" in name:
        return "a name must be on one line"
    if not (name[0].isalnum() and name[-1].isalnum()):
        return f"the name {name!r} must begin and end with a letter or digit"
    return None


def _check_pseudonym(pseudonym: object) -> str | None:
    if not isinstance(pseudonym, str) or not pseudonym.strip():
        return "a pseudonym must be non-empty text"
    if "\n" in pseudonym or "\r" in pseudonym:
        return "a pseudonym must be on one line"
    return None


_Trie = dict[str, "_Trie"]


def _names_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """One regex for all names, built as a character trie so longer names win."""
    trie: _Trie = {}
    for name in names:
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie, after_first: str = "") -> str:
        branches = [re.escape(ch) + after_first + build(node[ch]) for ch in sorted(node) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    # The word-start check comes after each first letter, so the regex engine can skip
    # quickly to positions holding a first letter of some name.
    body = build(trie, after_first=r"(?<!\w.)")
    return re.compile(rf"(?P<name>{body})(?P<poss>['’]?[sS])?(?!\w)")


def genitive(pseudonym: str) -> str:
    """Danish genitive of a pseudonym: ``Hanne``→``Hannes``, ``Borger A``→``Borger A's``.

    Apostrophe + s after a single letter, a digit, an abbreviation in capitals or a closing
    bracket (as in ``DSB's``); only an apostrophe after s, x or z (``Klaus'``).
    """
    last = pseudonym.split()[-1] if pseudonym.split() else pseudonym
    if pseudonym[-1:] in ("s", "x", "z", "S", "X", "Z"):
        return pseudonym + "'"
    if len(last) >= 2 and last.isalpha() and not last.isupper():
        return pseudonym + "s"
    return pseudonym + "'s"


def load_names(path: str | Path) -> NameList:
    """Read a YAML name list (kept outside the project) into a ``NameList``.

    The file holds ``names:`` with a mapping of real name to pseudonym, or a plain list of
    names (pseudonyms ``[navn 1]``, ``[navn 2]`` ...). A top-level list is also accepted.
    Any problem raises ``NameListError`` naming the file and line.
    """
    path = Path(path)
    shown = str(path)
    try:
        if path.stat().st_size > MAX_NAMES_BYTES:
            raise NameListError(f"{shown}: is too large for a name list (over 5 MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise NameListError(f"{shown}: cannot read the name list ({exc.strerror or exc})") from None
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NameListError(
            str(Problem(shown, line, 1, "is not UTF-8 text; save the name list as UTF-8"))
        ) from None
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "cannot be parsed"
        raise NameListError(str(Problem(shown, line, col, f"invalid YAML: {what}"))) from None
    except yaml.YAMLError as exc:
        raise NameListError(f"{shown}: invalid YAML: {exc}") from None
    entries = _entries(root, shown)
    return _build(entries, shown)


def _fail(file: str, node: yaml.Node, message: str) -> NameListError:
    mark = node.start_mark
    return NameListError(str(Problem(file, mark.line + 1, mark.column + 1, message)))


def _text(node: yaml.Node, file: str, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        raise _fail(file, node, f"expected {what} as text")
    value = node.value
    assert isinstance(value, str)
    return _nfc(value)


_Entry = tuple[yaml.Node, str, "tuple[yaml.Node, str] | None"]


def _entries(root: yaml.Node | None, file: str) -> list[_Entry]:
    """(name node, name, (pseudonym node, pseudonym) or None) in file order."""
    if root is None:
        raise NameListError(str(Problem(file, 1, 1, "is empty; expected 'names:' with names")))
    body: yaml.Node = root
    if isinstance(root, yaml.MappingNode):
        found: yaml.Node | None = None
        for key, value in root.value:
            key_text = key.value if isinstance(key, yaml.ScalarNode) else None
            if key_text != "names":
                raise _fail(file, key, f"unknown key {key_text!r}; expected only 'names:'")
            if found is not None:
                raise _fail(file, key, "'names:' is given twice")
            found = value
        if found is None:
            raise _fail(file, root, "expected 'names:' with names")
        body = found
    entries: list[_Entry] = []
    if isinstance(body, yaml.MappingNode):
        for key, value in body.value:
            entries.append(
                (key, _text(key, file, "a name"), (value, _text(value, file, "a pseudonym")))
            )
    elif isinstance(body, yaml.SequenceNode):
        for item in body.value:
            entries.append((item, _text(item, file, "a name"), None))
    elif isinstance(body, yaml.ScalarNode) and body.tag == "tag:yaml.org,2002:null":
        pass
    else:
        raise _fail(file, body, "expected a mapping of name to pseudonym, or a list of names")
    return entries


def _build(entries: list[_Entry], file: str) -> NameList:
    pseudonyms: dict[str, str] = {}
    nodes: dict[str, yaml.Node] = {}
    for node, name, given in entries:
        problem = _check_name(name)
        if problem:
            raise _fail(file, node, problem)
        if name in nodes:
            first = nodes[name].start_mark.line + 1
            raise _fail(file, node, f"the name {name!r} is listed twice (first on line {first})")
        nodes[name] = node
        if given is None:
            pseudonym = GENERATED_PSEUDONYM.format(n=len(pseudonyms) + 1)
        else:
            value_node, pseudonym = given
            problem = _check_pseudonym(pseudonym)
            if problem:
                raise _fail(file, value_node, problem)
        pseudonyms[name] = pseudonym
    if pseudonyms:
        clash = _clash(_names_pattern(_with_capitals(pseudonyms)), pseudonyms)
        if clash:
            raise _fail(file, nodes[clash[0]], clash[1])
    return NameList(pseudonyms)


def _valid_cpr(match: re.Match[str]) -> bool:
    """Whether DDMMYY, with the century from the 7th digit, is a real date.

    Substitute CPR numbers (day + 60) count as valid.
    """
    day, month, year = int(match["dd"]), int(match["mm"]), int(match["yy"])
    seventh = int(match["seq"][0])
    if day > 60:
        day -= 60
    if seventh <= 3:
        year += 1900
    elif seventh in (4, 9):
        year += 2000 if year <= 36 else 1900
    else:
        year += 2000 if year <= 57 else 1800
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _candidates(text: str, names: NameList | None) -> Iterator[Hit]:
    seen: set[tuple[str, int]] = set()  # windows of nearby runs overlap: report once
    for run in _NUMBER_RUN.finditer(text):
        lo, hi = max(0, run.start() - _BEFORE_RUN), run.end() + _AFTER_RUN
        for m in _CPR.finditer(text, lo, hi):
            if ("cpr", m.start()) not in seen and _valid_cpr(m):
                seen.add(("cpr", m.start()))
                yield Hit("cpr", m.start(), m.end(), m.group(), CPR_PLACEHOLDER)
        for m in _PHONE.finditer(text, lo, hi):
            if ("phone", m.start()) not in seen:
                seen.add(("phone", m.start()))
                yield Hit("phone", m.start(), m.end(), m.group(), PHONE_PLACEHOLDER)
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield Hit("email", m.start(), m.end(), m.group(), EMAIL_PLACEHOLDER)
    if names is not None:
        for m in names.finditer(text):
            pseudonym = names.pseudonym(m["name"])
            replacement = genitive(pseudonym) if m["poss"] else pseudonym
            yield Hit("name", m.start(), m.end(), m.group(), replacement)


def find_personal_data(text: str, names: NameList | None = None) -> list[Hit]:
    """All personal data in ``text``, sorted by start, not overlapping.

    Of overlapping candidates the longest wins; at equal length CPR beats e-mail beats
    phone beats name.
    """
    candidates = list(_candidates(text, names))
    if len(candidates) <= 1:
        return candidates
    candidates.sort(key=lambda h: (h.start - h.end, _PRIORITY[h.kind], h.start))
    starts: list[int] = []
    chosen: list[Hit] = []
    for hit in candidates:
        i = bisect.bisect_right(starts, hit.start)
        if i > 0 and chosen[i - 1].end > hit.start:
            continue
        if i < len(chosen) and chosen[i].start < hit.end:
            continue
        starts.insert(i, hit.start)
        chosen.insert(i, hit)
    return chosen


def contains_personal_data(text: str, names: NameList | None = None) -> bool:
    """Whether ``text`` holds any personal data that ``find_personal_data`` would report."""
    return next(_candidates(text, names), None) is not None


def _replace(text: str, hits: list[Hit]) -> tuple[str, list[tuple[int, int]]]:
    """Apply the hits; also return the (new start, old start) of each unchanged stretch."""
    parts: list[str] = []
    kept: list[tuple[int, int]] = []
    pos = out = 0
    for hit in hits:
        if hit.start > pos:
            kept.append((out, pos))
            parts.append(text[pos : hit.start])
            out += hit.start - pos
        replacement = hit.replacement if hit.replacement is not None else hit.text
        kept.append((out, -1))
        parts.append(replacement)
        out += len(replacement)
        pos = hit.end
    kept.append((out, pos))
    parts.append(text[pos:])
    return "".join(parts), kept


def pseudonymise(text: str, names: NameList | None = None) -> tuple[str, list[Hit]]:
    """Replace personal data: names by pseudonyms, CPR, phone and e-mail by placeholders.

    Returns the new text and the hits with offsets into ``text``. The result holds no
    detectable personal data, so pseudonymising it again changes nothing.
    """
    hits = find_personal_data(text, names)
    if not hits:
        return text, []
    out, kept = _replace(text, hits)
    # A replacement can change the context of its neighbours (rare: digits in a pseudonym
    # next to digits in the text): repeat until nothing is found. After three rounds names
    # are left alone; the other replacements only remove digits and "@", so this ends.
    spans = _spans(kept, len(out), None)
    found = list(hits)
    rounds = 0
    while more := find_personal_data(out, names if rounds < 3 else None):
        rounds += 1
        for hit in more:
            origin = _origin(spans, hit.start, hit.end)
            if origin is not None:
                end = origin + hit.end - hit.start
                found.append(Hit(hit.kind, origin, end, hit.text, hit.replacement))
        out, kept = _replace(out, more)
        spans = _spans(kept, len(out), spans)
    found.sort(key=lambda h: h.start)
    return out, found


_Span = tuple[int, int, int]  # (start, end) in the current text, start in the original or -1


def _spans(kept: list[tuple[int, int]], length: int, previous: list[_Span] | None) -> list[_Span]:
    """Map stretches of the new text to the original (``-1`` for replaced stretches)."""
    spans: list[_Span] = []
    for i, (start, old) in enumerate(kept):
        end = kept[i + 1][0] if i + 1 < len(kept) else length
        if end <= start:
            continue
        if old < 0:
            spans.append((start, end, -1))
        elif previous is None:
            spans.append((start, end, old))
        else:
            # Unchanged stretch of the previous text [old, old + end - start): split it
            # along the previous mapping.
            lo, hi = old, old + end - start
            for p_start, p_end, p_orig in previous:
                a, b = max(lo, p_start), min(hi, p_end)
                if a < b:
                    orig = -1 if p_orig < 0 else p_orig + a - p_start
                    spans.append((start + a - lo, start + b - lo, orig))
    return spans


def _origin(spans: list[_Span], start: int, end: int) -> int | None:
    """Where ``[start, end)`` of the current text begins in the original, if copied whole."""
    for s_start, s_end, orig in spans:
        if s_start <= start and end <= s_end:
            return None if orig < 0 else orig + start - s_start
    return None


def describe(hit: Hit) -> str:
    """A short label for reports that never shows the whole identifier."""
    if hit.kind == "cpr":
        digits = re.sub(r"\D", "", hit.text)
        return f"CPR number {digits[:6]}-****"
    if hit.kind == "phone":
        positions = [i for i, ch in enumerate(hit.text) if ch.isdigit()]
        hidden = set(positions[-8:-2])
        masked = "".join("*" if i in hidden else ch for i, ch in enumerate(hit.text))
        return f"phone number {masked}"
    if hit.kind == "email":
        local, _, domain = hit.text.rpartition("@")
        return f"e-mail {local[:1]}***@{domain}"
    if hit.kind == "name":
        return f"name → {hit.replacement}"
    return hit.kind
