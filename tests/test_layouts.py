"""Transcripts as the tools that make them write them: one test per layout's fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kodebog.errors import SourceError
from kodebog.sources import ParsedSource, read_source

from .test_sources import assert_valid

DATA = Path(__file__).parent / "data" / "transcripts"
_TIME = re.compile(r"[\[(]\d{1,2}:\d{2}|^\d{1,2}:\d{2}|\d:\d{2}\W*$")


def turns(name: str, **options: object) -> tuple[ParsedSource, list[tuple[str | None, ...]]]:
    """Read a fixture; its units as (speaker key, timestamp, text), checked for leftovers."""
    source = read_source(DATA / name, **options)  # type: ignore[arg-type]
    texts = assert_valid(source)
    labels = {p.label for p in source.participants}
    for unit, text in zip(source.units, texts, strict=True):
        if unit.participant_key is not None and "speakers" not in options:
            assert not _TIME.search(text), text  # no timestamp left in the spoken text
            assert not any(re.match(rf"\[?{re.escape(label)}\W", text) for label in labels)
            assert not text.startswith("["), text
    pairs = zip(source.units, texts, strict=True)
    return source, [(u.participant_key, u.timestamp, t) for u, t in pairs]


def roles(source: ParsedSource) -> list[tuple[str, str | None]]:
    return [(p.key, p.role) for p in source.participants]


def test_teams_word_transcript() -> None:
    source, found = turns("teams.docx")
    assert found == [
        (None, None, "Interview om jobcentret-20240312_100203-Mødeoptagelse"),
        (None, None, "12. marts 2024, 10.02"),
        (None, None, "1 t 2 m 9 s"),
        ("Mette Hansen", "00:00:03", "Velkommen, og tak fordi du ville være med. Hvordan var "
         "dit første møde med jobcentret?"),
        ("Jonas Berg", "00:00:12", "Det var i foråret. Jeg var ret nervøs, men hun tog godt "
         "imod mig."),
        ("Mette Hansen", "00:12:40", "Hvad betød det for dig?"),
        ("Jonas Berg", "01:02:05", "At jeg turde komme igen."),
    ]
    assert "started transcription" not in "".join(t[2] or "" for t in found)
    assert source.kind == "interview"
    assert source.notes[0] == (
        "layout headers (a speaker line 'Name 0:03' above each turn): 4 turns by 2 speakers"
    )
    assert any("look like real names: 'Mette Hansen', 'Jonas Berg'" in n and "--pseudonymise"
               in n for n in source.notes)


def test_teams_vtt_with_voices_and_cue_ids() -> None:
    source, found = turns("teams_voices.vtt")
    assert found == [
        ("Mette Hansen", "00:00:03", "Velkommen, og tak fordi du ville være med i dag. Kan du "
         "fortælle om dit første møde med jobcentret?"),
        ("Jonas Berg", "00:00:10", "Ja, det var i foråret. Jeg var ret nervøs."),
        ("Mette Hansen", "00:01:02", "Hvad gjorde sagsbehandleren for at tage imod dig?"),
        ("Jonas Berg", "01:02:05", "Hun lyttede, og det betød meget."),
    ]
    assert "3f9a2c1e" not in source.text
    assert source.metadata["duration"] == "01:02:09"
    assert source.notes[0] == "layout cues (subtitle cues with speakers): 4 turns by 2 speakers"


def test_teams_vtt_voices_without_cue_ids_or_closing_tags() -> None:
    source, found = turns("teams_no_ids.vtt")
    assert found == [
        ("Interviewer", "00:00:01", "Hvordan har du oplevet ventetiden?"),
        ("Borger", "00:00:04", "Den var lang. Alt for lang, hvis du spørger mig. "
         "Tre måneder uden svar."),
        ("Interviewer", "00:00:10", "Tak."),
    ]
    assert roles(source) == [("Interviewer", "interviewer"), ("Borger", "borger")]


def test_teams_vtt_without_voices_has_no_speakers() -> None:
    source, found = turns("teams_no_voices.vtt")
    assert found == [
        (None, "00:00:01", "Vi starter optagelsen nu. Første spørgsmål handler om brevene."),
        (None, "00:00:09", "Brevene er svære at forstå."),
    ]
    assert source.kind == "document"
    assert source.notes[0].startswith("layout paragraphs (no speakers)")


def test_zoom_vtt_names_in_cue_text() -> None:
    source, found = turns("zoom.vtt")
    assert found == [
        ("Lise Holm", "00:00:02", "Godmorgen, kan du høre mig?"),
        ("Peter Dahl", "00:00:05", "Ja, fint. Jeg sidder hjemme i dag."),
        ("Lise Holm", "00:00:12", "Godt. Fortæl om dit forløb."),
        ("Peter Dahl", "00:00:16", "Det startede med en sygemelding."),
    ]
    assert roles(source) == [("Lise Holm", None), ("Peter Dahl", None)]


def test_zoom_text_bracketed_names_above_the_speech() -> None:
    source, found = turns("zoom.txt")
    assert found == [
        ("Lise Holm", "10:02:03", "Godmorgen, kan du høre mig?"),
        ("Peter Dahl", "10:02:08", "Ja, fint. Jeg sidder hjemme i dag."),
        ("Lise Holm", "10:02:15", "Godt. Fortæl om dit forløb."),
        ("Peter Dahl", "10:02:21", "Det startede med en sygemelding.\n"
         "Så kom jobcentret ind i billedet."),
    ]
    assert source.notes[0].startswith("layout headers")


GOOD_TAPE = [
    ("Speaker 1", "00:00:03", "Velkommen til interviewet. Hvordan kom du i kontakt med "
     "jobcentret?"),
    ("Speaker 2", "00:00:09", "Jeg blev ringet op af en sagsbehandler."),
]


def test_good_tape_name_and_time_with_colon() -> None:
    source, found = turns("goodtape.txt")
    assert found == [
        *GOOD_TAPE,
        ("Speaker 1", "00:00:14", "Hvordan var den samtale?"),
        ("Speaker 2", "01:02:05", "Kort, men venlig."),
    ]
    assert source.notes[0].startswith("layout lines")


def test_otter_name_and_time_header() -> None:
    source, found = turns("otter.txt")
    assert found == [
        *GOOD_TAPE,
        ("Speaker 1", "00:12:14", "Hvordan var den samtale?"),
        ("Speaker 2", "01:02:05", "Kort, men venlig.\nOg hun fulgte op bagefter."),
    ]
    assert source.notes[0].startswith("layout headers")


def test_sonix_role_and_time_header() -> None:
    source, found = turns("sonix.txt")
    assert [(key, ts) for key, ts, _ in found] == [
        ("Interviewer", "00:00:03"), ("Borger", "00:00:07"),
        ("Interviewer", "00:00:15"), ("Borger", "00:00:19"),
    ]
    assert found[1][2] == "De er lange og fulde af paragraffer."
    assert roles(source) == [("Interviewer", "interviewer"), ("Borger", "borger")]


def test_whisperx_srt_bracketed_machine_labels() -> None:
    source, found = turns("whisperx.srt")
    assert found == [
        ("SPEAKER_00", "00:00:00", "Tak fordi du ville deltage. Hvordan oplevede du det "
         "første møde?"),
        ("SPEAKER_01", "00:00:06", "Det var forvirrende. Ingen forklarede noget."),
        ("SPEAKER_00", "00:00:10", "Hvad manglede du?"),
        ("SPEAKER_01", "01:02:05", "Et overblik over forløbet."),
    ]
    assert "[SPEAKER" not in source.text
    notes = "\n".join(source.notes)
    assert "2 machine speaker label(s)" in notes
    assert "SPEAKER_00 (2 turns): “Tak fordi du ville deltage. Hvordan oplevede du …”" in notes
    assert "--rename 'SPEAKER_00=Borger 1'" in notes


def test_whisperx_vtt_short_times() -> None:
    _, found = turns("whisperx.vtt")
    assert found == [
        ("SPEAKER_00", "00:00:00", "Tak fordi du ville deltage."),
        ("SPEAKER_01", "00:00:03", "Selv tak. Jeg har meget at sige. Især om ventetiden."),
        ("SPEAKER_00", "00:00:10", "Lad os starte der."),
    ]


def test_whisperx_text_with_time_ranges_and_milliseconds() -> None:
    source, found = turns("whisperx.txt")
    assert found == [
        ("SPEAKER_00", "00:00:00", "Tak fordi du ville deltage."),
        ("SPEAKER_01", "00:00:03", "Selv tak. Jeg har meget at sige."),
        ("SPEAKER_01", "00:00:06", "Især om ventetiden."),
        ("SPEAKER_00", "01:02:05", "Lad os starte der."),
    ]
    assert source.kind == "interview"


def test_pyannote_bracketed_labels_in_text() -> None:
    source, found = turns("pyannote_brackets.txt")
    assert [key for key, _, _ in found] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02",
                                            "SPEAKER_00"]
    assert found[3][2] == "Godt. Hvem vil starte?"
    assert source.kind == "focus_group"


def test_noscribe_trailing_times_are_the_turns_time() -> None:
    source, found = turns("noscribe.txt")
    assert found == [
        (None, None, "Interview med borger, Jobcenter Syd"),
        ("S00", "00:00:03", "Velkommen. Vil du starte med at præsentere dig?"),
        ("S01", "00:00:11", "Ja. Jeg er 42 år og har været ledig siden januar."),
        ("S00", "00:00:25", "Hvordan har kontakten med jobcentret været?"),
        ("S01", "01:02:05", "Svingende. Nogle gange god, andre gange hører jeg ingenting i "
         "ugevis."),
    ]
    assert "[00:00:03]" in source.text  # the text is never altered, only the unit ends


def test_bundled_examples_layout() -> None:
    source, found = turns("bundled_layout.txt")
    assert found == [
        (None, None, "Fokusgruppe, Jobcenter Nord\nDato: 12. marts 2024"),
        ("Interviewer", "00:00:05", "Velkommen. Hvordan var jeres første møde?"),
        ("Borger 1", None, "Det var sådan: jeg ventede længe."),
        ("Borger 2", "00:01:02", "Kl. 10:30 mødte jeg op, og der var ingen."),
        ("Interviewer", "00:01:40", "Hvad skete der så?"),
        ("Borger 1", None, "Vi fik en ny tid."),
    ]
    assert roles(source) == [
        ("Interviewer", "interviewer"), ("Borger 1", "borger"), ("Borger 2", "borger")
    ]


def test_interviewer_abbreviations_i_and_ip() -> None:
    source, found = turns("interviewer_i_ip.txt")
    assert [key for key, _, _ in found] == ["I", "IP", "I", "IP"]
    assert found[3][2] == "Jeg ringede til kontaktcentret og ventede i 40 minutter."
    # IP is the interview person: a citizen or a member of staff, so no role is guessed
    assert roles(source) == [("I", "interviewer"), ("IP", None)]


def test_interviewer_abbreviation_int_with_and_without_full_stop() -> None:
    source, found = turns("interviewer_int.txt")
    assert [key for key, _, _ in found] == ["Int", "Borger", "Int", "Borger"]
    assert roles(source) == [("Int", "interviewer"), ("Borger", "borger")]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("koronavirus.txt", "'Koronavírus' is the only label (3 lines) and names no role"),
        ("forskningsspoergsmaal.txt", "the labels 'RQ1', 'RQ2', 'RQ3' are used 1.0 times"),
        ("dagsorden.txt", "not speakers, times of day: 'Kl. 9.00', 'Kl. 9.30', 'Kl. 10.30' "
         "and 3 more"),
    ],
)
def test_plain_text_stays_plain(name: str, why: str) -> None:
    source, found = turns(name)
    assert source.participants == [] and source.kind == "document"
    assert all(key is None and ts is None for key, ts, _ in found)
    original = (DATA / name).read_text(encoding="utf-8")
    assert [text for _, _, text in found] == [
        paragraph.strip() for paragraph in original.split("\n\n") if paragraph.strip()
    ]  # every paragraph whole, the colon text kept
    assert source.notes[0].startswith("layout paragraphs (no speakers)")
    assert any(why in note for note in source.notes), source.notes


# --- options: --layout, --no-speakers, --speakers, --rename, --role ----------------------


def test_no_speakers_keeps_every_label_in_the_text() -> None:
    source, found = turns("bundled_layout.txt", no_speakers=True)
    assert source.participants == [] and source.kind == "document"
    assert found[1] == (None, None, "[00:00:05] Interviewer: Velkommen. Hvordan var jeres "
                        "første møde?")
    assert "speaker detection is off" in source.notes
    subtitles, _ = turns("teams_voices.vtt", no_speakers=True)
    assert subtitles.participants == [] and "Mette" not in subtitles.text


def test_speakers_option_trusts_the_given_labels_only() -> None:
    source, found = turns("koronavirus.txt", speakers=["Koronavírus", "Ledighed"])
    assert [key for key, _, _ in found if key] == ["Koronavírus", "Koronavírus", "Ledighed",
                                                  "Koronavírus"]
    assert "speakers as given: 2 of 2 found" in source.notes
    source, found = turns("bundled_layout.txt", speakers=["Interviewer", "Borger 9"])
    assert [key for key, _, _ in found if key] == ["Interviewer", "Interviewer"]
    assert "no label 'Borger 9' in this file" in source.notes


def test_layout_option_overrides_detection() -> None:
    source, found = turns("forskningsspoergsmaal.txt", layout="lines")
    assert [key for key, _, _ in found if key] == [
        "Projektbeskrivelse", "RQ1", "RQ2", "RQ3", "Metode"
    ]  # a given layout takes every label-shaped line
    source, found = turns("goodtape.txt", layout="paragraphs")
    assert source.participants == []
    source, found = turns("otter.txt", layout="lines")
    assert source.participants == []  # no 'Name:' lines in a headers file
    with pytest.raises(SourceError, match=r"otter\.txt: unknown layout 'cues' for this file; "
                                          r"layouts here are: lines, headers, paragraphs"):
        read_source(DATA / "otter.txt", layout="cues")
    with pytest.raises(SourceError, match=r"unknown layout 'teams'; layouts are: lines"):
        read_source(DATA / "otter.txt", layout="teams")
    with pytest.raises(SourceError, match="either --speakers or --no-speakers"):
        read_source(DATA / "otter.txt", speakers=["Speaker 1"], no_speakers=True)


def test_layout_options_are_refused_for_surveys(tmp_path: Path) -> None:
    survey = tmp_path / "svar.csv"
    survey.write_text("id,kommentar\n1,Godt nok\n", encoding="utf-8")
    with pytest.raises(SourceError, match="apply only to transcripts and subtitles"):
        read_source(survey, layout="lines")


def test_machine_labels_get_names_and_roles_at_import() -> None:
    source, found = turns(
        "whisperx.srt",
        renames={"SPEAKER_01": "Borger 1"},
        roles={"SPEAKER_00": "interviewer"},
    )
    assert roles(source) == [("SPEAKER_00", "interviewer"), ("Borger 1", "borger")]
    assert [key for key, _, _ in found] == ["SPEAKER_00", "Borger 1", "SPEAKER_00", "Borger 1"]
    assert [u.speaker for u in source.units][:2] == ["SPEAKER_00", "Borger 1"]
    assert not any("machine speaker label" in note for note in source.notes)


def test_renaming_to_an_existing_label_merges_and_roles_follow_the_new_name() -> None:
    source, _ = turns(
        "pyannote_brackets.txt",
        renames={"speaker_02": "SPEAKER_01", "SPEAKER_00": "Moderator"},
        roles={"SPEAKER_01": "medarbejder"},
    )
    assert roles(source) == [("Moderator", "interviewer"), ("SPEAKER_01", "medarbejder")]
    assert [u.participant_key for u in source.units] == [
        "Moderator", "SPEAKER_01", "SPEAKER_01", "Moderator"
    ]
    assert source.kind == "interview"  # one interviewer and one speaker left
    source = read_source(DATA / "pyannote_brackets.txt", renames={"SPEAKER_09": "X"})
    assert "no speaker called 'SPEAKER_09' to rename" in source.notes
    with pytest.raises(SourceError, match="the new name for 'SPEAKER_00' must not be empty"):
        read_source(DATA / "pyannote_brackets.txt", renames={"SPEAKER_00": " "})


def test_names_in_labels_are_offered_for_pseudonymisation_and_then_gone() -> None:
    from kodebog.privacy import NameList, pseudonymise_source

    source = read_source(DATA / "zoom.txt")
    assert any(note.startswith("speaker labels that look like real names: 'Lise Holm', "
                               "'Peter Dahl'; to pseudonymise them") for note in source.notes)
    hidden = pseudonymise_source(source, NameList.from_names(["Lise Holm", "Peter Dahl"]))
    assert [p.label for p in hidden.participants] == ["[navn 1]", "[navn 2]"]
    assert not any("Holm" in note or "Dahl" in note for note in hidden.notes)
    assert not any("look like real names" in note for note in hidden.notes)


def test_teams_word_name_and_speech_in_one_paragraph(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for name, time, speech in [("Mette Hansen", "0:03", "Hej med dig."),
                               ("Jonas Berg", "0:09", "Hej."),
                               ("Mette Hansen", "1:02:05", "Farvel.")]:
        paragraph = document.add_paragraph(f"{name}   {time}")
        paragraph.add_run().add_break()
        paragraph.add_run(speech)
    document.save(str(tmp_path / "teams.docx"))
    source = read_source(tmp_path / "teams.docx")
    assert [(u.speaker, u.timestamp, source.text[u.start : u.end]) for u in source.units] == [
        ("Mette Hansen", "00:00:03", "Hej med dig."),
        ("Jonas Berg", "00:00:09", "Hej."),
        ("Mette Hansen", "01:02:05", "Farvel."),
    ]
