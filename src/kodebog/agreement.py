"""Inter-coder agreement: Krippendorff's alpha, Cohen's and Fleiss' kappa, percent agreement."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Real
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from kodebog.i18n import N_, _, translate

__all__ = [
    "Level",
    "ReliabilityData",
    "Stat",
    "Weights",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "percent_agreement",
]

Level: TypeAlias = Literal["nominal", "ordinal", "interval", "ratio"]
Weights: TypeAlias = Literal["linear", "quadratic"]
ReliabilityData: TypeAlias = Sequence[Sequence[Hashable] | npt.NDArray[Any]] | npt.NDArray[Any]
"""Rows are coders, columns are units; ``None`` (or a float NaN) marks a missing value."""

_IntArray: TypeAlias = npt.NDArray[np.int64]
_FloatArray: TypeAlias = npt.NDArray[np.float64]

_LEVELS = ("nominal", "ordinal", "interval", "ratio")
_WEIGHTS = (None, "linear", "quadratic")
_NO_PAIRS = N_("fewer than two pairable values: no unit has values from two or more coders")
_ONE_UNIT = N_("only one pairable unit: chance agreement cannot be estimated from a single "
               "unit")
_RATIO_BLOCK = 1 << 22  # matrix cells per block when summing ratio distances
_DENSE_RANGE = 1 << 16  # whole numbers spanning less than this are coded without sorting
_EXACT = 1 << 53  # whole numbers below this in size are exact as float64
_PAIR_LOOP_CODERS = 16  # up to this many coders, equal values are counted pair by pair


@dataclass(frozen=True, slots=True)
class Stat:
    """An agreement statistic: ``value`` is NaN, and ``reason`` says why, when it is undefined.

    ``n_units`` counts the units that qualified for the statistic (pairable units, or units
    coded by both coders for Cohen's kappa); ``n_values`` counts the values in them.
    """

    value: float
    reason: str | None = None
    n_units: int = 0
    n_values: int = 0

    def __post_init__(self) -> None:
        if math.isnan(self.value) != (self.reason is not None):
            raise ValueError("a Stat has a reason exactly when its value is NaN")

    def __float__(self) -> float:
        return self.value

    @property
    def defined(self) -> bool:
        """Whether the statistic has a value."""
        return self.reason is None


def _undefined(reason: str, n_units: int = 0, n_values: int = 0) -> Stat:
    """A statistic without a value, its reason (marked with ``N_``) in the language in use."""
    return Stat(math.nan, translate(reason), n_units, n_values)


@dataclass(frozen=True, slots=True)
class _Coded:
    """Reliability data as codes: ``codes[coder, unit]`` indexes ``categories``; -1 is missing."""

    codes: _IntArray
    categories: list[Any]
    ordered: bool  # categories are sorted (or in the caller's order) rather than arbitrary


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def _arrange(values: list[Any], order: Sequence[Hashable] | None) -> tuple[list[Any], bool]:
    """Sort the observed categories, by ``order`` when given, else naturally when possible."""
    if order is not None:
        position: dict[Hashable, int] = {}
        for i, value in enumerate(order):
            if value in position:
                raise ValueError(f"order lists {value!r} twice")
            position[value] = i
        for value in values:
            if value not in position:
                raise ValueError(f"value {value!r} is not in order")
        return sorted(values, key=position.__getitem__), True
    try:
        return sorted(values), True
    except TypeError:  # a mix such as strings and numbers: fine for nominal statistics
        return sorted(values, key=lambda v: (type(v).__name__, repr(v))), False


def _encode(data: ReliabilityData, order: Sequence[Hashable] | None = None) -> _Coded:
    """Turn reliability data into codes; raise ValueError for malformed (not merely sparse) data."""
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise ValueError(f"reliability data must be coders x units, got {data.ndim} dimensions")
        if data.dtype.kind in "biuf":
            return _encode_array(data, order)
        data = data.tolist()
    if isinstance(data, str | bytes):
        raise ValueError("reliability data must be a sequence of coders, not a string")
    rows = list(data)
    for row in rows:
        if isinstance(row, str | bytes):
            raise ValueError("each coder must be a sequence of values, not a string")
    try:
        lengths = sorted({len(row) for row in rows})
    except TypeError:
        raise ValueError("each coder must be a sequence of values") from None
    if len(lengths) > 1:
        raise ValueError(f"coders have different numbers of units: {lengths}")
    n_units = lengths[0] if lengths else 0
    try:
        distinct: set[Hashable] = set().union(*rows)
    except TypeError as error:
        raise ValueError(f"values must be hashable: {error}") from None
    categories, ordered = _arrange([v for v in distinct if not _is_missing(v)], order)
    index: dict[Hashable, int] = {v: -1 for v in distinct if _is_missing(v)}
    index.update((value, i) for i, value in enumerate(categories))
    codes = np.empty((len(rows), n_units), dtype=np.int64)
    for i, row in enumerate(rows):
        try:
            codes[i] = np.fromiter(map(index.__getitem__, row), dtype=np.int64, count=n_units)
        except KeyError:  # a NaN object not met before (NaN != NaN), as numpy rows yield
            codes[i] = [-1 if _is_missing(value) else index[value] for value in row]
    return _Coded(codes, categories, ordered)


def _encode_array(data: npt.NDArray[Any], order: Sequence[Hashable] | None) -> _Coded:
    """Codes for a numeric array; NaN is missing in float arrays."""
    if data.dtype.kind == "b":
        coded = _encode_array(data.view(np.uint8), None)
        categories = [bool(value) for value in coded.categories]
        return _reorder(_Coded(coded.codes, categories, True), order)
    dense = _dense_codes(data)
    if dense is not None:
        codes, unique = dense
    else:
        present = ~np.isnan(data) if data.dtype.kind == "f" else np.ones(data.shape, dtype=bool)
        unique, inverse = np.unique(data[present], return_inverse=True)
        codes = np.full(data.shape, -1, dtype=np.int64)
        codes[present] = inverse.reshape(-1)
    return _reorder(_Coded(codes, unique.tolist(), True), order)


def _dense_codes(data: npt.NDArray[Any]) -> tuple[_IntArray, npt.NDArray[Any]] | None:
    """Codes by table lookup, when all values are whole numbers in a small range; else None."""
    if data.size == 0:
        return None
    floats = data.dtype.kind == "f"
    if data.dtype.itemsize > 8:  # long double: float64 could round fractions away
        return None
    if floats:  # fmin and fmax skip NaN; both are NaN when every value is missing
        lowest, highest = np.fmin.reduce(data, axis=None), np.fmax.reduce(data, axis=None)
        if not (np.isfinite(lowest) and np.isfinite(highest)):
            return None
    else:
        lowest, highest = data.min(), data.max()
    low, high = int(lowest), int(highest)
    if not (low > -_EXACT and high < _EXACT and high - low < _DENSE_RANGE):
        return None
    if floats:
        # Missing values take slot 0, values slots 1, 2, ...
        filled = np.where(np.isnan(data), low - 1, data.astype(np.float64, copy=False))
        if not np.array_equal(filled, np.trunc(filled)):
            return None
        slot = (filled - (low - 1)).astype(np.int64)
    else:
        slot = data.astype(np.int64) - (low - 1)
    seen = np.bincount(slot.reshape(-1), minlength=high - low + 2)[1:] > 0
    lookup = np.concatenate([np.array([-1], dtype=np.int64), np.cumsum(seen) - 1])
    unique = (np.flatnonzero(seen) + low).astype(data.dtype)
    return lookup[slot], unique


def _reorder(coded: _Coded, order: Sequence[Hashable] | None) -> _Coded:
    """Renumber sorted categories to follow ``order``."""
    if order is None:
        return coded
    arranged, _ = _arrange(coded.categories, order)
    new_code = {value: i for i, value in enumerate(arranged)}
    lookup = np.array([new_code[value] for value in coded.categories] + [-1], dtype=np.int64)
    return _Coded(lookup[coded.codes], arranged, True)  # code -1 picks the trailing -1


def _numbers(coded: _Coded, level: str) -> _FloatArray:
    """The categories as floats, for the interval and ratio metrics."""
    for value in coded.categories:
        if not isinstance(value, Real | np.number | np.bool_):
            raise ValueError(f"the {level} level needs numbers, got {value!r}")
    numbers = np.array([float(value) for value in coded.categories], dtype=np.float64)
    if not np.isfinite(numbers).all():
        raise ValueError(f"the {level} level needs finite numbers")
    if level == "ratio" and (numbers < 0).any():
        raise ValueError("the ratio level needs non-negative numbers")
    return numbers


def _no_variation(coded: _Coded, code: int) -> str:
    """Reason for a statistic whose qualifying values all equal ``categories[code]``."""
    value = repr(coded.categories[code])
    if bool(np.all(coded.codes[coded.codes >= 0] == code)):
        return _("no variation: every value is {value}").format(value=value)
    return _("no variation: every pairable value is {value}").format(value=value)


def _agreeing_pairs(codes: _IntArray) -> _IntArray:
    """Per unit, the ordered pairs of different coders with equal values: sum_c n_uc (n_uc - 1)."""
    n_coders, n_units = codes.shape
    total = np.zeros(n_units, dtype=np.int64)
    if n_coders <= _PAIR_LOOP_CODERS:
        present = codes >= 0
        for i in range(n_coders):
            for j in range(i + 1, n_coders):
                total += (codes[i] == codes[j]) & present[i]
        return 2 * total
    # Many coders: sort each unit and count runs of equal values. Missing values get a
    # distinct negative key per coder, so they never match anything.
    keyed = np.where(codes >= 0, codes, -1 - np.arange(n_coders, dtype=np.int64)[:, np.newaxis])
    ordered = np.sort(keyed.T, axis=1)
    run = np.zeros(n_units, dtype=np.int64)  # equal values just before, within the sorted unit
    for i in range(1, n_coders):
        run = np.where(ordered[:, i] == ordered[:, i - 1], run + 1, 0)
        total += run
    return 2 * total


def _pairable(coded: _Coded) -> tuple[_IntArray, _IntArray]:
    """The codes of units with at least two values, and the number of values in each."""
    counts = np.zeros(coded.codes.shape[1], dtype=np.int64)
    for row in coded.codes:
        counts += row >= 0
    keep = counts >= 2
    if keep.all():
        return coded.codes, counts
    return coded.codes[:, keep], counts[keep]


def krippendorff_alpha(
    data: ReliabilityData,
    level: Level = "nominal",
    *,
    order: Sequence[Hashable] | None = None,
) -> Stat:
    """Krippendorff's alpha for any number of coders, with missing values.

    alpha = 1 - D_o / D_e = 1 - (n - 1) sum_ck o_ck d2_ck / sum_ck n_c n_k d2_ck, with the
    coincidences o_ck summed over units as pairs of values from different coders weighted
    1 / (m_u - 1), n_c the pairable values of category c and n their total; units with fewer
    than two values drop out (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability",
    section C). Distances d2_ck: nominal [c != k]; ordinal (sum_{g=c..k} n_g - (n_c + n_k)/2)^2
    over the categories in ``order`` (default: sorted); interval (c - k)^2; ratio
    ((c - k) / (c + k))^2, which needs non-negative numbers.

    sum_ck o_ck d2_ck is summed over the pairs of coders unit by unit, without building the
    coincidence matrix (for many coders, by counting equal values per unit, and through
    sum_{i != j} (x_i - x_j)^2 = 2 m sum_i (x_i - mean)^2). The ordinal distance equals the
    interval distance between the midranks a_c = sum_{g<c} n_g + n_c / 2, so the ordinal and
    interval sums over n_c n_k d2_ck reduce to 2 n sum_c n_c (a_c - mean)^2.

    Undefined (NaN with a reason) without pairable values, without variation, or with a single
    pairable unit, where the formula gives 0 whatever the data.
    """
    if level not in _LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(_LEVELS)}")
    if order is not None and level in ("interval", "ratio"):
        raise ValueError(f"order applies to the nominal and ordinal levels, not {level}")
    coded = _encode(data, order)
    if level == "ordinal" and not coded.ordered:
        raise ValueError("the ordinal level needs values that sort; pass order=[...]")
    numbers = _numbers(coded, level) if level in ("interval", "ratio") else None

    codes, m_u = _pairable(coded)
    n_units, n_values = len(m_u), int(m_u.sum())
    if n_units == 0:
        return _undefined(_NO_PAIRS)
    present = codes >= 0
    n_c = np.bincount(codes[present], minlength=len(coded.categories))
    used = np.flatnonzero(n_c)
    if len(used) == 1:
        return _undefined(_no_variation(coded, int(used[0])), n_units, n_values)
    if n_units == 1:
        return _undefined(_ONE_UNIT, n_units, n_values)

    if level == "nominal":
        disagreeing = m_u * (m_u - 1) - _agreeing_pairs(codes)
        observed = _weighted_sum(disagreeing, m_u)
        expected = n_values * n_values - int(n_c @ n_c)
        value = float(1 - (n_values - 1) * observed / expected)
        return Stat(value, None, n_units, n_values)

    if level == "ratio":
        assert numbers is not None
        x = np.where(present, numbers[codes], 0.0)
        per_unit = _pair_sum(x, present, _squared_ratio)
        expected_f = _ratio_expected(numbers[used], n_c[used])
    else:
        if level == "ordinal":
            points = np.cumsum(n_c) - n_c / 2  # a_c; categories are in order
        else:
            assert numbers is not None
            points = numbers
        x = np.where(present, points[codes], 0.0)
        if len(codes) <= _PAIR_LOOP_CODERS:
            per_unit = _pair_sum(x, present, _squared_difference)
        else:
            per_unit = _squared_pairs(x, present, m_u)
        offset = points[used] - points[used[0]]  # small numbers first: a precise mean
        centred = offset - (n_c[used] @ offset) / n_values
        expected_f = 2 * n_values * float(n_c[used] @ (centred * centred))
    observed_f = float(np.sum(per_unit / (m_u - 1)))
    value = 1 - (n_values - 1) * observed_f / expected_f
    return Stat(float(value), None, n_units, n_values)


def _weighted_sum(per_unit: _IntArray, m_u: _IntArray) -> Fraction:
    """Exactly, sum_u per_unit[u] / (m_u[u] - 1), grouping units by their number of values."""
    totals = np.bincount(m_u, weights=per_unit)  # integer sums, exact below 2**53
    return sum(
        (Fraction(int(totals[m]), m - 1) for m in np.flatnonzero(totals).tolist()),
        start=Fraction(0),
    )


def _squared_pairs(x: _FloatArray, present: npt.NDArray[np.bool_], m_u: _IntArray) -> _FloatArray:
    """Per unit, sum over ordered pairs of present values of (x_i - x_j)^2, for many coders."""
    # Shift by a value of the unit first, so identical values give exactly zero.
    shifted = np.where(present, x - _over_coders(np.maximum, np.where(present, x, -np.inf)), 0.0)
    mean = _over_coders(np.add, shifted) / m_u
    deviation = np.where(present, shifted - mean, 0.0)
    squares: _FloatArray = _over_coders(np.add, deviation * deviation)
    return 2 * m_u * squares


def _over_coders(ufunc: np.ufunc, rows: _FloatArray) -> _FloatArray:
    """Reduce over the coders row by row: far faster than ``axis=0`` for a few long rows."""
    total: _FloatArray = functools.reduce(ufunc, rows)
    return total


def _pair_sum(
    x: _FloatArray,
    present: npt.NDArray[np.bool_],
    distance: Callable[[_FloatArray, _FloatArray], _FloatArray],
) -> _FloatArray:
    """Per unit, the sum of ``distance(x_i, x_j)`` over ordered pairs of present values."""
    total = np.zeros(x.shape[1], dtype=np.float64)
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            total += np.where(present[i] & present[j], distance(x[i], x[j]), 0.0)
    return 2 * total


def _squared_difference(a: _FloatArray, b: _FloatArray) -> _FloatArray:
    difference = a - b
    return difference * difference


def _squared_ratio(a: _FloatArray, b: _FloatArray) -> _FloatArray:
    """((a - b) / (a + b))^2, and 0 where both are 0."""
    total = a + b
    shape = np.broadcast_shapes(a.shape, b.shape)
    ratio = np.divide(a - b, total, out=np.zeros(shape), where=total > 0)
    return ratio * ratio


def _ratio_expected(values: _FloatArray, counts: _IntArray) -> float:
    """sum_ck n_c n_k ((c - k) / (c + k))^2, a block of rows at a time."""
    step = max(1, _RATIO_BLOCK // len(values))
    total = 0.0
    for start in range(0, len(values), step):
        rows = slice(start, start + step)
        squares = _squared_ratio(values[rows, np.newaxis], values[np.newaxis, :])
        total += float(counts[rows] @ squares @ counts)
    return total


def cohen_kappa(
    data: ReliabilityData,
    weights: Weights | None = None,
    *,
    order: Sequence[Hashable] | None = None,
) -> Stat:
    """Cohen's kappa for exactly two coders, optionally weighted.

    kappa = 1 - N sum_ij w_ij o_ij / sum_ij w_ij r_i c_j, with o the N units' contingency
    table, r and c its margins, and disagreement weights w_ij = [i != j] (unweighted, which is
    (p_o - p_e) / (1 - p_e)), |i - j| (linear) or (i - j)^2 (quadratic) over the positions of the
    categories the two coders used, sorted or in ``order`` (Cohen 1960; 1968), as
    scikit-learn's cohen_kappa_score and R irr::kappa2 compute it. Units that either coder
    left missing drop out.
    """
    if weights not in _WEIGHTS:
        raise ValueError(f"unknown weights {weights!r}; expected None, 'linear' or 'quadratic'")
    coded = _encode(data, order)
    if coded.codes.shape[0] != 2:
        raise ValueError(f"Cohen's kappa needs exactly two coders, got {coded.codes.shape[0]}")
    if weights is not None and not coded.ordered:
        raise ValueError("weighted kappa needs values that sort; pass order=[...]")
    both = (coded.codes >= 0).all(axis=0)
    first, second = coded.codes[:, both]
    n_units = len(first)
    if n_units == 0:
        return _undefined(_("no unit was coded by both coders"))
    used = np.unique(np.concatenate([first, second]))
    k = len(used)
    if k == 1:
        return _undefined(_no_variation(coded, int(used[0])), n_units, 2 * n_units)
    if n_units == 1:
        return _undefined(_ONE_UNIT, n_units, 2)
    position = np.zeros(len(coded.categories), dtype=np.int64)
    position[used] = np.arange(k)
    table = np.bincount(position[first] * k + position[second], minlength=k * k).reshape(k, k)
    distance = np.abs(np.subtract.outer(np.arange(k), np.arange(k)))
    if weights is None:
        w = (distance > 0).astype(np.int64)
    elif weights == "linear":
        w = distance
    else:
        w = distance * distance
    observed = int((w * table).sum())
    # Python ints for the products of margins: N^2 (k - 1)^2 can pass 2**63.
    by_row = (w @ table.sum(axis=0)).tolist()
    expected = sum(r * c for r, c in zip(table.sum(axis=1).tolist(), by_row, strict=True))
    value = 1 - Fraction(n_units * observed, expected)
    return Stat(float(value), None, n_units, 2 * n_units)


def fleiss_kappa(data: ReliabilityData) -> Stat:
    """Fleiss' kappa for any number of raters; which rater gave which rating does not matter.

    kappa = (P - P_e) / (1 - P_e), with P = sum_u sum_c n_uc (n_uc - 1) / (N r (r - 1)) the mean
    agreement over the N units and P_e = sum_c (n_c / (N r))^2 (Fleiss 1971, "Measuring nominal
    scale agreement among many raters"). The formula assumes r ratings on every unit: units with
    fewer than two ratings drop out, and if the rest do not all have the same number of ratings,
    the result is NaN with a reason (use krippendorff_alpha for such data).
    """
    coded = _encode(data)
    codes, m_u = _pairable(coded)
    n_units, n_values = len(m_u), int(m_u.sum())
    if n_units == 0:
        return _undefined(_NO_PAIRS)
    low, high = int(m_u.min()), int(m_u.max())
    if low != high:
        return _undefined(
            _("units have different numbers of ratings ({low} to {high}), and Fleiss' kappa "
              "needs the same number on every unit: use Krippendorff's alpha").format(
                low=low, high=high),
            n_units,
            n_values,
        )
    n_c = np.bincount(codes[codes >= 0], minlength=len(coded.categories))
    used = np.flatnonzero(n_c)
    if len(used) == 1:
        return _undefined(_no_variation(coded, int(used[0])), n_units, n_values)
    if n_units == 1:
        return _undefined(_ONE_UNIT, n_units, n_values)
    r = low
    agreeing = int(_agreeing_pairs(codes).sum())
    squares = int(n_c @ n_c)
    # (P - P_e) / (1 - P_e) with P = A / (T (r - 1)) and P_e = S / T^2, T = N r, kept exact.
    value = Fraction(agreeing * n_values - squares * (r - 1), (r - 1) * (n_values**2 - squares))
    return Stat(float(value), None, n_units, n_values)


def percent_agreement(data: ReliabilityData, *, pairwise: bool = False) -> Stat:
    """Share of pairable units (two or more values) on which all coders present agree.

    With ``pairwise``, instead the share of agreeing pairs among all pairs of values from
    different coders in the same unit, pooled over units; for two coders both are the plain
    share of units coded alike. Not corrected for chance, so it is defined without variation
    and for a single unit; NaN only without pairable values.
    """
    coded = _encode(data)
    codes, m_u = _pairable(coded)
    n_units, n_values = len(m_u), int(m_u.sum())
    if n_units == 0:
        return _undefined(_NO_PAIRS)
    agreeing = _agreeing_pairs(codes)
    pairs = m_u * (m_u - 1)
    if pairwise:
        value = Fraction(int(agreeing.sum()), int(pairs.sum()))
    else:
        value = Fraction(int(np.count_nonzero(agreeing == pairs)), n_units)
    return Stat(float(value), None, n_units, n_values)
