"""Charts for Word reports: a horizontal bar chart as PNG, drawn with matplotlib (Agg)."""

from __future__ import annotations

import io

from kodebog.export.blocks import Chart

PALETTE = ("#1f4e79", "#2e75b6", "#9dc3e6", "#c55a11", "#f4b183", "#548235", "#a9d18e")
DPI = 200


def chart_png(chart: Chart) -> bytes:
    """The chart as PNG bytes: labels down the side, one bar per series, shares in %."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    labels = list(chart.labels)
    series = list(chart.series)
    n = max(len(series), 1)
    height = max(2.0, 0.11 * n * len(labels) + 0.25 * len(labels) + 0.9)
    figure = Figure(figsize=(6.3, height), dpi=DPI)
    axes = figure.add_subplot()
    bar = 0.8 / n
    positions = range(len(labels))
    for i, one in enumerate(series):
        offsets = [p + (i - (n - 1) / 2) * bar for p in positions]
        axes.barh(offsets, [v * 100 for v in one.values], height=bar * 0.95,
                  color=PALETTE[i % len(PALETTE)], label=one.name)
    axes.set_yticks(list(positions), labels, fontsize=8)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    axes.tick_params(axis="x", labelsize=8)
    axes.set_xlim(0, 100)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(chart.title, fontsize=10, loc="left")
    if len(series) > 1:
        axes.legend(fontsize=7, frameon=False, loc="upper center", ncols=len(series),
                    bbox_to_anchor=(0.5, -0.04 - 0.25 / height))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
