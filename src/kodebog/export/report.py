"""The report's structure, shared by Word, Markdown and HTML: overview, method, themes, advice.

Interviewers are left out of every denominator (their turns are questions, not evidence). In
publication mode quotes are attributed by role only, citation ids move to an appendix, and
groups smaller than the threshold (and single-person roles) are hidden from tables and charts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kodebog.export import language as speech
from kodebog.export.blocks import (
    Block,
    Bullets,
    Chart,
    Contents,
    Heading,
    Paragraph,
    QuoteBlock,
    Report,
    Series,
    Table,
)
from kodebog.export.common import (
    CO_OCCURRING_SHOWN,
    NO_STATEMENT,
    definition_lines,
    join,
    percent,
)
from kodebog.export.facts import Facts
from kodebog.export.labels import (
    attribute_label,
    group_label,
    group_value,
    kind_count,
    kind_name,
    role_name,
    role_plural,
    valence_heading,
)
from kodebog.export.language import _, ngettext, number, translate
from kodebog.findings import ROLE, Findings, GroupCount, GroupTotal, Quote, Theme

INTERVIEWER = "interviewer"


def participants(count: int) -> str:
    """``12 deltagere`` / ``12 participants``."""
    return ngettext("{n} participant", "{n} participants", count).format(n=number(count))


def statements(count: int) -> str:
    """``1 udsagn`` / ``1 statement``."""
    return ngettext("{n} statement", "{n} statements", count).format(n=number(count))


def sources(count: int) -> str:
    """``5 kilder`` / ``5 sources``."""
    return ngettext("{n} source", "{n} sources", count).format(n=number(count))


@dataclass(frozen=True)
class ReportOptions:
    """How to shape the report: publication mode, its group threshold, memos appendix."""

    publish: bool = False
    threshold: int = 5
    memos: bool = False


def decimal(value: float | None) -> str:
    """``0,72`` (``0.72`` in English); ``–`` when there is no value."""
    return "–" if value is None else speech.decimal(value, 2)


class _Counts:
    """Scope and theme counts with interviewers left out."""

    def __init__(self, findings: Findings) -> None:
        interviewer = self._interviewer(findings.scope.groups)
        self.people = findings.scope.participants - (interviewer.participants
                                                     if interviewer else 0)
        self.units = findings.scope.units - (interviewer.units if interviewer else 0)

    @staticmethod
    def _interviewer(groups: Sequence[GroupTotal | GroupCount]) -> GroupTotal | GroupCount | None:
        return next((g for g in groups if g.dimension == ROLE and g.value == INTERVIEWER), None)

    def theme(self, theme: Theme) -> tuple[int, int]:
        """(participants, units) of a theme, interviewers left out."""
        interviewer = self._interviewer(theme.groups)
        if interviewer is None:
            return theme.participants, theme.units
        return theme.participants - interviewer.participants, theme.units - interviewer.units


class _Builder:
    """Builds the blocks of one report."""

    def __init__(self, findings: Findings, facts: Facts, options: ReportOptions) -> None:
        self.findings = findings
        self.facts = facts
        self.options = options
        self.counts = _Counts(findings)
        self.minimum = max(options.threshold, 2) if options.publish else 1
        self.citations: list[tuple[int, Quote]] = []
        self.public_roles = {g.value for g in findings.scope.groups
                             if g.dimension == ROLE and g.participants >= self.minimum}
        """Roles a quote may name (in publication mode a role of few people is not named)."""
        self._labels = {c.id: c.label for c in (t.code for t in findings.themes)}
        self._ids = re.compile(r"\b(" + "|".join(
            map(re.escape, sorted(self._labels, key=len, reverse=True))) + r")\b"
        ) if self._labels else None
        self.recommended: dict[str, list[int]] = {}
        for rec in facts.recommendations:
            for code in rec.codes:
                self.recommended.setdefault(code, []).append(rec.number)

    # --- groups ------------------------------------------------------------------------------

    def shown(self, total: GroupTotal | GroupCount) -> bool:
        """Whether a group may appear in tables and charts."""
        people = total.participants if isinstance(total, GroupTotal) else total.participants_total
        if total.dimension == ROLE and total.value == INTERVIEWER:
            return False
        return people >= self.minimum

    def hidden_groups(self) -> list[GroupTotal]:
        """The groups the threshold hides (publication mode)."""
        return [g for g in self.findings.scope.groups
                if not (g.dimension == ROLE and g.value == INTERVIEWER) and not self.shown(g)]

    def roles(self) -> list[GroupTotal]:
        """The role groups shown in the overview, in the usual order."""
        return [g for g in self.findings.scope.groups if g.dimension == ROLE and self.shown(g)]

    # --- quotes ------------------------------------------------------------------------------

    def quote(self, quote: Quote) -> QuoteBlock:
        """A quote attributed in full, or by role only with a number (publication)."""
        if not self.options.publish:
            return QuoteBlock(quote.display, f"{quote.attribution} · {quote.citation}")
        number = len(self.citations) + 1
        self.citations.append((number, quote))
        kind = next((s.kind for s in self.findings.scope.sources if s.name == quote.source), "")
        where = kind_name(kind)
        role = (role_name(quote.role) if quote.role and quote.role in self.public_roles
                else _("participant"))
        return QuoteBlock(quote.display, f"— {role}" + (f", {where}" if where else "")
                          + " " + _("(quote {number})").format(number=number))

    # --- sections ----------------------------------------------------------------------------

    def blocks(self) -> Iterator[Block]:
        yield Contents()
        yield from self.overview()
        yield from self.method()
        yield Heading(_("Themes"), 1)
        for theme in self.findings.themes:
            yield from self.theme(theme)
        yield from self.recommendations()
        yield from self.appendices()

    def overview(self) -> Iterator[Block]:
        yield Heading(_("Overview"), 1)
        people = self.counts.people
        yield Paragraph(_(
            "The table shows the share of the participants who expressed each theme, in all "
            "and by role ({participants}; interviewers are not counted).").format(
                participants=participants(people)))
        roles = self.roles()
        header = (_("Theme"), _("All (n = {n})").format(n=number(people)),
                  *[f"{role_name(r.value).capitalize()} (n = {number(r.participants)})"
                    for r in roles])
        rows = []
        for theme in self.findings.themes:
            with_theme, _units = self.counts.theme(theme)
            by_role = {g.value: g for g in theme.groups if g.dimension == ROLE}
            cells = [f"{percent(with_theme, people)} ({number(with_theme)})"]
            for role in roles:
                found = by_role.get(role.value)
                n = found.participants if found else 0
                cells.append(f"{percent(n, role.participants)} ({number(n)})")
            rows.append((theme.code.label, *cells))
        yield Table(header, tuple(rows), (False, *[True] * (len(header) - 1)),
                    caption=_("Share of the participants with the theme (number of "
                              "participants in brackets)"))
        series = [Series(_("All"), tuple(self.counts.theme(t)[0] / people if people else 0.0
                                       for t in self.findings.themes))]
        for role in roles:
            if role.participants < self.options.threshold:
                continue  # a bar for one or two people says nothing (the table has them)
            values = []
            for theme in self.findings.themes:
                found = next((g for g in theme.groups
                              if g.dimension == ROLE and g.value == role.value), None)
                values.append(found.participants / role.participants
                              if found and role.participants else 0.0)
            series.append(Series(role_name(role.value).capitalize(), tuple(values)))
        yield Chart(_("Share of the participants who mention the theme"),
                    tuple(t.code.label for t in self.findings.themes), tuple(series),
                    note=_("Interviewers and roles with fewer than {n} participants are not in "
                           "the figure.").format(n=number(self.options.threshold)))

    def method(self) -> Iterator[Block]:
        scope = self.findings.scope
        yield Heading(_("Method and data"), 1)
        kinds: dict[str, int] = {}
        for source in scope.sources:
            kinds[source.kind] = kinds.get(source.kind, 0) + 1
        parts = [kind_count(kind, n) for kind, n in kinds.items()]
        basis = (_("The analysis is based on {sources}: {kinds}, in all {statements} from "
                   "{participants}.") if parts else
                 _("The analysis is based on {sources}, in all {statements} from "
                   "{participants}."))
        yield Paragraph(basis.format(sources=sources(len(scope.sources)), kinds=join(parts),
                                     statements=statements(self.counts.units),
                                     participants=participants(self.counts.people)))
        role_totals = [g for g in scope.groups if g.dimension == ROLE]
        known = [role_plural(g.value, g.participants) for g in role_totals
                 if g.value != INTERVIEWER]
        interviewers = next((g for g in role_totals if g.value == INTERVIEWER), None)
        if known:
            asked = (ngettext("{n} interviewer asked the questions; they are not counted in any "
                              "share.", "{n} interviewers asked the questions; they are not "
                              "counted in any share.", interviewers.participants).format(
                                  n=number(interviewers.participants))
                     if interviewers else _("Interviewers are not counted in any share."))
            yield Paragraph(_("The participants are {roles}.").format(roles=join(known))
                            + " " + asked)
        for survey in self.facts.surveys:
            if survey.respondents is not None and survey.answered is not None:
                yield Paragraph(_(
                    "The survey's comment field ({survey}): {answered} of {respondents} "
                    "respondents wrote a comment.").format(
                        survey=survey.source.replace("_", " "),
                        answered=number(survey.answered),
                        respondents=number(survey.respondents)))
        yield from self.attributes()
        yield from self.coders()
        hidden = self.hidden_groups()
        if self.options.publish:
            anonymity = (_(
                "To protect the participants' anonymity, groups with fewer than {n} "
                "participants are not shown in tables and figures (here {groups}). Quotes give "
                "only the participant's role; the references to the sources are in the "
                "appendix.") if hidden else _(
                "To protect the participants' anonymity, groups with fewer than {n} "
                "participants are not shown in tables and figures. Quotes give only the "
                "participant's role; the references to the sources are in the appendix."))
            yield Paragraph(anonymity.format(
                n=number(self.minimum), groups=join([self.group_name(g) for g in hidden])))
        scope_filter = self.filter_text()
        if scope_filter:
            yield Paragraph(_("Selection: {selection}.").format(selection=scope_filter))

    def group_name(self, group: GroupTotal | GroupCount) -> str:
        return (f"{attribute_label(group.dimension).lower()} "
                f"{group_value(group.dimension, group.value)}")

    def attributes(self) -> Iterator[Block]:
        scope = self.findings.scope
        people_with: dict[str, int] = {}
        for g in scope.groups:
            if g.dimension != ROLE:
                people_with[g.dimension] = people_with.get(g.dimension, 0) + g.participants
        if not people_with:
            return
        by_count: dict[int, list[str]] = {}
        for dim, n in people_with.items():
            by_count.setdefault(n, []).append(attribute_label(dim).lower())
        parts = [_("{attributes} for {n} of {total}").format(
            attributes=join(names), n=number(n), total=number(self.counts.people))
            for n, names in by_count.items()]
        yield Paragraph(_("Background information is known for some of the participants: "
                          "{parts} participants.").format(parts="; ".join(parts)))

    def coders(self) -> Iterator[Block]:
        scope = self.findings.scope
        coders = list(self.facts.agreement_coders) or [c for c in scope.coders]
        if not coders:
            yield Paragraph(_("Nothing is coded yet."))
            return
        text = _("The material is coded by {coders}.").format(coders=join(coders))
        if scope.agreed is not None:
            open_disputes = len(scope.agreed.unsettled)
            text += " " + _(
                "The analysis builds on the agreed coding: where the coders agree, their "
                "coding; where they disagreed and the disagreement is settled, the decision; "
                "material that only one coder has read, with that coder's coding. Unsettled "
                "disagreements are not counted.") + " " + (ngettext(
                    "{n} disagreement is not settled yet.",
                    "{n} disagreements are not settled yet.", open_disputes).format(
                        n=number(open_disputes))
                if open_disputes else _("All disagreements are settled."))
        elif scope.filters.coder:
            text += " " + _("The numbers build on {coder}'s coding only.").format(
                coder=scope.filters.coder)
        elif len(coders) > 1:
            text += " " + _("The numbers build on every coder's codings (a statement counts "
                            "once per theme).")
        yield Paragraph(text)
        if self.facts.agreement:
            units = max((a.units for a in self.facts.agreement), default=0)
            yield Paragraph(_(
                "The coders' agreement is measured on the {n} statements they have all coded: "
                "Cohen's κ (for two coders) and Krippendorff's α per theme. Values above {high} "
                "count as high agreement, {low}-{high} as acceptable.").format(
                    n=number(units), high=decimal(0.80), low=decimal(0.67)))
            yield Table((_("Theme"), _("Statements"), "κ", "α"),
                        tuple((a.label, number(a.units), decimal(a.kappa), decimal(a.alpha))
                              for a in self.facts.agreement),
                        (False, True, True, True), caption=_("Agreement between the coders"))

    def filter_text(self) -> str:
        filters = self.findings.scope.filters
        parts = []
        if filters.sources:
            parts.append(_("the sources {sources}").format(
                sources=join([s.replace("_", " ") for s in filters.sources])))
        if filters.codes:
            labels = {t.code.id: t.code.label for t in self.findings.themes}
            parts.append(_("the themes {themes}").format(
                themes=join([labels.get(c, c) for c in filters.codes])))
        if filters.where:
            parts.append(_("participants with {attributes}").format(attributes=join(
                [f"{attribute_label(k).lower()} {v}" for k, v in filters.where.items()])))
        return "; ".join(parts)

    def prevalence(self, theme: Theme) -> str:
        people, units = self.counts.theme(theme)
        if theme.units == 0:
            return _("The theme is not coded in the chosen material.")
        return _("{people} of {participants} ({percent}) express the theme, in {statements} "
                 "from {sources} of {all_sources}.").format(
                     people=number(people), participants=participants(self.counts.people),
                     percent=percent(people, self.counts.people),
                     statements=statements(units), sources=number(theme.sources),
                     all_sources=sources(len(self.findings.scope.sources)))

    def group_table(self, theme: Theme) -> Iterator[Block]:
        rows = [g for g in theme.groups if self.shown(g)
                and (g.participants or g.dimension == ROLE)]
        if not rows:
            return
        yield Table(
            (_("Group"), _("Participants with the theme"), _("Share"), _("Statements")),
            tuple((group_label(g.dimension, g.value),
                   _("{n} of {total}").format(n=number(g.participants),
                                              total=number(g.participants_total)),
                   percent(g.participants, g.participants_total), number(g.units))
                  for g in rows),
            (False, True, True, True),
            caption=_("Groups where the theme does not occur are left out (the roles are "
                      "always shown).")
            + (" " + _("Groups with fewer than {n} participants are not shown.").format(
                n=number(self.minimum)) if self.options.publish else ""))

    def theme(self, theme: Theme) -> Iterator[Block]:
        yield Heading(theme.code.label, min(theme.code.depth + 2, 4), anchor=theme.code.id)
        if theme.statement is not None and theme.statement.text.strip():
            for block in theme.statement.text.strip().split("\n\n"):
                if block.strip():
                    yield Paragraph(block.strip())
        else:
            yield Paragraph(translate(NO_STATEMENT), note=True)
        yield Paragraph(self.prevalence(theme))
        yield from self.group_table(theme)
        level = min(theme.code.depth + 3, 5)
        for side in theme.sides:
            yield Heading(valence_heading(side.valence), level)
            if not side.units:
                yield Paragraph(_("No statements on the theme are coded this way."), note=True)
                continue
            yield Paragraph(_("{participants} in {statements}.").format(
                participants=participants(side.participants),
                statements=statements(side.units)))
            for quote in side.quotes:
                yield self.quote(quote)
        shown_elsewhere = {q.coding_id for side in theme.sides for q in side.quotes}
        rest = [q for q in theme.quotes if q.coding_id not in shown_elsewhere]
        if rest:
            if theme.sides:
                yield Heading(_("More quotes"), level)
            for quote in rest:
                yield self.quote(quote)
        if theme.key_quotes_left_out:
            left_out = theme.key_quotes_left_out
            yield Paragraph(ngettext(
                "{n} key quote is left out here (choose more with --quotes).",
                "{n} key quotes are left out here (choose more with --quotes).",
                left_out).format(n=number(left_out)), note=True)
        if co := theme.co_occurring[:CO_OCCURRING_SHOWN]:
            yield Paragraph(_("Occurs most often with: {codes}.").format(codes=", ".join(
                f"{c.label} ({statements(c.units)})" for c in co)), note=True)
        numbers = self.recommended.get(theme.code.id)
        if numbers:
            yield Paragraph(ngettext("See recommendation {numbers}.",
                                     "See recommendations {numbers}.", len(numbers)).format(
                numbers=join([str(n) for n in numbers])), note=True)

    def recommendations(self) -> Iterator[Block]:
        yield Heading(_("Recommendations"), 1)
        if not self.facts.recommendations:
            yield Paragraph(_("No recommendations written yet; write them with `kodebog "
                              "recommendation add PROJECT --title ...`."), note=True)
            return
        labels = {t.code.id: t.code.label for t in self.findings.themes}
        for rec in self.facts.recommendations:
            yield Heading(_("Recommendation {number}: {title}").format(number=rec.number,
                                                                       title=rec.title), 2)
            for block in rec.text.split("\n\n"):
                if block.strip():
                    yield Paragraph(block.strip())
            themes = [labels[c] for c in rec.codes if c in labels]
            if themes:
                yield Paragraph(_("Answers: {themes}.").format(themes=join(themes)), note=True)

    def appendices(self) -> Iterator[Block]:
        yield Heading(_("Appendix: The themes' definitions"), 1)
        for theme in self.findings.themes:
            text = " ".join(definition_lines(theme)) or _("No definition.")
            yield Paragraph(self.labelled(text), lead=theme.code.label)
        if self.citations:
            yield Heading(_("Appendix: References for the quotes"), 1)
            yield Table((_("Quote"), _("Source"), _("Statement")),
                        tuple((str(n), q.source.replace("_", " "), str(q.unit))
                              for n, q in self.citations),
                        (True, False, True))
        if self.options.memos:
            yield Heading(_("Appendix: The analysts' memos"), 1)
            if not self.facts.memos:
                yield Paragraph(_("No memos in the chosen material."), note=True)
            yield Bullets(tuple(
                f"{m.citation}" + (f" ({m.theme})" if m.theme else "") + f", {m.coder}: "
                + self.labelled(" ".join(m.text.split())) for m in self.facts.memos))

    def labelled(self, text: str) -> str:
        """Code ids in analysts' text (definitions, memos) replaced by »label«."""
        if self._ids is None:
            return text
        return self._ids.sub(lambda m: f"»{self._labels[m.group(1)]}«", text)


def build_report(findings: Findings, facts: Facts, options: ReportOptions) -> Report:
    """The report's blocks, in the order every format renders them."""
    builder = _Builder(findings, facts, options)
    blocks = tuple(builder.blocks())
    quotes = sum(1 for b in blocks if isinstance(b, QuoteBlock))
    subtitle = _("Report from a qualitative analysis")
    return Report(findings.title, subtitle, findings.title, blocks, quotes,
                  len(findings.themes), options.publish)

