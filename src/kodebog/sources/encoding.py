"""Decoding text files (BOMs, UTF-8, Windows-1252, DOS Nordic) and normalising their text."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from kodebog.errors import SourceError
from kodebog.i18n import N_, _, translate
from kodebog.privacy.safety import check_text_size

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", N_("a ZIP file (.docx or .xlsx?), not text; give it its real extension")),
    (b"%PDF-", N_("a PDF file, not text; export it as .docx or .txt first")),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        N_("an old Word or Excel file (.doc/.xls), not text; save it as .docx or .xlsx"),
    ),
    (b"{\\rtf", N_("an RTF file; save it as .docx or plain text first")),
)

_NAMES = {
    "cp1252": N_("Windows-1252 (not valid UTF-8)"),
    "cp865": N_("DOS Nordic, code page 865 (neither UTF-8 nor Windows-1252)"),
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "utf-32-le": "UTF-32",
    "utf-32-be": "UTF-32",
}

_DANISH = frozenset("æøåÆØÅéÉüÜöÖäÄ")
_SAMPLE = 1024 * 1024
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NEWLINES = re.compile(r"\r\n?")


def decode_bytes(data: bytes, filename: str) -> tuple[str, str]:
    """Decode a text file's bytes; return the text (without BOM) and the codec used.

    Order: a byte-order mark (UTF-8/16/32), plain UTF-8, UTF-16 without a mark, then
    Windows-1252 or DOS Nordic (cp865), whichever reads as more plausible Danish. Binary
    data, empty files and bytes that fit no candidate raise ``SourceError``.
    """
    if not data.strip(b" \t\r\n\x00"):
        if data and b"\x00" in data:
            raise SourceError(_binary(filename))
        raise SourceError(_empty(filename))
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise SourceError(_("{file}: looks like {what}").format(
                file=filename, what=translate(what)))
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], codec, filename, bom=True)
            return _checked(text, filename), codec
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise SourceError(_binary(filename))
        return _checked(_strict(data, utf16, filename, bom=False), filename), utf16
    try:
        return _checked(data.decode("utf-8"), filename), "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy(data, filename)


def encoding_note(codec: str) -> str | None:
    """The import-report line for a file read in ``codec``, or None for plain UTF-8."""
    name = _NAMES.get(codec)
    return _("read as {encoding}").format(encoding=translate(name)) if name else None


def _binary(filename: str) -> str:
    return _("{file}: looks like a binary file, not text").format(file=filename)


def _empty(filename: str) -> str:
    return _("{file}: is empty").format(file=filename)


def normalize_text(text: str) -> str:
    """Strip a leading BOM, turn CRLF and lone CR into LF, and apply NFC; nothing else."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def read_text_file(path: Path) -> tuple[str, str]:
    """Read, decode and normalise a text file; return the text and the codec."""
    check_text_size(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(_("{path}: cannot be read ({reason})").format(
            path=path, reason=exc.strerror or exc)) from exc
    text, codec = decode_bytes(data, str(path))
    return normalize_text(text), codec


def _strict(data: bytes, codec: str, filename: str, *, bom: bool) -> str:
    """Decode strictly, explaining where a file that claims ``codec`` breaks."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        label = codec.upper().replace("-LE", "").replace("-BE", "")
        message = (_("{file}: starts with a byte-order mark for {label} but is not valid "
                     "{label} (byte {byte}); save it again as UTF-8") if bom else
                   _("{file}: looks like {label} but is not valid {label} (byte {byte}); "
                     "save it again as UTF-8"))
        raise SourceError(message.format(file=filename, label=label, byte=exc.start)) from exc


def _utf16_without_bom(data: bytes) -> str | None:
    """Return ``utf-16-le``/``-be`` when NUL bytes sit (almost only) in the high-byte halves."""
    sample = data[:_SAMPLE]
    if len(sample) < 2 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    pairs = len(odd)
    zero_even, zero_odd = even.count(0), odd.count(0)
    if zero_odd >= pairs / 2 and zero_even * 10 <= zero_odd:
        return "utf-16-le"
    if zero_even >= pairs / 2 and zero_odd * 10 <= zero_even:
        return "utf-16-be"
    return None


def _legacy(data: bytes, filename: str) -> tuple[str, str]:
    """Choose between Windows-1252 and DOS Nordic for bytes that are not UTF-8."""
    try:
        cp1252: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        cp1252 = None
    sample = data[:_SAMPLE]
    dos_score = _danish_score(sample.decode("cp865"))
    if cp1252 is not None and _danish_score(sample.decode("cp1252")) >= dos_score:
        return _checked(cp1252, filename), "cp1252"
    if dos_score > 0:
        return _checked(data.decode("cp865"), filename), "cp865"
    raise SourceError(
        _("{file}: is neither UTF-8 nor Windows-1252 text; save it again as "
          "UTF-8").format(file=filename)
    )


def _danish_score(text: str) -> int:
    """How plausible ``text`` is as Danish: æøå count up, controls and symbols in words down."""
    score = 0
    last = len(text) - 1
    for match in _NON_ASCII.finditer(text):
        char, i = match.group(), match.start()
        if char in _DANISH:
            score += 1
        elif _garbled(char) or (
            0 < i < last and text[i - 1].isalpha() and text[i + 1].isalpha() and _odd(char)
        ):
            score -= 2
    return score


def _garbled(char: str) -> bool:
    """A control, unassigned or box-drawing character: never in real Danish prose."""
    return unicodedata.category(char) in ("Cc", "Cn", "Co") or "\u2500" <= char <= "\u259f"


def _odd(char: str) -> bool:
    """A character that has no business between two letters (``f‘rdig``, ``hσst``)."""
    return not ("\u00c0" <= char <= "\u017f") and char not in "’·"


def _checked(text: str, filename: str) -> str:
    """Refuse decoded text that is mostly control characters (a binary file)."""
    sample = text[:_SAMPLE]
    if "\x00" in text or len(_CONTROL.findall(sample)) * 20 > len(sample):
        raise SourceError(_binary(filename))
    if not text or text.isspace():
        raise SourceError(_empty(filename))

    return text
