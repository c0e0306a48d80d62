"""The report as one self-contained HTML page: the Word report's blocks, inline CSS and SVG."""

from __future__ import annotations

from html import escape
from pathlib import Path

from kodebog.export import ExportOptions
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
    Table,
)
from kodebog.export.common import (
    percent,
    report_input,
    report_options,
    report_summary,
    write_text,
)
from kodebog.export.language import _
from kodebog.export.report import build_report
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
nav ul{columns:2}.note{font-size:.9rem;font-style:italic;color:#555}
.caption{font-size:.85rem;font-style:italic;color:#555}
@media print{blockquote{break-inside:avoid}thead{display:table-header-group}}
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


def bar_chart(chart: Chart) -> str:
    """The chart as an inline SVG: one bar per series and label, shares in %."""
    if not chart.labels or not chart.series:
        return ""
    colour = {s.name: PALETTE[i % len(PALETTE)] for i, s in enumerate(chart.series)}
    legend_rows = (len(chart.series) + 2) // 3
    y = 8 + legend_rows * 18
    parts = []
    for i, series in enumerate(chart.series):
        lx, ly = 10 + (i % 3) * 225, 8 + (i // 3) * 18
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" '
                     f'fill="{colour[series.name]}"/>'
                     f'<text x="{lx + 16}" y="{ly + 10}">{_e(series.name)}</text>')
    y += 6
    for row, label in enumerate(chart.labels):
        block = len(chart.series) * _BAR
        parts.append(f'<text x="{_LABEL_WIDTH - 8}" y="{y + block / 2 + 4:.0f}" '
                     f'text-anchor="end">{_e(label)}</text>')
        for series in chart.series:
            share = series.values[row]
            width = round(share * _BAR_WIDTH, 1)
            shown = percent(round(share * 1000), 1000)
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{width}" height="{_BAR - 2}" '
                f'fill="{colour[series.name]}"><title>{_e(f"{series.name}: {shown}")}</title>'
                f'</rect><text x="{_LABEL_WIDTH + width + 4}" y="{y + _BAR - 3}" '
                f'font-size="9">{_e(shown)}</text>')
            y += _BAR
        y += _GAP
    height = y + 4
    width = _LABEL_WIDTH + _BAR_WIDTH + 50
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}"><title>{_e(chart.title)}</title>'
            + "".join(parts) + "</svg>")


def _table(block: Table) -> list[str]:
    def cell(tag: str, text: str, numeric: bool) -> str:
        attribute = ' class="n"' if numeric else ""
        return f"<{tag}{attribute}>{_e(text)}</{tag}>"

    out = ["<table><thead><tr>" + "".join(
        cell("th", h, n) for h, n in zip(block.header, block.numeric, strict=True))
        + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(cell("td", c, n) for c, n in zip(row, block.numeric, strict=True))
            + "</tr>" for row in block.rows]
    out.append("</tbody></table>")
    if block.caption:
        out.append(f'<p class="caption">{_e(block.caption)}</p>')
    return out


def _block(block: Block, contents: list[str]) -> list[str]:
    if isinstance(block, Heading):
        level = min(block.level + 1, 6)
        ident = f' id="{anchor(block.anchor or block.text)}"' if block.level == 1 or block.anchor \
            else ""
        return [f"<h{level}{ident}>{_e(block.text)}</h{level}>"]
    if isinstance(block, Paragraph):
        if block.lead:
            return [f"<p><strong>{_e(block.lead)}</strong><br>{_e(block.text)}</p>"]
        attribute = ' class="note"' if block.note else ""
        return [f"<p{attribute}>{_e(block.text)}</p>"]
    if isinstance(block, Bullets):
        return ["<ul>" + "".join(f"<li>{_e(item)}</li>" for item in block.items) + "</ul>"]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, QuoteBlock):
        return [f'<blockquote>{_e(block.text)}<span class="source">{_e(block.attribution)}'
                "</span></blockquote>"]
    if isinstance(block, Chart):
        caption = _("Figure: {title}.").format(title=block.title)
        return [f"<figure>{bar_chart(block)}<figcaption class=\"caption\">"
                f"{_e(caption)} {_e(block.note)}</figcaption></figure>"]
    if isinstance(block, Contents):
        heading = _("Contents")
        return [f"<nav><h2>{_e(heading)}</h2><ul>" + "".join(contents) + "</ul></nav>"]
    return []


def render(report: Report) -> str:
    """The whole report as an HTML document."""
    contents = [f'<li><a href="#{anchor(b.anchor or b.text)}">{_e(b.text)}</a></li>'
                for b in report.blocks if isinstance(b, Heading) and b.level == 1]
    out = ["<!DOCTYPE html>", f'<html lang="{speech.language()}">', "<head>",
           '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(report.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<h1>{_e(report.title)}</h1>", f'<p class="method">{_e(report.subtitle)}</p>']
    for block in report.blocks:
        out += _block(block, contents)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the HTML report; nothing is written if a check fails."""
    findings, facts = report_input(store, options, "html")
    report = build_report(findings, facts, report_options(options))
    write_text(output, render(report))
    return report_summary("html", output, report)
