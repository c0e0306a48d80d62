"""Findings as one self-contained HTML page: inline CSS and SVG charts, no external assets."""

from __future__ import annotations

from html import escape
from pathlib import Path

from kodebog.export import ExportOptions
from kodebog.export.common import (
    DEFINITIONS,
    GROUP_HEADER,
    LEFT_OUT,
    NO_RECOMMENDATIONS,
    NO_STATEMENT,
    RECOMMENDATION,
    RECOMMENDATIONS,
    co_occurring,
    definition_lines,
    dimension_label,
    group_rows,
    method_line,
    percent,
    prevalence,
    report_findings,
    rows_left_out,
    summary,
    with_statement,
    write_text,
)
from kodebog.findings import ROLE, Findings, GroupCount, Quote, Theme
from kodebog.store import Store

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
CSS = """
body{font-family:Calibri,"Segoe UI",Arial,sans-serif;max-width:54rem;margin:2rem auto;
padding:0 1rem;line-height:1.45;color:#222}
h1{font-size:1.9rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccc}
.method,.placeholder{font-style:italic;color:#555}
table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}
th,td{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:left}
td.n{text-align:right;white-space:nowrap}
blockquote{margin:1rem 0 1rem 1.5rem;padding-left:1rem;border-left:4px solid #9ab;
font-style:italic;white-space:pre-line}
.source{display:block;font-style:normal;font-size:.85rem;color:#555;margin-top:.3rem}
code{font-size:.85rem}svg{max-width:100%;height:auto}
svg text{font-family:Calibri,"Segoe UI",Arial,sans-serif;font-size:12px}
nav ul{columns:2}details{margin:.6rem 0}
""".strip()

_LABEL_WIDTH = 260
_BAR_WIDTH = 380
_BAR = 11
_GAP = 10


def _e(text: str) -> str:
    return escape(text, quote=True)


def anchor(code_id: str) -> str:
    """The id of a theme's section."""
    return "tema-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in code_id)


def bar_chart(findings: Findings, dimension: str) -> str:
    """An SVG of each theme's share of units per group of ``dimension``."""
    values = [g.value for g in findings.scope.groups if g.dimension == dimension]
    if not values:
        return ""
    colour = {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(values)}
    legend_rows = (len(values) + 2) // 3
    y = 8 + legend_rows * 18
    parts = []
    for i, value in enumerate(values):
        lx, ly = 10 + (i % 3) * 225, 8 + (i // 3) * 18
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour[value]}"/>'
                     f'<text x="{lx + 16}" y="{ly + 10}">{_e(value)}</text>')
    y += 6
    for theme in findings.themes:
        counts = {g.value: g for g in theme.groups if g.dimension == dimension}
        block = len(values) * _BAR
        parts.append(f'<text x="{_LABEL_WIDTH - 8}" y="{y + block / 2 + 4:.0f}" '
                     f'text-anchor="end">{_e(theme.code.label)}</text>')
        for value in values:
            count = counts.get(value)
            share = count.unit_share if count else 0.0
            width = round(share * _BAR_WIDTH, 1)
            tip = _tip(count, value)
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{width}" height="{_BAR - 2}" '
                f'fill="{colour[value]}"><title>{_e(tip)}</title></rect>'
                f'<text x="{_LABEL_WIDTH + width + 4}" y="{y + _BAR - 3}" font-size="9">'
                f'{_e(_share(count))}</text>')
            y += _BAR
        y += _GAP
    height = y + 4
    width = _LABEL_WIDTH + _BAR_WIDTH + 50
    title = f"Andel af gruppens udsagn med temaet, efter {dimension_label(dimension).lower()}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}"><title>{_e(title)}</title>'
            + "".join(parts) + "</svg>")


def _share(count: GroupCount | None) -> str:
    return percent(count.units, count.units_total) if count else "– %"


def _tip(count: GroupCount | None, value: str) -> str:
    if count is None:
        return f"{value}: ikke kodet"
    return f"{value}: {count.units} af {count.units_total} udsagn ({_share(count)})"


def _quote(quote: Quote) -> str:
    return (f"<blockquote>{_e(quote.display)}<span class=\"source\">"
            f"{_e(quote.attribution)} · <code>{_e(quote.citation)}</code></span></blockquote>")


def _theme(theme: Theme, findings: Findings) -> list[str]:
    level = min(theme.code.depth + 2, 6)
    out = [f'<section id="{anchor(theme.code.id)}">',
           f"<h{level}>{_e(theme.code.label)}</h{level}>"]
    if theme.statement is not None and theme.statement.text.strip():
        out += [f"<p>{_e(block.strip())}</p>"
                for block in theme.statement.text.strip().split("\n\n")]
    else:
        out.append(f'<p class="placeholder">{NO_STATEMENT}</p>')
    out.append(f"<p>{_e(prevalence(theme, findings.scope))}</p>")
    rows = group_rows(theme)
    if rows:
        out.append("<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in GROUP_HEADER)
                   + "</tr></thead><tbody>")
        out += [f'<tr><td>{_e(g)}</td><td class="n">{_e(u)}</td><td class="n">{_e(p)}</td></tr>'
                for g, u, p, _count in rows]
        out.append("</tbody></table>")
        if rows_left_out(theme):
            out.append(f'<p class="placeholder">{_e(LEFT_OUT)}</p>')
    if co := co_occurring(theme):
        out.append(f"<p>{_e(co)}</p>")
    out += [_quote(q) for q in theme.quotes]
    out.append("</section>")
    return out


def render(findings: Findings) -> str:
    """The whole report as an HTML document."""
    out = ["<!DOCTYPE html>", '<html lang="da">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(findings.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<h1>{_e(findings.title)}</h1>", f'<p class="method">{_e(method_line(findings))}</p>',
           "<nav><h2>Indhold</h2><ul>"]
    out += [f'<li><a href="#{anchor(t.code.id)}">{_e(t.code.label)}</a></li>'
            for t in findings.themes]
    out.append("</ul></nav>")
    dimensions = list(dict.fromkeys(g.dimension for g in findings.scope.groups))
    if dimensions:
        out.append("<h2>Udbredelse</h2>")
        for dimension in dimensions:
            chart = bar_chart(findings, dimension)
            label = _e(dimension_label(dimension).lower())
            opened = " open" if dimension == ROLE or dimension == dimensions[0] else ""
            out.append(f"<details{opened}><summary>Efter {label}</summary>{chart}</details>")
    for theme in findings.themes:
        out += _theme(theme, findings)
    out.append(f"<h2>{RECOMMENDATIONS}</h2>")
    written = with_statement(findings)
    if written:
        out.append("<ul>" + "".join(
            f"<li><strong>{_e(t.code.label)}:</strong> <em>{RECOMMENDATION}</em></li>"
            for t in written) + "</ul>")
    else:
        out.append(f'<p class="placeholder">{_e(NO_RECOMMENDATIONS)}</p>')
    out.append(f"<h2>{_e(DEFINITIONS)}</h2>")
    for theme in findings.themes:
        lines = "<br>".join(_e(line) for line in definition_lines(theme))
        out.append(f"<p><strong>{_e(theme.code.label)}</strong> "
                   f"(<code>{_e(theme.code.id)}</code>)" + (f"<br>{lines}" if lines else "")
                   + "</p>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the HTML report; nothing is written if a check fails."""
    findings = report_findings(store, options, "html")
    write_text(output, render(findings))
    return summary("html", output, findings)
