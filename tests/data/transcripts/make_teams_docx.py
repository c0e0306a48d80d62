"""Writes teams.docx: a Microsoft Teams Word transcript laid out as Teams lays it out.

Run from the repository root: python tests/data/transcripts/make_teams_docx.py
"""

from __future__ import annotations

from pathlib import Path

import docx

PARAGRAPHS = [
    "Interview om jobcentret-20240312_100203-Mødeoptagelse",
    "12. marts 2024, 10.02",
    "1 t 2 m 9 s",
    "Mette Hansen started transcription",
    "Mette Hansen   0:03",
    "Velkommen, og tak fordi du ville være med. Hvordan var dit første møde med jobcentret?",
    "Jonas Berg   0:12",
    "Det var i foråret. Jeg var ret nervøs, men hun tog godt imod mig.",
    "Mette Hansen   12:40",
    "Hvad betød det for dig?",
    "Jonas Berg   1:02:05",
    "At jeg turde komme igen.",
    "Mette Hansen stopped transcription",
]


def main() -> None:
    document = docx.Document()
    for text in PARAGRAPHS:
        document.add_paragraph(text)
    document.save(str(Path(__file__).with_name("teams.docx")))


if __name__ == "__main__":
    main()
