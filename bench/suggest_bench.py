"""Benchmark of suggestions: tier-1 rate against the blank pipeline, training, prediction.

Run: ``.venv/bin/python bench/suggest_bench.py [--units 100000] [--train 2000] [--json out.json]``.
Units are synthetic Danish-ish texts built from the codebook's examples, keywords and filler;
``codebooks/jobcenter.yaml`` is used when present, else a built-in codebook.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from kodebog.codebook import Codebook, load_codebook, parse_codebook

ROOT = Path(__file__).resolve().parents[1]

FALLBACK_CODEBOOK = """\
language: da
title: Jobcenter (benchmark)
codes:
  - id: first_meeting
    label: Første møde
    keywords: [første møde, velkomst, introduktion, forventning]
    examples:
      - Det første møde var rart, jeg blev taget godt imod.
      - Ved introduktionen fik jeg at vide hvad der skulle ske.
  - id: meeting_time
    label: Mødernes længde og hyppighed
    keywords: [kort møde, lang tid mellem møder, hyppighed, mødetid]
    examples:
      - Møderne var alt for korte, vi nåede ingenting.
      - Der gik tre måneder mellem møderne.
  - id: caseworker_relation
    label: Mødet med sagsbehandleren
    keywords: [blive hørt, lytte, forstå, respekt, tillid, sagsbehandler]
    examples:
      - Min sagsbehandler lyttede og forstod min situation.
      - Jeg følte mig ikke hørt, hun kendte ikke min sag.
  - id: caseworker_change
    label: Skift af sagsbehandler
    keywords: [skift af sagsbehandler, ny sagsbehandler, starte forfra, skift]
    exclude_keywords: [vagtskifte]
    examples:
      - Jeg har haft fire forskellige sagsbehandlere på et år.
      - Hver gang der kom en ny, skulle jeg starte forfra.
  - id: contact_center
    label: Kontakt til jobcentret
    keywords: [telefontid, ringe, kontaktcenter, svar, træffe]
    examples:
      - Man kan aldrig komme igennem på telefonen.
      - Jeg ringede flere gange uden at få svar.
  - id: letters_information
    label: Breve og information
    keywords: [brev, information, forstå brevet, overblik]
    examples:
      - Brevene er skrevet i et sprog jeg ikke forstår.
      - Jeg manglede overblik over tilbuddene.
  - id: digital_self_service
    label: Digital selvbetjening
    keywords: [jobnet, selvbooking, digital, chat, app]
    examples:
      - Det er nemt at booke tid på Jobnet.
      - Chatten svarede hurtigt.
  - id: physical_setting
    label: De fysiske rammer
    keywords: [venteværelse, skranke, lokale, skilte, reception]
    examples:
      - Venteværelset var trist og fyldt.
      - Der var ingen skilte, så jeg gik forkert.
  - id: rules_and_system
    label: Regler og system
    keywords: [regler, krav, kontrol, sanktion, bureaukrati, lovgivning]
    examples:
      - Reglerne giver ingen mening for mig.
      - Jeg føler mig bare som et nummer i systemet.
  - id: activities_and_offers
    label: Aktiviteter og tilbud
    keywords: [kursus, praktik, jobklub, aktivering, tilbud]
    examples:
      - Praktikken gav mig mod på at arbejde igen.
      - Kurset var spild af tid.
  - id: long_courses
    label: Lange forløb
    keywords: [lang ventetid, usikkerhed, afgørelse, forløb, vente]
    examples:
      - Jeg har ventet et år på en afgørelse.
      - Forløbet trækker ud og jeg ved ikke hvad der skal ske.
  - id: staff_conditions
    label: Medarbejdernes vilkår
    keywords: [sagstal, travlhed, tidspres, vikar, mange sager]
    examples:
      - Sagsbehandlerne har alt for mange sager.
      - Man kan mærke at de har travlt.
