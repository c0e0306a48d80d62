"""The agreed coding's arithmetic, on every coding at once as numpy columns.

Each (unit, code) gets a bit mask of who applied it: one bit per chosen coder, one for the
consensus coder. The mask decides the pair's status (``kodebog.agreed`` states the rule), and
the pair's codings are kept or left out together; a decision keeps the consensus coder's only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

OUT, SETTLED, SINGLE, AGREED = 0, 1, 2, 3
"""A coding's status in ``Sorting.status`` (``OUT``: not in the agreed coding)."""

Ints = NDArray[np.int64]


@dataclass(frozen=True)
class Codings:
    """Every coding of the project: id, unit id, code (an index into ``names``), coder id."""

    ids: Ints
    units: Ints
    codes: Ints
    coders: Ints
    names: list[str]

    @classmethod
    def read(cls, session: Session) -> Codings:
        """All codings, as the compare screen's coding table reads them (by id; 0.25 s for
        300,000 on the bench machine)."""
        from kodebog.views.coding_table import numbered_codings

        names, rows = numbered_codings(session)
        return cls(rows[:, 0], rows[:, 1], rows[:, 3], rows[:, 2], names)


@dataclass(frozen=True)
class Sorting:
    """Each coding's status, and the pairs (unit, code) per status."""

    status: NDArray[np.int8]
    """Per coding of ``Codings``: ``OUT``, ``SETTLED``, ``SINGLE`` or ``AGREED``."""
    pairs: dict[int, int]
    """Pairs per status (``SETTLED``, ``SINGLE``, ``AGREED``)."""
    open_units: list[int]
    open_codes: list[int]
    open_masks: list[int]
    """The unsettled pairs: unit, code index and who applied the code (a bit mask)."""
    settled_empty: int
    """Decisions "none" whose pair the consensus coder has no coding of."""


def sort_codings(codings: Codings, bits: Mapping[int, int], decided: int,
                 sample: Collection[int], none_decided: Collection[tuple[int, str]]) -> Sorting:
    """The status of each coding.

    ``bits`` gives each chosen coder's bit and the consensus coder's (``decided``); other
    coders' codings are not counted. ``sample`` holds the double-coded units and
    ``none_decided`` the pairs whose latest decision kept nothing.
    """
    everyone = sum(bit for bit in bits.values() if bit != decided)
    count = len(codings.ids)
    if not count:
        return Sorting(np.zeros(0, dtype=np.int8), {SETTLED: 0, SINGLE: 0, AGREED: 0},
                       [], [], [], len(none_decided))
    dtype: Any = np.int64 if max(bits.values(), default=0) < 1 << 62 else object
    table = np.zeros(max(int(codings.coders.max()), *bits) + 1, dtype=dtype)
    for coder, bit in bits.items():
        table[coder] = bit
    row_bits = table[codings.coders]
    width = len(codings.names)
    key = codings.units * width + codings.codes
    order = np.argsort(key, kind="stable")  # fast: the codings come in (unit, code) order
    ordered = key[order]
    new = np.ones(count, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    group = np.empty(count, dtype=np.int64)
    group[order] = np.cumsum(new) - 1
    mask = np.bitwise_or.reduceat(row_bits[order], starts)
    first = order[starts]
    units, codes = codings.units[first], codings.codes[first]
    index = {code: n for n, code in enumerate(codings.names)}
    decided_none = np.isin(ordered[starts], np.array(
        [unit * width + index[code] for unit, code in none_decided if code in index],
        dtype=np.int64))
    in_sample = np.isin(units, np.fromiter(sample, dtype=np.int64, count=len(sample)))
    settled = (mask & decided) != 0
    live = (mask != 0) & ~settled & ~decided_none
    single = live & ~in_sample
    agreed = live & in_sample & (mask == everyone)
    still_open = live & in_sample & (mask != everyone)
    status = np.select([settled, single, agreed], [SETTLED, SINGLE, AGREED], OUT)
    keep = np.select([settled, single | agreed], [decided, everyone], 0).astype(dtype)
    kept = (keep[group] & row_bits) != 0
    return Sorting(
        np.where(kept, status[group], OUT).astype(np.int8),
        {SETTLED: int(settled.sum()), SINGLE: int(single.sum()), AGREED: int(agreed.sum())},
        units[still_open].tolist(), codes[still_open].tolist(), mask[still_open].tolist(),
        len(none_decided) - int((settled & decided_none).sum()))
