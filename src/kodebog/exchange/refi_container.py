"""Opening a .qdpx (checked ZIP) or a bare .qde, and reading its internal files safely."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath
from types import TracebackType
from xml.etree.ElementTree import Element

from kodebog.errors import SourceError
from kodebog.i18n import _
from kodebog.privacy.safety import (
    MAX_TEXT_BYTES,
    check_text_size,
    check_zip,
    parse_xml,
    special_file,
)

INTERNAL = "internal:"


class Container:
    """A REFI project file: its project.qde and the files in ``sources/``.

    A .qdpx is checked with :func:`kodebog.privacy.safety.check_zip` before anything is read.
    A bare .qde reads internal files from a ``sources`` folder beside it, if there is one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive: zipfile.ZipFile | None = None
        self.entries: dict[str, zipfile.ZipInfo] = {}
        self.folder = sources_folder(path.parent)
        self.prefix = ""  # the folder holding project.qde inside the ZIP, if not its root

    def __enter__(self) -> Container:
        if not self.path.exists():
            raise SourceError(_("{path}: no such file").format(path=self.path))
        if special_file(self.path):
            raise SourceError(_("{path}: is not a regular file").format(path=self.path))
        if self.path.suffix.lower() == ".qdpx" or zipfile.is_zipfile(self.path):
            check_zip(self.path)
            try:
                self.archive = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise SourceError(_("{path}: cannot be read as a .qdpx ({reason})").format(
                    path=self.path, reason=exc)) from exc
            self.entries = {
                info.filename.replace("\\", "/").lower(): info
                for info in self.archive.infolist()
                if not info.is_dir()
            }
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.archive is not None:
            self.archive.close()

    @property
    def is_bare(self) -> bool:
        """Whether this is a bare .qde without the ZIP around it."""
        return self.archive is None

    def project_root(self) -> Element:
        """The parsed project.qde."""
        if self.archive is None:
            check_text_size(self.path)
            return parse_xml(self.path.read_bytes(), source=str(self.path))
        info = self.entries.get("project.qde")
        if info is None:
            found = [name for name in self.entries if name.endswith(".qde")]
            roots = [name for name in found if "/" not in name] or found
            if len(roots) != 1:
                raise SourceError(_("{path}: has no project.qde; it is not a REFI-QDA "
                                    "project").format(path=self.path))
            info = self.entries[roots[0]]
            self.prefix = roots[0].rpartition("/")[0] + "/" if "/" in roots[0] else ""
        return parse_xml(self._read(info), source=f"{self.path}: {info.filename}")

    def _read(self, info: zipfile.ZipInfo) -> bytes:
        assert self.archive is not None
        try:
            return self.archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
            message = _("{path}: part {part} cannot be read ({reason})").format(
                path=self.path, part=repr(info.filename), reason=exc)
            raise SourceError(message) from exc

    def read_internal(self, reference: str) -> bytes | None:
        """The bytes of an ``internal://`` file or a bare relative path (``board.txt``, as
        qc writes them) in ``sources/``; None when it is not in the project."""
        relative = internal_name(reference, self.path)
        if self.archive is not None:
            names = [f"{self.prefix}sources/{relative}"]
            if not is_internal(reference):
                names.append(f"{self.prefix}{relative}")
            info = next((self.entries[n.lower()] for n in names if n.lower() in self.entries),
                        None)
            return self._read(info) if info is not None else None
        if self.folder.is_symlink():
            raise SourceError(_("{path}: is a symbolic link; refusing to read through "
                                "it").format(path=self.folder))
        candidate = self.folder / relative
        try:
            found = candidate.lstat()
            inside = candidate.resolve().is_relative_to(self.folder.resolve())
        except OSError:
            return None
        if not inside:
            raise SourceError(_("{path}: lies outside {folder}; refusing it").format(
                path=candidate, folder=self.folder))
        if not stat.S_ISREG(found.st_mode):
            raise SourceError(_("{path}: is not a regular file; refusing it").format(
                path=candidate))
        if found.st_size > MAX_TEXT_BYTES:
            raise SourceError(_("{path}: is too large to import").format(path=candidate))
        return candidate.read_bytes()


def internal_name(reference: str, where: Path) -> str:
    """The file name inside ``sources/`` of an ``internal://`` path; traversal is refused."""
    value = reference.strip()
    if value.lower().startswith(INTERNAL):
        name = value[len(INTERNAL):].replace("\\", "/").lstrip("/")
    elif is_bare_relative(value):
        name = value.replace("\\", "/")
    else:
        raise ValueError(reference)
    parts = PurePosixPath(name).parts
    if not name or ".." in parts or any(":" in part or "\x00" in part for part in parts):
        raise SourceError(
            _("{where}: source path {reference} points outside the project's sources; "
              "refusing the file").format(where=where, reference=repr(reference))
        )

    return "/".join(parts)


def is_internal(reference: str | None) -> bool:
    """Whether a path names a file inside the project (``internal://``)."""
    return bool(reference) and str(reference).strip().lower().startswith(INTERNAL)


def is_bare_relative(reference: str | None) -> bool:
    """Whether a path is a bare relative file name (no scheme, drive or leading slash)."""
    value = (reference or "").strip().replace("\\", "/")
    return bool(value) and ":" not in value and not value.startswith("/")


def is_inside(reference: str | None) -> bool:
    """Whether a source path is read from the project's own files."""
    return is_internal(reference) or is_bare_relative(reference)


def sources_folder(parent: Path) -> Path:
    """The ``sources`` folder beside a bare .qde; any case (NVivo writes ``Sources``)."""
    exact = parent / "sources"
    if exact.exists() or exact.is_symlink():
        return exact
    try:
        found = sorted(p for p in parent.iterdir() if p.name.lower() == "sources")
    except OSError:
        return exact
    return found[0] if found else exact
