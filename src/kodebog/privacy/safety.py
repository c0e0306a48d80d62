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
from kodebog.i18n import N_, _, formats, translate

MB = 1024 * 1024
MAX_TEXT_BYTES = 200 * MB
"""Largest text file (transcript, subtitles, CSV) read at all."""

_RATIO_FLOOR = 1 * MB
"""Entries smaller than this are never refused for their compression ratio."""

_XML_SUFFIXES = (".xml", ".rels", ".vml", ".qde", ".qdc")


_NOT_REGULAR = N_("{path}: is not a regular file")
_UNREADABLE = N_("{path}: cannot be read ({reason})")

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
        raise SourceError(translate(_NOT_REGULAR).format(path=path))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise SourceError(_("{path}: is not a valid {kind} (not a ZIP file)").format(
            path=path, kind=what)) from exc
    except OSError as exc:
        raise SourceError(translate(_UNREADABLE).format(
            path=path, reason=exc.strerror or exc)) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise SourceError(_(
                "{path}: has {count} entries (the limit is {limit}); it is not a normal {kind} "
                "file").format(path=path, count=formats.number(len(infos)),
                               limit=formats.number(max_entries), kind=what))
        total = 0
        for info in infos:
            _check_entry(path, info, max_entry=max_entry, max_ratio=max_ratio)
            total += info.file_size
            if total > max_total:
                raise SourceError(_(
                    "{path}: would expand to more than {size} MB; refusing to open it").format(
                        path=path, size=formats.number(max_total // MB)))
        if forbid_dtd:
            for info in infos:
                if info.filename.lower().endswith(_XML_SUFFIXES) and not info.is_dir():
                    _check_xml_prolog(path, archive, info)


def _check_entry(path: Path, info: zipfile.ZipInfo, *, max_entry: int, max_ratio: float) -> None:
    """Refuse one entry whose name, type or size is dangerous."""
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        raise SourceError(_("{path}: entry {name} points outside the archive ('..'); "
                            "refusing it").format(path=path, name=repr(name)))
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise SourceError(_("{path}: entry {name} has an absolute path; refusing it").format(
            path=path, name=repr(name)))
    if stat.S_ISLNK(info.external_attr >> 16):
        raise SourceError(_("{path}: entry {name} is a symbolic link; refusing it").format(
            path=path, name=repr(name)))
    if info.file_size > max_entry:
        raise SourceError(_(
            "{path}: entry {name} would expand to {size} MB (the limit is {limit} MB); "
            "refusing it").format(path=path, name=repr(name),
                                  size=formats.number(info.file_size // MB),
                                  limit=formats.number(max_entry // MB)))
    if info.file_size >= _RATIO_FLOOR:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > max_ratio:
            raise SourceError(_(
                "{path}: entry {name} is compressed {ratio} to 1, which looks like a ZIP bomb; "
                "refusing it").format(path=path, name=repr(name),
                                      ratio=formats.number(round(ratio))))


class _RootReached(Exception):
    """The XML prolog ended without a DTD: nothing more to check."""


def _check_xml_prolog(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an XML part that declares a DTD; reads only up to its root element."""

    def doctype(*_args: object) -> None:
        raise SourceError(_(
            "{path}: part {name} declares a DTD (entities are not allowed in Office files); "
            "refusing it").format(path=path, name=repr(info.filename)))

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
        raise SourceError(_(
            "{path}: part {name} is not well-formed XML ({reason}); the file is damaged").format(
                path=path, name=repr(info.filename), reason=exc)) from exc
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise SourceError(_("{path}: part {name} cannot be read ({reason})").format(
            path=path, name=repr(info.filename), reason=exc)) from exc


def parse_xml(data: bytes, *, source: str = "XML") -> Element:
    """Parse XML without DTDs, entities or external references; ``source`` names it in errors."""
    try:
        root: Element = defusedxml.ElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DTDForbidden as exc:
        raise SourceError(_("{source}: declares a DTD, which is not allowed; refusing it")
                          .format(source=source)) from exc
    except defusedxml.DefusedXmlException as exc:
        raise SourceError(_("{source}: uses XML entities, which are not allowed").format(
            source=source)) from exc
    except defusedxml.ElementTree.ParseError as exc:
        raise SourceError(_("{source}: is not well-formed XML ({reason})").format(
            source=source, reason=exc)) from exc
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
        raise SourceError(_("{path}: no such file").format(path=path)) from exc
    except OSError as exc:
        raise SourceError(translate(_UNREADABLE).format(
            path=path, reason=exc.strerror or exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(translate(_NOT_REGULAR).format(path=path))
    if info.st_size > limit:
        raise SourceError(_(
            "{path}: is {size} MB; the limit is {limit} MB. Split it into smaller files").format(
                path=path, size=formats.number(round(info.st_size / MB)),
                limit=formats.number(limit // MB)))
    return info.st_size


def short_reason(exc: BaseException) -> str:
    """A parser's exception as a short one-line reason for a user-facing error."""
    return " ".join(str(exc).split())[:200] or type(exc).__name__
