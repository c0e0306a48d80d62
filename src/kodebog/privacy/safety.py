"""Guards for untrusted input files: ZIP containers, XML and oversized text."""

from __future__ import annotations

import os
import stat
import xml.parsers.expat
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml
import defusedxml.ElementTree

from kodebog.errors import SourceError

MB = 1024 * 1024
MAX_TEXT_BYTES = 200 * MB
"""Largest text file (transcript, subtitles, CSV) read at all."""

_RATIO_FLOOR = 1 * MB
"""Entries smaller than this are never refused for their compression ratio."""

_XML_SUFFIXES = (".xml", ".rels", ".vml", ".qde", ".qdc")


def check_zip(
    path: Path | str,
    *,
    max_entries: int = 10_000,
    max_total: int = 512 * MB,
    max_entry: int = 256 * MB,
    max_ratio: float = 200,
    forbid_dtd: bool = True,
) -> None:
    """Refuse a ZIP container that is malformed, escapes its folder or expands too far.

    The checks use the sizes declared in the central directory; ``zipfile`` refuses to
    inflate an entry beyond its declared size, so those sizes bound any later read. With
    ``forbid_dtd`` the XML parts (``.xml``, ``.rels`` ...) must not declare a DTD: Office and
    REFI files never do, and a DTD is how entity expansion attacks start.
    """
    path = Path(path)
    what = path.suffix.lower() or "ZIP"
    if special_file(path):
        raise SourceError(f"{path}: is not a regular file")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise SourceError(f"{path}: is not a valid {what} (not a ZIP file)") from exc
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise SourceError(
                f"{path}: has {len(infos)} entries (the limit is {max_entries}); "
                f"it is not a normal {what} file"
            )
        total = 0
        for info in infos:
            _check_entry(path, info, max_entry=max_entry, max_ratio=max_ratio)
            total += info.file_size
            if total > max_total:
                raise SourceError(
                    f"{path}: would expand to more than {max_total // MB} MB; refusing to open it"
                )
        if forbid_dtd:
            for info in infos:
                if info.filename.lower().endswith(_XML_SUFFIXES) and not info.is_dir():
                    _check_xml_prolog(path, archive, info)


def _check_entry(path: Path, info: zipfile.ZipInfo, *, max_entry: int, max_ratio: float) -> None:
    """Refuse one entry whose name, type or size is dangerous."""
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        raise SourceError(f"{path}: entry {name!r} points outside the archive ('..'); refusing it")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise SourceError(f"{path}: entry {name!r} has an absolute path; refusing it")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise SourceError(f"{path}: entry {name!r} is a symbolic link; refusing it")
    if info.file_size > max_entry:
        raise SourceError(
            f"{path}: entry {name!r} would expand to {info.file_size // MB} MB "
            f"(the limit is {max_entry // MB} MB); refusing it"
        )
    if info.file_size >= _RATIO_FLOOR:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > max_ratio:
            raise SourceError(
                f"{path}: entry {name!r} is compressed {ratio:.0f} to 1, "
                "which looks like a ZIP bomb; refusing it"
            )


class _RootReached(Exception):
    """The XML prolog ended without a DTD: nothing more to check."""


def _check_xml_prolog(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an XML part that declares a DTD; reads only up to its root element."""

    def doctype(*_args: object) -> None:
        raise SourceError(
            f"{path}: part {info.filename!r} declares a DTD (entities are not allowed in "
            "Office files); refusing it"
        )

    def root(*_args: object) -> None:
        raise _RootReached

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _RootReached:
        return
    except xml.parsers.expat.ExpatError as exc:
        raise SourceError(
            f"{path}: part {info.filename!r} is not well-formed XML ({exc}); the file is damaged"
        ) from exc
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise SourceError(f"{path}: part {info.filename!r} cannot be read ({exc})") from exc


def parse_xml(data: bytes, *, source: str = "XML") -> Element:
    """Parse XML without DTDs, entities or external references; ``source`` names it in errors."""
    try:
        root: Element = defusedxml.ElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DTDForbidden as exc:
        raise SourceError(f"{source}: declares a DTD, which is not allowed; refusing it") from exc
    except defusedxml.DefusedXmlException as exc:
        raise SourceError(f"{source}: uses XML entities, which are not allowed") from exc
    except defusedxml.ElementTree.ParseError as exc:
        raise SourceError(f"{source}: is not well-formed XML ({exc})") from exc
    return root


def special_file(path: Path | str) -> bool:
    """Whether ``path`` exists but is not a regular file (a device, FIFO, socket, folder).

    Reading one can block forever (a FIFO) or never end (``/dev/zero``); callers refuse it.
    """
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def check_text_size(path: Path, *, limit: int | None = None) -> int:
    """Return the size of ``path`` in bytes, refusing missing, non-regular or too large files.

    ``limit`` defaults to :data:`MAX_TEXT_BYTES`.
    """
    limit = MAX_TEXT_BYTES if limit is None else limit
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise SourceError(f"{path}: no such file") from exc
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{path}: is not a regular file")
    if info.st_size > limit:
        raise SourceError(
            f"{path}: is {info.st_size / MB:.0f} MB; the limit is {limit // MB} MB. "
            "Split it into smaller files"
        )
    return info.st_size


def short_reason(exc: BaseException) -> str:
    """A parser's exception as a short one-line reason for a user-facing error."""
    return " ".join(str(exc).split())[:200] or type(exc).__name__
