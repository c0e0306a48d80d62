"""Generate large synthetic material: survey exports and transcripts in Danish.

    python bench/generate.py OUT_DIR [--answers 100000] [--transcripts 200]
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

PHRASES = [
    "Min sagsbehandler lyttede til mig og forstod min situation.",
    "Jeg har haft fire forskellige sagsbehandlere på to år, og hver gang skulle jeg starte forfra.",
    "Det er umuligt at komme igennem på telefonen, og ingen ringer tilbage.",
    "Brevene fra jobcentret er svære at forstå, der står så mange paragraffer.",
    "Det var nemt at booke møder selv på Jobnet.",
    "Venteværelset er trist, og der er ingen skilte, så man ved ikke hvor man skal gå hen.",
    "Reglerne er urimelige, og jeg føler mig som et nummer i systemet.",
    "Kurset gav mening, og jeg lærte noget jeg kan bruge.",
    "Jeg har ventet i over et år på en afgørelse, og jeg ved ikke hvad der skal ske.",
    "Medarbejderne har alt for mange sager og ingen tid.",
    "Det første møde var godt, jeg blev taget godt imod.",
    "Møderne er for korte, og der går for lang tid imellem dem.",
    "Praktikken førte til et job – tak for det 🙂",
    "Ingen kommentarer.",
]
GROUPS = ["dagpenge", "sygedagpenge", "kontanthjælp jobparat", "kontanthjælp aktivitetsparat",
          "jobafklaring", "ressourceforløb", "fleksjob", "integrationsydelse"]
LENGTHS = ["under 1 år", "1-2 år", "over 2 år"]
SATISFACTION = ["meget tilfreds", "tilfreds", "hverken eller", "utilfreds", "meget utilfreds"]
TOWNS = ["Aarhus", "Odense", "Aalborg", "Esbjerg", "Vejle", "Randers"]
SPEAKERS = ["Interviewer", "Borger 1", "Borger 2", "Borger 3", "Borger 4", "Borger 5",
            "Sagsbehandler", "Jobkonsulent"]


def answer(rng: random.Random) -> str:
    """One survey comment of one to four phrases."""
    return " ".join(rng.sample(PHRASES, rng.randint(1, 4)))


def write_survey(path: Path, answers: int, seed: int = 1) -> Path:
    """A survey CSV with ``answers`` rows (UTF-8, comma-separated)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent_id", "kommentar", "ydelsesgruppe", "forloebslaengde",
                         "tilfredshed", "kommune"])
        for number in range(1, answers + 1):
            writer.writerow([f"R{number:06d}", answer(rng), rng.choice(GROUPS),
                             rng.choice(LENGTHS), rng.choice(SATISFACTION), rng.choice(TOWNS)])
    return path


def write_transcripts(folder: Path, count: int, turns: int = 120, seed: int = 2) -> list[Path]:
    """``count`` focus-group transcripts of ``turns`` speaker turns each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        lines = []
        for turn in range(turns):
            stamp = f"[{turn // 60:02d}:{turn % 60:02d}:00] " if turn % 5 == 0 else ""
            lines.append(f"{stamp}{rng.choice(SPEAKERS)}: {answer(rng)}")
        path = folder / f"fokusgruppe_{number:03d}.txt"
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    """Write the synthetic material to OUT_DIR."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--transcripts", type=int, default=200)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    write_survey(args.out / "survey.csv", args.answers)
    write_transcripts(args.out / "transcripts", args.transcripts)
    print(f"wrote {args.answers} answers and {args.transcripts} transcripts to {args.out}")


if __name__ == "__main__":
    main()