"""

FILLER = [
    "Det er svært at sige.",
    "Jeg ved ikke helt hvad jeg skal mene om det.",
    "Sådan har det været i lang tid nu.",
    "Det var egentlig fint nok.",
    "Jeg har to børn og bor i en lejlighed.",
    "Min mand synes det samme.",
    "Vejret var dårligt den dag.",
    "Det har været et hårdt år for mig.",
    "Jeg tænker meget over det.",
    "Nogle gange går det bedre end andre gange.",
    "Jeg kom fra arbejde og var træt.",
    "Der skete ikke så meget mere.",
]
OPENERS = ["", "Altså ", "Ja, ", "Jamen ", "Og ", "Men ", "Ærligt talt "]
TEMPLATES = [
    "{kw} var et problem for mig.",
    "Jeg synes {kw} fungerede godt.",
    "Der var noget med {kw} som ikke gik.",
    "Det handlede meget om {kw}.",
    "Jeg var utilfreds med {kw}.",
]


def bench_codebook() -> Codebook:
    """``codebooks/jobcenter.yaml`` if present, else the built-in benchmark codebook."""
    path = ROOT / "codebooks" / "jobcenter.yaml"
    if path.exists():
        return load_codebook(path)
    return parse_codebook(FALLBACK_CODEBOOK, "<bench>")


def _perturb(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    if len(words) > 4 and rng.random() < 0.5:
        del words[rng.randrange(1, len(words) - 1)]
    return rng.choice(OPENERS) + " ".join(words)


def word_pool(size: int = 20_000, seed: int = 0) -> list[str]:
    """Danish words from the lemma table, for filler with a realistic vocabulary."""
    from kodebog.suggest.nlp import get_analyzer

    lookup = get_analyzer("da").lookup
    words = sorted({str(v) for v in lookup.table.values()} if lookup else set())
    words = [w for w in words if w.isalpha() and w.islower() and 3 <= len(w) <= 12]
    return random.Random(seed).sample(words, min(size, len(words)))


def synth_units(
    codebook: Codebook, n: int, seed: int = 0, pool: list[str] | None = None
) -> list[tuple[str, set[str]]]:
    """``n`` synthetic units, each with the codes it was built from (none for 10%).

    With a ``pool``, half the units also get a sentence of random words from it.
    """
    rng = random.Random(seed)
    codes = [c for c in codebook.walk() if c.examples or c.keywords]
    units = []
    for _ in range(n):
        r = rng.random()
        chosen = rng.sample(codes, 2) if r < 0.2 else [] if r < 0.3 else [rng.choice(codes)]
        parts = [rng.choice(FILLER) for _ in range(rng.randint(0, 2))]
        if pool and rng.random() < 0.5:
            parts.append(" ".join(rng.choices(pool, k=rng.randint(4, 12))).capitalize() + ".")
        for code in chosen:
            if code.examples and (not code.keywords or rng.random() < 0.6):
                parts.append(_perturb(rng.choice(code.examples), rng))
            else:
                parts.append(rng.choice(TEMPLATES).format(kw=rng.choice(code.keywords)))
        rng.shuffle(parts)
        units.append((" ".join(parts), {c.id for c in chosen}))
    return units


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def run(n_units: int, n_train: int, evaluate: bool) -> dict[str, Any]:
    """Measure and return the numbers."""
    from kodebog.suggest.engine import Suggester
    from kodebog.suggest.learned import train
    from kodebog.suggest.nlp import get_analyzer
    from kodebog.suggest.rules import RuleMatcher

    out: dict[str, Any] = {}
    codebook = bench_codebook()
    t = time.perf_counter()
    analyzer = get_analyzer(codebook.language)
    out["load_s"] = round(time.perf_counter() - t, 2)
    units = synth_units(codebook, n_units, seed=1, pool=word_pool())
    texts = [t for t, _ in units]
    nlp = analyzer.nlp
    for _ in nlp.tokenizer.pipe(texts, batch_size=1000):  # warm the tokenizer cache for both
        pass

    # CPU time of this process: others share the machine; wall time is printed too
    t, w = time.process_time(), time.perf_counter()
    n_tokens = 0
    for doc in nlp.pipe(texts, batch_size=512, disable=["sentencizer"]):
        n_tokens += len(doc)
    pipe_s = time.process_time() - t
    out["pipeline_wall_s"] = round(time.perf_counter() - w, 2)
    out["pipeline_units_per_s"] = round(_rate(len(texts), pipe_s))
    out["pipeline_tokens_per_s"] = round(_rate(n_tokens, pipe_s))

    matcher = RuleMatcher(codebook, analyzer)
    t, w = time.process_time(), time.perf_counter()
    docs = analyzer.analyze(texts)
    analyze_s = time.process_time() - t
    t = time.process_time()
    hits = matcher.match_many(docs)
    match_s = time.process_time() - t
    out["tier1_wall_s"] = round(time.perf_counter() - w, 2)
    out["analyze_units_per_s"] = round(_rate(len(texts), analyze_s))
    out["match_units_per_s"] = round(_rate(len(texts), match_s))
    out["tier1_units_per_s"] = round(_rate(len(texts), analyze_s + match_s))
    out["tier1_vs_pipeline"] = round(pipe_s / (analyze_s + match_s), 2)
    out["units_with_rule_hits"] = round(sum(1 for h in hits if h) / len(hits), 3)

    train_units = units[:n_train]
    t, w = time.process_time(), time.perf_counter()
    model = train(train_units, codes=codebook.ids, analyzer=analyzer)
    out["train_units"] = len(train_units)
    out["train_cpu_s"] = round(time.process_time() - t, 2)
    out["train_wall_s"] = round(time.perf_counter() - w, 2)
    out["train_epochs"] = model.meta.epochs
    t = time.process_time()
    scores = model.predict_docs(docs)
    out["predict_units_per_s"] = round(_rate(len(docs), time.process_time() - t))
    sample = docs[:2000]
    t = time.process_time()
    for doc, row in zip(sample, scores, strict=False):
        if row:
            model.explain(doc, max(row, key=row.__getitem__))
    out["explain_units_per_s"] = round(_rate(len(sample), time.process_time() - t))
    out["model_blob_bytes"] = len(model.to_bytes())

    suggester = Suggester(codebook)
    suggester.fit(train_units)
    t = time.process_time()
    suggester.suggest(texts[:20000], top_k=3)
    out["suggest_units_per_s"] = round(_rate(min(20000, len(texts)), time.process_time() - t))

    if evaluate:
        t, w = time.process_time(), time.perf_counter()
        report = suggester.evaluate(units[:n_train], k=5, seed=0)
        out["evaluate_cpu_s"] = round(time.process_time() - t, 2)
        out["evaluate_wall_s"] = round(time.perf_counter() - w, 2)
        out["evaluation"] = report.to_dict()
        print(report.format_table())
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--train", type=int, default=2000)
    parser.add_argument("--no-evaluate", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    out = run(args.units, args.train, not args.no_evaluate)
    summary = {k: v for k, v in out.items() if k != "evaluation"}
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
