"""``kodebog suggest``: suggestions, training, evaluation, accepting and rejecting."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kodebog.cli.common import Command, add_project, print_json
from kodebog.errors import ProjectError
from kodebog.i18n import _, ngettext
from kodebog.i18n.formats import decimal, number

if TYPE_CHECKING:
    from kodebog.suggest.service import Decision, ModelInfo, SuggestionInfo

EVIDENCE_WIDTH = 60  # characters of evidence words shown per row


def _check(args: argparse.Namespace) -> None:
    if args.top < 1:
        raise ProjectError(_("--top {k}: give 1 or more").format(k=args.top))
    if not 0.0 <= args.min_score <= 1.0:
        raise ProjectError(_("--min-score {x}: give a score from 0 to 1").format(x=args.min_score))
    if args.folds < 2:
        raise ProjectError(_("--folds {n}: cross-validation needs 2 or more folds")
                           .format(n=args.folds))
    modes = [
        f"--{name}"
        for name in ("evaluate", "train", "accept", "reject")
        if getattr(args, name) is not None and getattr(args, name) is not False
    ]
    if modes and (args.source or args.code):
        raise ProjectError(
            _("--source and --code choose what to suggest; leave them out with {option}")
            .format(option=modes[0])
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
    _follow_codebook(store, coder)
    found = service.suggest_for_units(store, coder, unit_ids, args.top, args.min_score)
    wanted = set(args.code or ())
    rows = [s for u in unit_ids for s in found.get(u, []) if not wanted or s.code in wanted]
    if args.json:
        print_json([s.to_dict() for s in rows])
        return 0
    print(format_suggestions(rows))
    units = len({s.unit_id for s in rows})
    print("\n" + ngettext(
        "{n} suggestion for {units} of {total} units (coder {coder}).",
        "{n} suggestions for {units} of {total} units (coder {coder}).", len(rows),
    ).format(n=number(len(rows)), units=number(units), total=number(len(unit_ids)),
             coder=coder) + " " + _("Accept one with `kodebog suggest PROJECT --accept ID`."))
    if any(s.low for s in rows):
        print(_("? after a score: low confidence (shown so that a right code is not hidden)"))
    return 0


def _follow_codebook(store: Any, coder: str) -> None:
    """Train the coder's model again first when the codebook's codes changed since (a merge
    or split with ``kodebog code``), and say so on stderr."""
    from kodebog.suggest.cache import store_key
    from kodebog.suggest.follow import follow_codebook, model_behind

    with store.read() as session:
        behind = model_behind(session, coder, store_key(store))
    if behind:
        print(_("the codebook changed since {coder}'s model was trained; training it "
                "again ...").format(coder=coder), file=sys.stderr)
        follow_codebook(store, coder)


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
        print(_("semantic tier: embedding up to {n} units first (once; about {seconds} s) ...")
              .format(n=number(missing), seconds=number(missing // 20 + 1)), file=sys.stderr)


def format_suggestions(rows: Sequence[SuggestionInfo]) -> str:
    """A plain-text table: id, source, unit, code, score, tier and the evidence (the words
    that matched, or the nearest example or coded passage: ``ligner: «…»``)."""
    from kodebog.suggest.semantic_state import quote

    if not rows:
        return _("no suggestions")
    source, unit, code, score_head, tier, evidence = (
        _("source"), _("unit"), _("code"), _("score"), _("tier"), _("evidence"))
    source_w = max(len(source), *(len(s.source) for s in rows))
    code_w = max(len(code), *(len(s.code) for s in rows))
    tier_w = max(len(tier), 7, *(len(s.tier) for s in rows))
    lines = [
        f"{'id':>6}  {source:<{source_w}} {unit:>5}  {code:<{code_w}} {score_head:>6}  "
        f"{tier:<{tier_w}}  {evidence}"
    ]
    for s in rows:
        words = ", ".join(f"«{w}»" for w in s.words)
        if not words and s.similar:
            words = quote(s.similar, EVIDENCE_WIDTH - 10)
        if len(words) > EVIDENCE_WIDTH:
            words = words[: EVIDENCE_WIDTH - 1] + "…"
        score = f"{decimal(s.score, 2)}{'?' if s.low else ' '}"
        lines.append(
            f"{s.id:>6}  {s.source:<{source_w}} {s.unit:>5}  {s.code:<{code_w}} "
            f"{score:>6}  {s.tier:<{tier_w}}  {words}"
        )
    return "\n".join(lines)


def _evaluate(store: Any, coder: str, args: argparse.Namespace) -> int:
    from kodebog.suggest import service

    print(ngettext("cross-validating on {coder}'s codings ({n} fold) ...",
                   "cross-validating on {coder}'s codings ({n} folds) ...", args.folds)
          .format(coder=coder, n=number(args.folds)), file=sys.stderr)

    def progress(done: int, total: int) -> None:
        line = _("semantic tier: embedded {done}/{total} units").format(
            done=number(done), total=number(total))
        print("\r" + line, end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)

    report = service.evaluate(store, coder, folds=args.folds, progress=progress)
    if args.json:
        print_json({"coder": coder, **report.to_dict()})
    else:
        print(_("coder {coder}").format(coder=coder))
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
        _("model {id} for {coder}: trained on {coded} coded units, {rejected} rejected "
          "suggestions and {examples} codebook examples in {seconds} s").format(
            id=info.id, coder=info.coder, coded=number(info.n_coded),
            rejected=number(info.n_rejected), examples=number(info.n_examples),
            seconds=decimal(info.seconds, 1)),
        ngettext("learned {n} code: {codes}", "learned {n} codes: {codes}", len(info.codes))
        .format(n=number(len(info.codes)), codes=", ".join(
            f"{c} ({number(info.positives.get(c, 0))})" for c in info.codes)),
    ]
    if info.skipped:
        lines.append(_("too few units to learn: {codes}").format(codes=", ".join(
            f"{c} ({number(n)})" for c, n in sorted(info.skipped.items()))))
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
        status = _("accepted") if decision.status == "accepted" else _("rejected")
        print(_("suggestion {id} was already {status}").format(
            id=decision.suggestion_id, status=status))
    elif verb == "accept":
        print(_("accepted suggestion {id}: {code} on {source} unit {unit} (coding {codings})")
              .format(id=decision.suggestion_id, code=decision.code, source=decision.source,
                      unit=decision.unit, codings=", ".join(map(str, decision.coding_ids))))
    else:
        print(_("rejected suggestion {id}: {code} on {source} unit {unit}; it will not be "
                "suggested there again").format(
            id=decision.suggestion_id, code=decision.code, source=decision.source,
            unit=decision.unit))
    return 0


def register(command: Command) -> None:
    """Add ``suggest``."""
    sub = command(
        "suggest",
        cmd_suggest,
        _("suggest codes for units from the codebook's keywords and a model of your codings "
          "(never applies them); or --train, --evaluate, --accept, --reject"),
    )
    add_project(sub)
    sub.add_argument(
        "--source",
        action="append",
        metavar="S",
        help=_("only units of this source (repeat; default: all sources)"),
    )
    sub.add_argument(
        "--code", action="append", metavar="C", help=_("only suggestions of this code (repeat)")
    )
    sub.add_argument(
        "--min-score",
        type=float,
        default=0.0,
        metavar="X",
        help=_("only suggestions scoring at least X (0-1; 0.1 is always the floor)"),
    )
    sub.add_argument(
        "--top", type=int, default=3, metavar="K",
        help=_("at most K suggestions per unit (default 3)"),
    )
    sub.add_argument(
        "--coder", help=_("whose codings to learn from and suggest for (default: you)")
    )
    sub.add_argument("--json", action="store_true", help=_("print JSON"))
    mode = sub.add_mutually_exclusive_group()
    mode.add_argument(
        "--evaluate",
        action="store_true",
        help=_("cross-validate on the coder's codings: precision, recall and F1 "
        "per code and tier, top-K hit rate, learning curve"),
    )
    mode.add_argument(
        "--train",
        action="store_true",
        help=_("train on the coder's codings and rejections and store the model"),
    )
    mode.add_argument(
        "--accept", type=int, metavar="ID",
        help=_("accept suggestion ID: apply its code to its unit"),
    )
    mode.add_argument(
        "--reject",
        type=int,
        metavar="ID",
        help=_("reject suggestion ID: never suggest that code for that unit again"),
    )
    sub.add_argument(
        "--folds",
        type=int,
        default=5,
        metavar="N",
        help=_("--evaluate: number of cross-validation folds (default 5)"),
    )
