"""Per-code agreement of the chosen coders: units, counts, percent, kappa, alpha, disputes."""

from __future__ import annotations

from itertools import combinations
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from kodebog.comparison import CodeAgreement
from kodebog.i18n import N_, _, formats
from kodebog.views.codebook import CodebookView
from kodebog.views.review import ReviewData

OVERALL = "*"
LABEL_WIDTH = 24
NARROW_LABEL_WIDTH = 18
NARROW = 100
"""On a terminal narrower than this the code labels are cut shorter."""


def number(value: float | None, digits: int = 3) -> Text:
    """A statistic, or a dim dash when it cannot be computed."""
    if value is None:
        return Text("–", style="dim", justify="right")
    style = "" if value >= 0.8 else ("yellow" if value >= 0.6 else "red")
    return Text(formats.decimal(value, digits), style=style, justify="right")


def percent(value: float | None) -> Text:
    """A share as a percentage."""
    if value is None:
        return Text("–", style="dim", justify="right")
    return Text(formats.percent(100 * value), justify="right")


class AgreementTable(DataTable[str | Text]):
    """One row per code and an overall row; enter opens the code's disputed units."""

    HELP = N_("""\
## Agreement

How far the chosen coders agree, code by code, over the units they have all read: how many
units were compared, how many each coder coded, percent agreement, Cohen's κ for each pair
and Krippendorff's α (green ≥ 0.8, yellow ≥ 0.6, red below). *disputes* are units where they
differ, *settled* how many of those the consensus coder has a decision for.

**enter** on a code shows its disputed units side by side, to settle them one by one.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", N_("Disputes"), id="review.disputes"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._columns: tuple[str, ...] = ()

    def show(self, data: ReviewData, codebook: CodebookView | None) -> None:
        """Show a comparison, keeping the highlighted code."""
        pairs = [f"{a}|{b}" for a, b in combinations(data.coders, 2)]
        keys = ("code", "units", *data.coders, "agree", *(f"κ {p}" for p in pairs), "α",
                "disputes", "settled")
        labels = (_("Code"), _("units"), *data.coders, _("agree"), *(f"κ {p}" for p in pairs),
                  "α", _("disputes"), _("settled"))
        keep = self._highlighted()
        if labels != self._columns:
            self.clear(columns=True)
            for key, label in zip(keys, labels, strict=True):
                self.add_column(label, key=key)
            self._columns = labels
        else:
            self.clear()
        for row in data.rows():
            self.add_row(*self._cells(row, data, pairs, codebook), key=row.code)
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep))

    def _cells(self, row: CodeAgreement, data: ReviewData, pairs: list[str],
               codebook: CodebookView | None) -> list[str | Text]:
        overall = row.code == OVERALL
        code = codebook.get(row.code) if codebook is not None and not overall else None
        label = Text()
        if overall:
            label.append(_("overall"), style="bold")
        else:
            label.append("■ ", style=code.color if code else "")
            name = "  " * (code.depth if code else 0) + row.label
            width = NARROW_LABEL_WIDTH if self.app.size.width < NARROW else LABEL_WIDTH
            if len(name) > width - 2:
                name = name[: width - 3] + "…"
            label.append(name)
        disputes = sum(len(v) for v in data.disputes.values()) if overall else len(
            data.disputes.get(row.code, []))
        settled = sum(data.settled_count(c) for c in data.disputes) if overall else (
            data.settled_count(row.code))
        done_style = "green" if disputes and settled == disputes else ""
        return [
            label,
            Text(formats.number(row.units), justify="right"),
            *(Text(formats.number(row.counts.get(c, 0)), justify="right") for c in data.coders),
            percent(row.percent),
            *(number(row.kappa.get(p)) for p in pairs),
            number(row.alpha),
            Text(formats.number(disputes), justify="right", style="bold" if disputes else "dim"),
            Text(f"{settled}/{disputes}" if disputes else "–", justify="right",
                 style=done_style or ("" if disputes else "dim")),
        ]

    def _highlighted(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return key.value

    @property
    def highlighted_code(self) -> str | None:
        """The code of the highlighted row (None on the overall row)."""
        code = self._highlighted()
        return None if code == OVERALL else code
