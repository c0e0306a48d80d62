"""The report's structure, shared by Word, Markdown and HTML: overview, method, themes, advice.

Interviewers are left out of every denominator (their turns are questions, not evidence). In
publication mode quotes are attributed by role only, citation ids move to an appendix, and
groups smaller than the threshold (and single-person roles) are hidden from tables and charts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

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
    plural,
)
from kodebog.export.facts import Facts
from kodebog.export.labels import (
    VALENCE_HEADINGS,
    attribute_label,
    role_plural,
)
from kodebog.findings import ROLE, Findings, GroupCount, GroupTotal, Quote, Theme

INTERVIEWER = "interviewer"
_KIND_WORDS = {"focus_group": ("fokusgruppe", "fokusgrupper"),
               "interview": ("interview", "interview"),
               "survey": ("spørgeskema", "spørgeskemaer"),
               "document": ("dokument", "dokumenter")}


@dataclass(frozen=True)
class ReportOptions:
    """How to shape the report: publication mode, its group threshold, memos appendix."""

    publish: bool = False
    threshold: int = 5
    memos: bool = False


def decimal(value: float | None) -> str:
    """``0,72`` (Danish decimal comma); ``–`` when there is no value."""
    return "–" if value is None else f"{value:.2f}".replace(".", ",")


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
        where = _KIND_WORDS.get(kind, ("", ""))[0]
        role = quote.role if quote.role in self.public_roles else "deltager"
        return QuoteBlock(quote.display, f"— {role}" + (f", {where}" if where else "")
                          + f" (citat {number})")

    # --- sections ----------------------------------------------------------------------------

    def blocks(self) -> Iterator[Block]:
        yield Contents()
        yield from self.overview()
        yield from self.method()
        yield Heading("Temaer", 1)
        for theme in self.findings.themes:
            yield from self.theme(theme)
        yield from self.recommendations()
        yield from self.appendices()

    def overview(self) -> Iterator[Block]:
        yield Heading("Overblik", 1)
        people = self.counts.people
        yield Paragraph(
            f"Tabellen viser, hvor stor en andel af deltagerne der har givet udtryk for hvert "
            f"tema, i alt og efter rolle ({plural(people, 'deltager', 'deltagere')}; "
            "interviewere tæller ikke med).")
        roles = self.roles()
        header = ("Tema", f"Alle (n = {people})",
                  *[f"{r.value.capitalize()} (n = {r.participants})" for r in roles])
        rows = []
        for theme in self.findings.themes:
            with_theme, _units = self.counts.theme(theme)
            by_role = {g.value: g for g in theme.groups if g.dimension == ROLE}
            cells = [f"{percent(with_theme, people)} ({with_theme})"]
            for role in roles:
                found = by_role.get(role.value)
                n = found.participants if found else 0
                cells.append(f"{percent(n, role.participants)} ({n})")
            rows.append((theme.code.label, *cells))
        yield Table(header, tuple(rows), (False, *[True] * (len(header) - 1)),
                    caption="Andel af deltagerne med temaet (antal deltagere i parentes)")
        series = [Series("Alle", tuple(self.counts.theme(t)[0] / people if people else 0.0
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
            series.append(Series(role.value.capitalize(), tuple(values)))
        yield Chart("Andel af deltagerne, der nævner temaet",
                    tuple(t.code.label for t in self.findings.themes), tuple(series),
                    note=f"Interviewere og roller med færre end {self.options.threshold} "
                    "deltagere er ikke med i figuren.")

    def method(self) -> Iterator[Block]:
        scope = self.findings.scope
        yield Heading("Metode og datagrundlag", 1)
        kinds: dict[str, int] = {}
        for source in scope.sources:
            kinds[source.kind] = kinds.get(source.kind, 0) + 1
        parts = [plural(n, *_KIND_WORDS.get(kind, (kind, kind))) for kind, n in kinds.items()]
        yield Paragraph(f"Analysen bygger på {plural(len(scope.sources), 'kilde', 'kilder')}"
                        + (f": {join(parts)}" if parts else "") + f", i alt "
                        f"{plural(self.counts.units, 'udsagn', 'udsagn')} fra "
                        f"{plural(self.counts.people, 'deltager', 'deltagere')}.")
        role_totals = [g for g in scope.groups if g.dimension == ROLE]
        known = [role_plural(g.value, g.participants) for g in role_totals
                 if g.value != INTERVIEWER]
        interviewers = next((g for g in role_totals if g.value == INTERVIEWER), None)
        if known:
            yield Paragraph(
                f"Deltagerne er {join(known)}."
                + (f" {plural(interviewers.participants, 'interviewer', 'interviewere')} "
                   "stillede spørgsmålene; de tæller ikke med i nogen andel."
                   if interviewers else " Interviewere tæller ikke med i nogen andel."))
        for survey in self.facts.surveys:
            if survey.respondents is not None and survey.answered is not None:
                yield Paragraph(
                    f"Spørgeskemaets kommentarspor ({survey.source.replace('_', ' ')}): "
                    f"{survey.answered} af {survey.respondents} respondenter skrev en "
                    "kommentar.")
        yield from self.attributes()
        yield from self.coders()
        hidden = self.hidden_groups()
        if self.options.publish:
            yield Paragraph(
                f"Af hensyn til deltagernes anonymitet vises grupper med færre end "
                f"{self.minimum} deltagere ikke i tabeller og figurer"
                + (f" (her {join([self.group_name(g) for g in hidden])})" if hidden else "")
                + ". Citater gengives kun med deltagerens rolle; henvisningerne til kilderne "
                "står i bilaget.")
        scope_filter = self.filter_text()
        if scope_filter:
            yield Paragraph(f"Udvalg: {scope_filter}.")

    def group_name(self, group: GroupTotal | GroupCount) -> str:
        return f"{attribute_label(group.dimension).lower()} {group.value}"

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
        parts = [f"{join(names)} for {n} af {self.counts.people}"
                 for n, names in by_count.items()]
        yield Paragraph("Baggrundsoplysninger kendes for en del af deltagerne: "
                        + "; ".join(parts) + " deltagere.")

    def coders(self) -> Iterator[Block]:
        scope = self.findings.scope
        coders = list(self.facts.agreement_coders) or [c for c in scope.coders]
        if not coders:
            yield Paragraph("Intet er kodet endnu.")
            return
        text = f"Materialet er kodet af {join(coders)}."
        if scope.agreed is not None:
            from kodebog.agreed import RULE_DA

            open_disputes = len(scope.agreed.unsettled)
            text += " " + RULE_DA + (
                f" {plural(open_disputes, 'uenighed', 'uenigheder')} er endnu ikke afgjort."
                if open_disputes else " Alle uenigheder er afgjort.")
        elif scope.filters.coder:
            text += f" Tallene bygger kun på {scope.filters.coder}s kodning."
        elif len(coders) > 1:
            text += (" Tallene bygger på alle kodéres kodninger (et udsagn tæller én gang pr. "
                     "tema).")
        yield Paragraph(text)
        if self.facts.agreement:
            units = max((a.units for a in self.facts.agreement), default=0)
            yield Paragraph(
                f"Kodérnes enighed er målt på de {units} udsagn, som de alle har kodet: "
                "Cohens κ (for to kodere) og Krippendorffs α pr. tema. Værdier over 0,80 regnes "
                "for høj enighed, 0,67-0,80 for acceptabel.")
            yield Table(("Tema", "Udsagn", "κ", "α"),
                        tuple((a.label, str(a.units), decimal(a.kappa), decimal(a.alpha))
                              for a in self.facts.agreement),
                        (False, True, True, True), caption="Enighed mellem kodérne")

    def filter_text(self) -> str:
        filters = self.findings.scope.filters
        parts = []
        if filters.sources:
            parts.append("kilderne " + join([s.replace("_", " ") for s in filters.sources]))
        if filters.codes:
            labels = {t.code.id: t.code.label for t in self.findings.themes}
            parts.append("temaerne " + join([labels.get(c, c) for c in filters.codes]))
        if filters.where:
            parts.append("deltagere med " + join(
                [f"{attribute_label(k).lower()} {v}" for k, v in filters.where.items()]))
        return "; ".join(parts)

    def prevalence(self, theme: Theme) -> str:
        people, units = self.counts.theme(theme)
        if theme.units == 0:
            return "Temaet er ikke kodet i det valgte materiale."
        return (f"{people} af {plural(self.counts.people, 'deltager', 'deltagere')} "
                f"({percent(people, self.counts.people)}) giver udtryk for temaet, i "
                f"{plural(units, 'udsagn', 'udsagn')} fra {theme.sources} af "
                f"{plural(len(self.findings.scope.sources), 'kilde', 'kilder')}.")

    def group_table(self, theme: Theme) -> Iterator[Block]:
        rows = [g for g in theme.groups if self.shown(g)
                and (g.participants or g.dimension == ROLE)]
        if not rows:
            return
        yield Table(
            ("Gruppe", "Deltagere med temaet", "Andel", "Udsagn"),
            tuple((f"{attribute_label(g.dimension)}: {g.value}",
                   f"{g.participants} af {g.participants_total}",
                   percent(g.participants, g.participants_total), str(g.units))
                  for g in rows),
            (False, True, True, True),
            caption="Grupper, hvor temaet ikke forekommer, er udeladt (rollerne vises altid)."
            + (f" Grupper med færre end {self.minimum} deltagere vises ikke."
               if self.options.publish else ""))

    def theme(self, theme: Theme) -> Iterator[Block]:
        yield Heading(theme.code.label, min(theme.code.depth + 2, 4), anchor=theme.code.id)
        if theme.statement is not None and theme.statement.text.strip():
            for block in theme.statement.text.strip().split("\n\n"):
                if block.strip():
                    yield Paragraph(block.strip())
        else:
            yield Paragraph(NO_STATEMENT, note=True)
        yield Paragraph(self.prevalence(theme))
        yield from self.group_table(theme)
        level = min(theme.code.depth + 3, 5)
        for side in theme.sides:
            yield Heading(VALENCE_HEADINGS[side.valence], level)
            if not side.units:
                yield Paragraph("Ingen udsagn om temaet er kodet sådan.", note=True)
                continue
            yield Paragraph(f"{plural(side.participants, 'deltager', 'deltagere')} i "
                            f"{plural(side.units, 'udsagn', 'udsagn')}.")
            for quote in side.quotes:
                yield self.quote(quote)
        shown_elsewhere = {q.coding_id for side in theme.sides for q in side.quotes}
        rest = [q for q in theme.quotes if q.coding_id not in shown_elsewhere]
        if rest:
            if theme.sides:
                yield Heading("Flere citater", level)
            for quote in rest:
                yield self.quote(quote)
        if theme.key_quotes_left_out:
            yield Paragraph(f"{plural(theme.key_quotes_left_out, 'nøglecitat', 'nøglecitater')}"
                            " er udeladt her (vælg flere med --quotes).", note=True)
        if co := theme.co_occurring[:CO_OCCURRING_SHOWN]:
            yield Paragraph("Optræder oftest sammen med: " + ", ".join(
                f"{c.label} ({plural(c.units, 'udsagn', 'udsagn')})" for c in co) + ".",
                note=True)
        numbers = self.recommended.get(theme.code.id)
        if numbers:
            yield Paragraph(f"Se {'anbefaling' if len(numbers) == 1 else 'anbefalingerne'} "
                            f"{join([str(n) for n in numbers])}.", note=True)

    def recommendations(self) -> Iterator[Block]:
        yield Heading("Anbefalinger", 1)
        if not self.facts.recommendations:
            yield Paragraph("Ingen anbefalinger skrevet endnu; skriv dem med `kodebog "
                            "recommendation add PROJEKT --title ...`.", note=True)
            return
        labels = {t.code.id: t.code.label for t in self.findings.themes}
        for rec in self.facts.recommendations:
            yield Heading(f"Anbefaling {rec.number}: {rec.title}", 2)
            for block in rec.text.split("\n\n"):
                if block.strip():
                    yield Paragraph(block.strip())
            themes = [labels[c] for c in rec.codes if c in labels]
            if themes:
                yield Paragraph(f"Svarer på: {join(themes)}.", note=True)

    def appendices(self) -> Iterator[Block]:
        yield Heading("Bilag: Temaernes definitioner", 1)
        for theme in self.findings.themes:
            text = " ".join(definition_lines(theme)) or "Ingen definition."
            yield Paragraph(self.labelled(text), lead=theme.code.label)
        if self.citations:
            yield Heading("Bilag: Henvisninger til citaterne", 1)
            yield Table(("Citat", "Kilde", "Udsagn"),
                        tuple((str(n), q.source.replace("_", " "), str(q.unit))
                              for n, q in self.citations),
                        (True, False, True))
        if self.options.memos:
            yield Heading("Bilag: Analytikernes memoer", 1)
            if not self.facts.memos:
                yield Paragraph("Ingen memoer i det valgte materiale.", note=True)
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
    subtitle = "Rapport fra en kvalitativ analyse"
    return Report(findings.title, subtitle, findings.title, blocks, quotes,
                  len(findings.themes), options.publish)

