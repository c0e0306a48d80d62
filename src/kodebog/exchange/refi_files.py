"""Writing REFI files: XML serialisation and deterministic ZIPs, via a temp file and rename."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.tempfiles import temp_beside

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every ZIP entry gets this timestamp, so the same project gives the same bytes."""


def new_element(tag: str, attrs: dict[str, str | None]) -> ET.Element:
    """A free-standing element; attributes whose value is None are left out."""
    return ET.Element(tag, {k: v for k, v in attrs.items() if v is not None})


def element(parent: ET.Element, tag: str, attrs: dict[str, str | None] | None = None,
            text: str | None = None) -> ET.Element:
    """A child element; attributes whose value is None are left out."""
    child = ET.SubElement(parent, tag, {k: v for k, v in (attrs or {}).items() if v is not None})
    if text is not None:
        child.text = text
    return child


def xml_bytes(root: ET.Element) -> bytes:
    """The document as indented UTF-8 with an XML declaration."""
    ET.indent(root, space="  ")
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
    return buffer.getvalue() + b"\n"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder and a rename."""
    _replace(path, lambda handle: handle.write(data))


def write_zip(path: Path, entries: Iterable[tuple[str, bytes]]) -> None:
    """Write a ZIP with fixed timestamps and permissions, entries in the given order."""

    def fill(handle: IO[bytes]) -> None:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                archive.writestr(info, data)

    _replace(path, fill)


def _replace(path: Path, fill: Callable[[IO[bytes]], object]) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ProjectError(_("{path}: folder {folder} does not exist").format(
            path=path, folder=folder))

    temp = temp_beside(path)  # a killed run's file is removed by the next run
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
