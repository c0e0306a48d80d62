"""``kodebog suggest``: suggestions, training, evaluation, accepting and rejecting."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kodebog.cli.common import Command, add_project, print_json
from kodebog.errors import ProjectError

if TYPE_CHECKING:
    from kodebog.suggest.service import Decision, ModelInfo, SuggestionInfo

EVIDENCE_WIDTH = 60  # characters of evidence words shown per row


def _check(args: argparse.Namespace) -> None:
    if args.top < 1:
        raise ProjectError(f"--top {args.top}: give 1 or more")
    if not 0.0 <= args.min_score <= 1.0:
        raise ProjectError(f"--min-score {args.min_score}: give a score from 0 to 1")
    if args.folds < 2:
        raise ProjectError(f"--folds {args.folds}: cross-validation needs 2 or more folds")
    modes = [
        f"--{name}"
        for name in ("evaluate", "train", "accept", "reject")
        if getattr(args, name) is not None and getattr(args, name) is not False
    ]
    if modes and (args.source or args.code):
        raise ProjectError(
            f"--source and --code choose what to suggest; leave them out with {modes[0]}"
        )


def cmd_suggest(args: argparse.Namespace) -> int:
    """Suggest, train, evaluate, accept or reject, as the options say."""
    from kodebog.settings import default_coder
    from kodebog.store import open_project

    _check(args)
    coder = args.coder or default_coder()
    store = open_project(args.project)
    try:
        if args.evaluate:
            return _evaluate(store, coder, args)
        if args.train:
            return _train(store, coder, args)
        if args.accept is not None or args.reject is not None:
            return _decide(store, coder, args)
        return _suggest(store, coder, args)
    finally:
        store.dispose()


def _suggest(store: Any, coder: str, args: argparse.Namespace) -> int:
    from kodebog.suggest import service

    with store.read() as session:
        for code in args.code or ():
            service.check_code(session, code)
        unit_ids = service.units_to_suggest(session, args.source)
    _semantic_note(store, unit_ids)
    found = service.suggest_for_units(store, coder, unit_ids, args.top, args.min_score)
    wanted = set(args.code or ())
    rows = [s for u in unit_ids for s in found.get(u, []) if not wanted or s.code in wanted]
    if args.json:
        print_json([s.to_dict() for s in rows])
        return 0
    print(format_suggestions(rows))
    print(
        f"\n{len(rows)} suggestions for {len({s.unit_id for s in rows})} of {len(unit_ids)} "
        f"units (coder {coder}). Accept one with `kodebog suggest PROJECT --accept ID`."
    )
    if any(s.low for s in rows):
        print("? after a score: low confidence (shown so that a right code is not hidden)")
    return 0


def _semantic_note(store: Any, unit_ids: Sequence[int]) -> None:
    """Say on stderr that the semantic tier is off and how to turn it on, or how many units
    it embeds before suggesting."""
    from kodebog.suggest.embeddings import embedding_state, model_name
    from kodebog.suggest.semantic_state import state_line

    off = state_line()
    if off:
        print(off, file=sys.stderr)
        return
    name = model_name()
    if name is None:
        return
    with store.read() as session:
        state = embedding_state(session, name)
    missing = state.total - state.done
    if missing > 50:
        print(f"semantic tier: embedding up to {missing} units first (once; about "
              f"{missing // 20 + 1} s) ...", file=sys.stderr)


def format_suggestions(rows: Sequence[SuggestionInfo]) -> str:
    """A plain-text table: id, source, unit, code, score, tier and the evidence (the words
    that matched, or the nearest example or coded passage: ``ligner: «…»``)."""
    from kodebog.suggest.semantic_state import quote

    if not rows:
        return "no suggestions"
    source_w = max(6, *(len(s.source) for s in rows))
    code_w = max(4, *(len(s.code) for s in rows))
    tier_w = max(7, *(len(s.tier) for s in rows))
    lines = [
        f"{'id':>6}  {'source':<{source_w}} {'unit':>5}  {'code':<{code_w}} {'score':>6}  "
        f"{'tier':<{tier_w}}  evidence"
    ]
    for s in rows:
        words = ", ".join(f"«{w}»" for w in s.words)
        if not words and s.similar:
            words = quote(s.similar, EVIDENCE_WIDTH - 10)
        if len(words) > EVIDENCE_WIDTH:
            words = words[: EVIDENCE_WIDTH - 1] + "…"
        score = f"{s.score:.2f}{'?' if s.low else ' '}"
        lines.append(
            f"{s.id:>6}  {s.source:<{source_w}} {s.unit:>5}  {s.code:<{code_w}} "
            f"{score:>6}  {s.tier:<{tier_w}}  {words}"
        )
    return "\n".join(lines)


def _evaluate(store: Any, coder: str, args: argparse.Namespace) -> int:
    from kodebog.suggest import service

    print(f"cross-validating on {coder}'s codings ({args.folds} folds) ...", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        print(f"\rsemantic tier: embedded {done}/{total} units", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)

    report = service.evaluate(store, coder, folds=args.folds, progress=progress)
    if args.json:
        print_json({"coder": coder, **report.to_dict()})
    else:
        print(f"coder {coder}")
        print(report.format_table())
    return 0


def _train(store: Any, coder: str, args: argparse.Namespace) -> int:
    from kodebog.suggest import service

    info = service.train_and_store(store, coder)
    if args.json:
        print_json(info.to_dict())
    else:
        print(format_model(info))
    return 0


def format_model(info: ModelInfo) -> str:
    """One paragraph on a stored model: what it learned and from what."""
    lines = [
        f"model {info.id} for {info.coder}: trained on {info.n_coded} coded units, "
        f"{info.n_rejected} rejected suggestions and {info.n_examples} codebook examples "
        f"in {info.seconds:.1f} s",
        f"learned {len(info.codes)} codes: "
        + ", ".join(f"{c} ({info.positives.get(c, 0)})" for c in info.codes),
    ]
    if info.skipped:
        lines.append(
            "too few units to learn: "
            + ", ".join(f"{c} ({n})" for c, n in sorted(info.skipped.items()))
        )
    return "\n".join(lines)


def _decide(store: Any, coder: str, args: argparse.Namespace) -> int:
    from kodebog.suggest import service

    decision: Decision
    if args.accept is not None:
        decision = service.accept(store, coder, args.accept)
    else:
        decision = service.reject(store, coder, args.reject)
    if args.json:
        print_json(decision.to_dict())
        return 0
    verb = "accept" if args.accept is not None else "reject"
    if decision.event_id is None:
        print(f"suggestion {decision.suggestion_id} was already {decision.status}")
    elif verb == "accept":
        print(
            f"accepted suggestion {decision.suggestion_id}: {decision.code} on "
            f"{decision.source} unit {decision.unit} "
            f"(coding {', '.join(map(str, decision.coding_ids))})"
        )
    else:
        print(
            f"rejected suggestion {decision.suggestion_id}: {decision.code} on "
            f"{decision.source} unit {decision.unit}; it will not be suggested there again"
        )
    return 0


def register(command: Command) -> None:
    """Add ``suggest``."""
    sub = command(
        "suggest",
        cmd_suggest,
        "suggest codes for units from the codebook's keywords and a model of your codings "
        "(never applies them); or --train, --evaluate, --accept, --reject",
    )
    add_project(sub)
    sub.add_argument(
        "--source",
        action="append",
        metavar="S",
        help="only units of this source (repeat; default: all sources)",
    )
    sub.add_argument(
        "--code", action="append", metavar="C", help="only suggestions of this code (repeat)"
    )
    sub.add_argument(
        "--min-score",
        type=float,
        default=0.0,
        metavar="X",
        help="only suggestions scoring at least X (0-1; 0.1 is always the floor)",
    )
    sub.add_argument(
        "--top", type=int, default=3, metavar="K", help="at most K suggestions per unit (default 3)"
    )
    sub.add_argument("--coder", help="whose codings to learn from and suggest for (default: you)")
    sub.add_argument("--json", action="store_true", help="print JSON")
    mode = sub.add_mutually_exclusive_group()
    mode.add_argument(
        "--evaluate",
        action="store_true",
        help="cross-validate on the coder's codings: precision, recall and F1 "
        "per code and tier, top-K hit rate, learning curve",
    )
    mode.add_argument(
        "--train",
        action="store_true",
        help="train on the coder's codings and rejections and store the model",
    )
    mode.add_argument(
        "--accept", type=int, metavar="ID", help="accept suggestion ID: apply its code to its unit"
    )
    mode.add_argument(
        "--reject",
        type=int,
        metavar="ID",
        help="reject suggestion ID: never suggest that code for that unit again",
    )
    sub.add_argument(
        "--folds",
        type=int,
        default=5,
        metavar="N",
        help="--evaluate: number of cross-validation folds (default 5)",
    )
