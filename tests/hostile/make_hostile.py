"""Write the crafted hostile input files of this folder: one small file per attack.

Run ``python tests/hostile/make_hostile.py`` to regenerate them; the tests read the committed
files and check that the list here and the folder agree.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
FIXED_TIME = (2024, 3, 12, 10, 0, 0)

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LAUGHS = b"".join(
    b'<!ENTITY lol%d "%s">\n' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10)
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE w:document [\n<!ENTITY lol0 "lol">\n'
    + LAUGHS
    + b"]>\n<w:document "
    + W
    + b"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE w:document [\n'
    b'<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<w:document '
    + W
    + b"><w:body><w:p><w:r><w:t>Borger 1: &xxe;</w:t></w:r></w:p></w:body></w:document>"
)
SHEET_EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [\n'
    b'<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    """A ZIP archive of ``entries`` with fixed timestamps, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries:
            info = entry if isinstance(entry, zipfile.ZipInfo) else zipfile.ZipInfo(entry)
            info.date_time = FIXED_TIME
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def _valid_docx_with(document_xml: bytes) -> bytes:
    """A real python-docx document whose ``word/document.xml`` is replaced."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return _replace(buffer.getvalue(), "word/document.xml", document_xml)


def _valid_xlsx_with(sheet_xml: bytes) -> bytes:
    """A real openpyxl workbook whose first sheet is replaced."""
    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["id", "kommentar"])
    workbook.save(buffer)
    return _replace(buffer.getvalue(), "xl/worksheets/sheet1.xml", sheet_xml)


def _replace(package: bytes, name: str, data: bytes) -> bytes:
    """``package`` with entry ``name`` replaced by ``data``."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [
            (info.filename, data if info.filename == name else archive.read(info))
            for info in archive.infolist()
        ]
    return _zip(entries)


def _symlink() -> bytes:
    """A .docx-like archive with a symbolic link entry pointing at /etc/passwd."""
    link = zipfile.ZipInfo("word/document.xml")
    link.create_system = 3  # Unix
    link.external_attr = 0o120777 << 16
    return _zip([("[Content_Types].xml", CONTENT_TYPES), (link, b"/etc/passwd")])


HOSTILE: dict[str, Callable[[], bytes]] = {
    "traversal.docx": lambda: _zip(
        [("[Content_Types].xml", CONTENT_TYPES), ("../../evil.txt", b"owned")]
    ),
    "absolute.xlsx": lambda: _zip(
        [("[Content_Types].xml", CONTENT_TYPES), ("/tmp/evil.txt", b"owned")]
    ),
    "symlink.docx": _symlink,
    "bomb.docx": lambda: _zip(
        [("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", bytes(10 * 1024 * 1024))]
    ),
    "many_entries.docx": lambda: _zip([(f"e/{n}", b"") for n in range(500)]),
    "billion_laughs.docx": lambda: _valid_docx_with(BILLION_LAUGHS),
    "external_entity.docx": lambda: _valid_docx_with(EXTERNAL_ENTITY),
    "external_entity.xlsx": lambda: _valid_xlsx_with(SHEET_EXTERNAL_ENTITY),
    "not_a_zip.docx": lambda: b"Borger 1: Det her er bare tekst.\n",
    "not_a_zip.xlsx": lambda: b"id;kommentar\n1;hej\n",
    "nul_bytes.txt": lambda: b"Borger 1: Hej\n" + b"\x00\x00\x00bin\xc3\xa6rt\x00",
    "binary.txt": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "pdf.txt": lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n",
    "empty.txt": lambda: b"",
    "not_utf8_or_cp1252.txt": lambda: b"Borger 1: \x81\x8d\xb0\xb1\xb2\xdb\xdc\xdd\xde\x8f\xfe",
    "binary.csv": lambda: bytes(range(256)) * 4,
    "binary.vtt": lambda: b"WEBVTT\n\n\x00\x01\x02\x03" * 8,
}


def main() -> None:
    """Write every hostile file next to this script."""
    for name, make in HOSTILE.items():
        (HERE / name).write_bytes(make())


if __name__ == "__main__":
    main()
