"""Agreement statistics against published values, literal reference formulas and properties."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Hashable, Sequence
from fractions import Fraction
from itertools import permutations
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kodebog.agreement import (
    Level,
    Stat,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

CASES_FILE = Path(__file__).parent / "data" / "reference" / "agreement-cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
KAPPA_WEIGHTS: dict[str, Any] = {
    "unweighted": None,
    "linear_weighted": "linear",
    "quadratic_weighted": "quadratic",
}
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
BOUNDED = settings(max_examples=100, deadline=None)
_NO_PAIRS = "fewer than two pairable values: no unit has values from two or more coders"

Data = list[list[Any]]

# Krippendorff (2011), section C: 4 observers, 12 units, missing values (unit 12 not pairable).
K2011_C: Data = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]

# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses; one row per patient.
FLEISS_1971_PATIENTS = [
    [4, 4, 4, 4, 4, 4],
    [2, 2, 2, 5, 5, 5],
    [2, 3, 3, 3, 3, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3],
    [3, 3, 3, 3, 5, 5],
    [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4],
    [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4],
    [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3],
    [1, 4, 4, 4, 4, 4],
    [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5],
    [1, 1, 1, 1, 1, 2],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 4, 4, 4, 4, 4],
    [2, 2, 4, 5, 5, 5],
    [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4],
    [1, 1, 1, 1, 5, 5],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3],
    [5, 5, 5, 5, 5, 5],
]


def transpose(units: Sequence[Sequence[Any]]) -> Data:
    return [list(coder) for coder in zip(*units, strict=True)]


def as_array(data: Data) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.array([[math.nan if v is None else v for v in row] for row in data], dtype=float)


def same(a: Stat, b: Stat) -> bool:
    """Equal statistics, up to rounding in the last digits."""
    if a.defined != b.defined:
        return False
    if a.reason is not None and b.reason is not None:
        return a.reason.split(":")[0] == b.reason.split(":")[0]  # the kind, not the value quoted
    return a.value == pytest.approx(b.value, rel=1e-9, abs=1e-12)


# --- literal reference implementations, exact with Fractions ---------------------------------


def reference_alpha(data: Data, level: Level) -> Fraction | None:
    """Krippendorff (2011): coincidence matrix o_ck, marginals n_c, alpha = 1 - D_o / D_e."""
    units = [[row[u] for row in data if row[u] is not None] for u in range(len(data[0]))]
    units = [values for values in units if len(values) >= 2]
    categories = sorted({v for values in units for v in values})
    if len(units) < 2 or len(categories) < 2:
        return None
    o = {(c, k): Fraction(0) for c in categories for k in categories}
    for values in units:
        for i, j in permutations(range(len(values)), 2):
            o[values[i], values[j]] += Fraction(1, len(values) - 1)
    n_c = {c: sum((o[c, k] for k in categories), Fraction(0)) for c in categories}
    n = sum(n_c.values(), Fraction(0))

    def delta2(c: Any, k: Any) -> Fraction:
        if level == "nominal":
            return Fraction(int(c != k))
        if level == "ordinal":
            low, high = sorted((categories.index(c), categories.index(k)))
            between = sum((n_c[g] for g in categories[low : high + 1]), Fraction(0))
            return (between - (n_c[c] + n_c[k]) / 2) ** 2
        difference, total = Fraction(c) - Fraction(k), Fraction(c) + Fraction(k)
        if level == "interval":
            return difference**2
        return (difference / total) ** 2 if total else Fraction(0)

    pairs = [(c, k) for c in categories for k in categories]
    d_o = sum((o[c, k] * delta2(c, k) for c, k in pairs), Fraction(0)) / n
    d_e = sum((n_c[c] * n_c[k] * delta2(c, k) for c, k in pairs), Fraction(0)) / (n * (n - 1))
    return 1 - d_o / d_e


def reference_kappa(data: Data, weights: str | None) -> Fraction | None:
    """Cohen's kappa as scikit-learn computes it: 1 - sum(w * O) / sum(w * E)."""
    pairs = [(a, b) for a, b in zip(*data, strict=True) if a is not None and b is not None]
    labels = sorted({v for pair in pairs for v in pair})
    if len(pairs) < 2 or len(labels) < 2:
        return None
    index = {label: i for i, label in enumerate(labels)}
    k, n = len(labels), len(pairs)
    observed = [[0] * k for _ in range(k)]
    for a, b in pairs:
        observed[index[a]][index[b]] += 1
    rows = [sum(observed[i]) for i in range(k)]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]

    def w(i: int, j: int) -> int:
        return (
            int(i != j) if weights is None else abs(i - j) if weights == "linear" else (i - j) ** 2
        )

    num = sum(w(i, j) * observed[i][j] for i in range(k) for j in range(k))
    den = sum(w(i, j) * rows[i] * cols[j] for i in range(k) for j in range(k))
    return 1 - Fraction(num * n, den)


def reference_fleiss(data: Data) -> Fraction | None:
    """Fleiss (1971) on the units x categories count table (equal raters per unit)."""
    units = [[row[u] for row in data if row[u] is not None] for u in range(len(data[0]))]
    units = [values for values in units if len(values) >= 2]
    categories = sorted({v for values in units for v in values})
    if len(units) < 2 or len(categories) < 2 or len({len(v) for v in units}) != 1:
        return None
    r, big_n = len(units[0]), len(units)
    p_i = [
        Fraction(sum(values.count(c) * (values.count(c) - 1) for c in categories), r * (r - 1))
        for values in units
    ]
    p_bar = sum(p_i, Fraction(0)) / big_n
    p_e = sum(
        (Fraction(sum(values.count(c) for values in units), big_n * r) ** 2 for c in categories),
        Fraction(0),
    )
    return (p_bar - p_e) / (1 - p_e)


def reference_percent(data: Data, pairwise: bool) -> Fraction | None:
    """Share of pairable units whose values are all equal, or of agreeing pairs of values."""
    units = [[row[u] for row in data if row[u] is not None] for u in range(len(data[0]))]
    units = [values for values in units if len(values) >= 2]
    if not units:
        return None
    if not pairwise:
        return Fraction(sum(len(set(values)) == 1 for values in units), len(units))
    agreeing = sum(a == b for values in units for a, b in permutations(values, 2))
    return Fraction(agreeing, sum(len(values) * (len(values) - 1) for values in units))


# --- published cases ------------------------------------------------------------------------


def compute_case(case: dict[str, Any], data: Any) -> Stat:
    metric, level = case["metric"], case["level"]
    if metric == "krippendorff_alpha":
        return krippendorff_alpha(data, level)
    if metric == "cohen_kappa":
        return cohen_kappa(data, KAPPA_WEIGHTS[level])
    if metric == "fleiss_kappa":
        return fleiss_kappa(data)
    if metric == "percent_agreement":
        return percent_agreement(data)
    raise AssertionError(f"no dispatch for metric {metric!r} in case {case['name']}")


@pytest.mark.parametrize("form", ["lists", "array"])
@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_reference_case(case: dict[str, Any], form: str) -> None:
    data = case["data"] if form == "lists" else as_array(case["data"])
    stat = compute_case(case, data)
    assert stat.value == pytest.approx(case["expected"], abs=case["tolerance"]), case["source"]


def test_reference_cases_cover_every_statistic_with_alpha_at_every_level() -> None:
    assert {c["metric"] for c in CASES} >= {"krippendorff_alpha", "cohen_kappa", "fleiss_kappa"}
    assert {c["level"] for c in CASES if c["metric"] == "krippendorff_alpha"} == set(LEVELS)


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_krippendorff_2011_section_c(level: Level, expected: float) -> None:
    stat = krippendorff_alpha(K2011_C, level)
    assert stat.value == pytest.approx(expected, abs=0.0005)
    assert (stat.n_units, stat.n_values) == (11, 40)  # unit 12 has one value and drops out


def test_alpha_krippendorff_2011_section_a_binary_two_coders() -> None:
    # n = 20 values, n_0 = 14, n_1 = 6, o_01 = 4: alpha = 1 - 19 * 4 / (14 * 6) = 2/21 = 0.095.
    data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert krippendorff_alpha(data).value == pytest.approx(2 / 21, rel=1e-12)
    assert krippendorff_alpha(data).value == pytest.approx(0.095, abs=0.0005)


def test_alpha_krippendorff_2011_section_b_nominal_two_coders() -> None:
    # Published alpha = 0.692; n = 24, n_a=4, n_b=6, n_c=6, n_d=6, n_e=2, and three units
    # disagree (o_ab = o_bd = o_ad = 1, both ways): alpha = 1 - 23 * 6 / (576 - 128) = 0.6920.
    data = [list("aabbdcccedda"), list("babbbccceddd")]
    assert krippendorff_alpha(data).value == pytest.approx(1 - 138 / 448, rel=1e-12)
    assert krippendorff_alpha(data).value == pytest.approx(0.692, abs=0.0005)


# Wikipedia "Krippendorff's alpha" example, also the krippendorff package's doctest.
WIKIPEDIA_ALPHA: Data = [
    [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
]


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.691358), ("interval", 0.810845)])
def test_alpha_wikipedia_example(level: Level, expected: float) -> None:
    assert krippendorff_alpha(WIKIPEDIA_ALPHA, level).value == pytest.approx(expected, abs=5e-7)


def test_alpha_ordinal_string_labels_follow_the_given_order() -> None:
    # The krippendorff package's doctest: K2011_C with labels, ordinal 0.815, nominal 0.743.
    names = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    labelled = [[None if v is None else names[v] for v in row] for row in K2011_C]
    ranking = ["very low", "low", "mid", "high", "very high"]
    assert krippendorff_alpha(labelled, "ordinal", order=ranking).value == pytest.approx(
        0.815, abs=0.0005
    )
    assert krippendorff_alpha(labelled).value == pytest.approx(0.743, abs=0.0005)
    # Sorted alphabetically the scale would be scrambled, so the order matters.
    assert not same(krippendorff_alpha(labelled, "ordinal"), krippendorff_alpha(K2011_C, "ordinal"))


@pytest.mark.parametrize("form", ["lists", "array"])
def test_alpha_ordinal_order_of_numbers(form: str) -> None:
    data = K2011_C if form == "lists" else as_array(K2011_C)
    natural = krippendorff_alpha(data, "ordinal").value
    # A reversed scale has the same distances; a shuffled one does not.
    assert krippendorff_alpha(data, "ordinal", order=[5, 4, 3, 2, 1]).value == pytest.approx(
        natural, rel=1e-12
    )
    assert krippendorff_alpha(data, "ordinal", order=[0, 1, 2, 3, 4, 5, 6]).value == natural
    assert krippendorff_alpha(data, "ordinal", order=[3, 1, 5, 2, 4]).value != pytest.approx(
        natural
    )


def test_fleiss_1971_table_1() -> None:
    # Published: P-bar = 0.5556, P_e = 0.2201, kappa = 0.430.
    stat = fleiss_kappa(transpose(FLEISS_1971_PATIENTS))
    assert stat.value == pytest.approx(0.430, abs=0.0005)
    assert (stat.n_units, stat.n_values) == (30, 180)
    p_bar, p_e = Fraction(5556, 10000), Fraction(2201, 10000)
    assert stat.value == pytest.approx(float((p_bar - p_e) / (1 - p_e)), abs=0.0005)


def sklearn_table(pairs: dict[tuple[int, int], int]) -> Data:
    units = [pair for pair, count in pairs.items() for _ in range(count)]
    return transpose(units)


def test_kappa_artstein_poesio_table_4() -> None:
    # scikit-learn's test: 0.8013. p_o = 0.88, p_e = .46*.52 + .44*.32 + .10*.16 = 0.396,
    # kappa = (0.88 - 0.396) / 0.604 = 0.80132.
    data = sklearn_table({(0, 0): 46, (1, 0): 6, (1, 1): 32, (1, 2): 6, (2, 2): 10})
    assert cohen_kappa(data).value == pytest.approx(0.484 / 0.604, rel=1e-12)
    assert cohen_kappa(data).value == pytest.approx(0.8013, abs=5e-5)


def test_kappa_weighting_example_by_hand() -> None:
    # scikit-learn's weighting example: 0.9315 / 0.9412 / 0.9541. Margins r = (.46, .44, .10),
    # c = (.50, .40, .10); the only disagreement is 4% of (1, 0), at distance 1.
    # none:      p_e = .23 + .176 + .01 = .416, kappa = (.96 - .416) / .584 = 0.93151
    # linear:    sum |i-j| r_i c_j = .46*.6 + .44*.6 + .10*1.4 = .68, kappa = 1 - .04/.68 = 0.94118
    # quadratic: sum (i-j)^2 r_i c_j = .46*.8 + .44*.6 + .10*2.4 = .872, 1 - .04/.872 = 0.95413
    data = sklearn_table({(0, 0): 46, (1, 0): 4, (1, 1): 40, (2, 2): 10})
    assert cohen_kappa(data).value == pytest.approx(0.544 / 0.584, rel=1e-12)
    assert cohen_kappa(data, "linear").value == pytest.approx(1 - 0.04 / 0.68, rel=1e-12)
    assert cohen_kappa(data, "quadratic").value == pytest.approx(1 - 0.04 / 0.872, rel=1e-12)
    assert cohen_kappa(data).value == pytest.approx(0.9315, abs=5e-5)
    assert cohen_kappa(data, "linear").value == pytest.approx(0.9412, abs=5e-5)


def test_kappa_wikipedia_example() -> None:
    # 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4.
    data = sklearn_table({(1, 1): 20, (1, 0): 5, (0, 1): 10, (0, 0): 15})
    assert cohen_kappa(data).value == pytest.approx(0.4, rel=1e-12)


def test_kappa_weights_use_positions_of_observed_categories() -> None:
    # Categories 1, 2, 7 sit at positions 0, 1, 2: the same as coding them 0, 1, 2.
    data = sklearn_table({(0, 0): 46, (1, 0): 4, (1, 1): 40, (2, 2): 10, (2, 1): 3})
    relabelled = [[{0: 1, 1: 2, 2: 7}[v] for v in row] for row in data]
    for weights in ("linear", "quadratic"):
        assert cohen_kappa(relabelled, weights).value == cohen_kappa(data, weights).value
    words = [[{0: "lav", 1: "middel", 2: "høj"}[v] for v in row] for row in data]
    ranked = cohen_kappa(words, "linear", order=["lav", "middel", "høj", "ukendt"])
    assert ranked.value == cohen_kappa(data, "linear").value


def test_kappa_drops_units_either_coder_left_missing() -> None:
    data = sklearn_table({(0, 0): 20, (0, 1): 20, (1, 0): 10, (1, 1): 50})
    padded = [data[0] + [None, 1, None, "x"], data[1] + [0, None, None, None]]
    stat = cohen_kappa(padded)
    assert stat.value == cohen_kappa(data).value == pytest.approx(0.348, abs=0.0005)
    assert (stat.n_units, stat.n_values) == (100, 200)


def test_fleiss_drops_units_with_fewer_than_two_ratings() -> None:
    data = transpose(FLEISS_1971_PATIENTS)
    padded = [row + ([3, None] if i == 0 else [None, None]) for i, row in enumerate(data)]
    assert fleiss_kappa(padded).value == fleiss_kappa(data).value


def test_fleiss_needs_the_same_number_of_ratings_on_every_unit() -> None:
    data = transpose(FLEISS_1971_PATIENTS)
    data[0][0] = None  # patient 1 now has 5 ratings, the rest 6
    stat = fleiss_kappa(data)
    assert math.isnan(stat.value)
    assert stat.reason is not None
    assert "different numbers of ratings (5 to 6)" in stat.reason
    assert "Krippendorff's alpha" in stat.reason


def test_percent_agreement_definitions() -> None:
    data: Data = [["a", "a", "a", "a"], ["a", "a", None, None], ["a", "b", "a", None]]
    # Pairable units: 1 (a a a), 2 (a a b), 3 (a a); unit 4 has one value and drops out.
    stat = percent_agreement(data)
    assert (stat.value, stat.n_units, stat.n_values) == (2 / 3, 3, 8)
    # Ordered pairs of coders: unit 1 agrees 6 of 6, unit 2 2 of 6, unit 3 2 of 2.
    assert percent_agreement(data, pairwise=True).value == 10 / 14


def test_stat_converts_to_float_and_reports_definedness() -> None:
    stat = krippendorff_alpha(K2011_C)
    assert float(stat) == stat.value
    assert stat.defined
    assert type(stat.value) is float
    with pytest.raises(ValueError, match="reason"):
        Stat(math.nan)
    with pytest.raises(ValueError, match="reason"):
        Stat(0.5, "why")


# --- undefined results: NaN with a reason, never an exception -------------------------------

MULTI: dict[str, Callable[[Any], Stat]] = {
    "alpha_nominal": lambda d: krippendorff_alpha(d, "nominal"),
    "alpha_ordinal": lambda d: krippendorff_alpha(d, "ordinal"),
    "alpha_interval": lambda d: krippendorff_alpha(d, "interval"),
    "alpha_ratio": lambda d: krippendorff_alpha(d, "ratio"),
    "fleiss": fleiss_kappa,
    "percent": percent_agreement,
    "percent_pairwise": lambda d: percent_agreement(d, pairwise=True),
}
PAIRS: dict[str, Callable[[Any], Stat]] = {
    "kappa": cohen_kappa,
    "kappa_linear": lambda d: cohen_kappa(d, "linear"),
    "kappa_quadratic": lambda d: cohen_kappa(d, "quadratic"),
}
STATISTICS = MULTI | PAIRS
CHANCE_CORRECTED = [name for name in STATISTICS if not name.startswith("percent")]

UNDEFINED_CASES: dict[str, tuple[Data, str]] = {
    "constant": ([[2, 2, 2], [2, 2, 2]], "no variation: every value is 2"),
    "constant_pairable": ([[2, 2, 5], [2, 2, None]], "no variation: every pairable value is 2"),
    "all_missing": ([[None, None, None], [None, None, None]], "fewer than two pairable values"),
    "no_units": ([[], []], "fewer than two pairable values"),
    "single_unit": ([[1], [2]], "only one pairable unit"),
    "single_unit_with_unpairable": ([[1, None], [2, 3]], "only one pairable unit"),
}


@pytest.mark.parametrize("name", CHANCE_CORRECTED)
@pytest.mark.parametrize("case", list(UNDEFINED_CASES))
def test_undefined_gives_nan_and_reason(name: str, case: str) -> None:
    data, reason = UNDEFINED_CASES[case]
    if name.startswith("kappa") and reason.startswith("fewer"):
        reason = "no unit was coded by both coders"
    for form in (data, as_array(data)):
        stat = STATISTICS[name](form)
        assert math.isnan(stat.value)
        assert stat.reason is not None
        assert stat.reason.startswith(reason)


def test_no_variation_reason_quotes_the_value() -> None:
    stat = krippendorff_alpha([["x", "x"], ["x", "x"]])
    assert stat.reason == "no variation: every value is 'x'"
    assert (stat.n_units, stat.n_values) == (2, 4)


@pytest.mark.parametrize("data", [[], [[1, 2, 3]], [[None, None], [None, None]], [[], [], []]])
def test_alpha_fleiss_percent_without_pairs(data: Data) -> None:
    for stat in (krippendorff_alpha(data), fleiss_kappa(data), percent_agreement(data)):
        assert math.isnan(stat.value)
        assert stat.reason == _NO_PAIRS


def test_percent_agreement_is_defined_without_variation_and_for_one_unit() -> None:
    assert percent_agreement([[2, 2, 2], [2, 2, 2]]).value == 1.0
    assert percent_agreement([[1], [2]]).value == 0.0


# --- programming errors raise ValueError ----------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: krippendorff_alpha([[1, 2], [1]]), "different numbers of units"),
        (lambda: fleiss_kappa([[1, 2], [1, 2, 3]]), "different numbers of units"),
        (lambda: krippendorff_alpha([[1, 2]], "nominl"), "unknown level"),  # type: ignore[arg-type]
        (lambda: cohen_kappa([[1, 2], [1, 2]], "cubic"), "unknown weights"),  # type: ignore[arg-type]
        (lambda: cohen_kappa([[1, 2], [1, 2], [1, 2]]), "exactly two coders"),
        (lambda: cohen_kappa([[1, 2]]), "exactly two coders"),
        (lambda: krippendorff_alpha([["a", "b"], ["a", "b"]], "interval"), "needs numbers"),
        (lambda: krippendorff_alpha([[1, -2], [1, 2]], "ratio"), "non-negative"),
        (lambda: krippendorff_alpha([[1, math.inf], [1, 2]], "interval"), "finite"),
        (lambda: krippendorff_alpha([[1, "a"], [1, 2]], "ordinal"), "pass order"),
        (lambda: cohen_kappa([[1, "a"], [1, 2]], "linear"), "pass order"),
        (lambda: krippendorff_alpha([["a"], ["b"]], "ordinal", order=["a"]), "'b' is not in order"),
        (lambda: krippendorff_alpha([["a"], ["a"]], "ordinal", order=["a", "a"]), "twice"),
        (lambda: krippendorff_alpha([[1], [2]], "interval", order=[1, 2]), "order applies"),
        (lambda: krippendorff_alpha(["abc", "abd"]), "not a string"),
        (lambda: krippendorff_alpha([[[1], [2]], [[1], [2]]]), "hashable"),  # type: ignore[list-item]
        (lambda: krippendorff_alpha(np.zeros((2, 2, 2))), "coders x units"),
        (lambda: krippendorff_alpha([1, 2]), "sequence of values"),  # type: ignore[list-item]
    ],
)
def test_programming_errors_raise(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- properties -----------------------------------------------------------------------------

SMALL_VALUES = st.integers(0, 4)


@st.composite
def reliability_data(
    draw: st.DrawFn,
    values: st.SearchStrategy[Any] = SMALL_VALUES,
    coders: tuple[int, int] = (2, 5),
    units: tuple[int, int] = (0, 12),
    missing: bool = True,
) -> Data:
    m = draw(st.integers(*coders))
    n = draw(st.integers(*units))
    cell = st.none() | values if missing else values
    return [draw(st.lists(cell, min_size=n, max_size=n)) for _ in range(m)]


def check(stat: Stat, expected: Fraction | None) -> None:
    if expected is None:
        assert math.isnan(stat.value)
        assert stat.reason
    else:
        assert stat.reason is None
        assert stat.value == pytest.approx(float(expected), rel=1e-9, abs=1e-12)


@BOUNDED
@given(reliability_data())
def test_alpha_matches_literal_coincidence_matrix(data: Data) -> None:
    for level in LEVELS:
        check(krippendorff_alpha(data, level), reference_alpha(data, level))


@BOUNDED
@given(reliability_data(coders=(17, 24), units=(0, 6)))
def test_alpha_fleiss_percent_with_many_coders(data: Data) -> None:
    for level in LEVELS:
        check(krippendorff_alpha(data, level), reference_alpha(data, level))
    check(fleiss_kappa(data), reference_fleiss(data))
    check(percent_agreement(data), reference_percent(data, pairwise=False))
    check(percent_agreement(data, pairwise=True), reference_percent(data, pairwise=True))


@BOUNDED
@given(reliability_data())
def test_percent_agreement_matches_its_definition(data: Data) -> None:
    check(percent_agreement(data), reference_percent(data, pairwise=False))
    check(percent_agreement(data, pairwise=True), reference_percent(data, pairwise=True))


@BOUNDED
@given(reliability_data(coders=(2, 2)))
def test_kappa_matches_textbook_formula(data: Data) -> None:
    weights: Any
    for weights in (None, "linear", "quadratic"):
        check(cohen_kappa(data, weights), reference_kappa(data, weights))


@BOUNDED
@given(reliability_data())
def test_fleiss_matches_fleiss_1971(data: Data) -> None:
    check(fleiss_kappa(data), reference_fleiss(data))


@BOUNDED
@given(reliability_data(missing=False, coders=(2, 6), units=(2, 12)))
def test_fleiss_without_missing_values_is_always_computed_as_published(data: Data) -> None:
    stat = fleiss_kappa(data)
    assert stat.defined == (len({v for row in data for v in row}) > 1)


@BOUNDED
@given(reliability_data(), st.randoms(use_true_random=False))
def test_order_of_coders_and_units_does_not_matter(data: Data, random: Any) -> None:
    columns = list(range(len(data[0])))
    random.shuffle(columns)
    coders = [[row[u] for u in columns] for row in data]
    random.shuffle(coders)
    for compute in MULTI.values():
        assert same(compute(data), compute(coders))
    swapped = [[row[u] for u in columns] for row in (data[1], data[0])]
    for compute in PAIRS.values():
        assert same(compute(data[:2]), compute(swapped))


@st.composite
def perfect_agreement(draw: st.DrawFn) -> Data:
    truth = draw(st.lists(SMALL_VALUES, min_size=2, max_size=12).filter(lambda v: len(set(v)) > 1))
    return [list(truth) for _ in range(draw(st.integers(2, 5)))]


@BOUNDED
@given(perfect_agreement(), st.lists(st.tuples(st.integers(0, 4), st.integers(0, 11))))
def test_perfect_agreement_with_variation_gives_one(data: Data, holes: list[Any]) -> None:
    for compute in MULTI.values():
        assert compute(data).value == 1.0
    for compute in PAIRS.values():
        assert compute(data[:2]).value == 1.0
    # With values missing, agreement stays perfect wherever it is still defined.
    for coder, unit in holes:
        if coder < len(data) and unit < len(data[0]):
            data[coder][unit] = None
    for compute in MULTI.values():
        stat = compute(data)
        assert stat.value == 1.0 or not stat.defined
    for compute in PAIRS.values():
        stat = compute(data[:2])
        assert stat.value == 1.0 or not stat.defined


def same_value(a: Stat, b: Stat) -> bool:
    """Exactly the same value (or both undefined) from the same units."""
    values_match = a.value == b.value or not (a.defined or b.defined)
    return values_match and (a.n_units, a.n_values) == (b.n_units, b.n_values)


@BOUNDED
@given(reliability_data(), st.permutations(["ja", "nej", "måske", 17, 2.5]))
def test_relabelling_categories_changes_nothing(data: Data, labels: list[Hashable]) -> None:
    relabel = dict(zip(range(5), labels, strict=True))
    renamed = [[None if v is None else relabel[v] for v in row] for row in data]
    for compute in (krippendorff_alpha, fleiss_kappa, percent_agreement):
        assert same_value(compute(data), compute(renamed))
    assert same_value(cohen_kappa(data[:2]), cohen_kappa(renamed[:2]))


@BOUNDED
@given(
    reliability_data(),
    st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3),
    st.floats(-1e6, 1e6) | st.sampled_from([2000.0, 1e9, -1e12]),
)
def test_interval_alpha_ignores_affine_rescaling(data: Data, scale: float, shift: float) -> None:
    moved = [[None if v is None else v * scale + shift for v in row] for row in data]
    # Exact on the rounded values, however far they sit from zero ...
    check(krippendorff_alpha(moved, "interval"), reference_alpha(moved, "interval"))
    # ... and the same as before moving, up to the rounding of the moved values.
    a, b = krippendorff_alpha(data, "interval"), krippendorff_alpha(moved, "interval")
    assert a.defined == b.defined
    if a.defined and abs(shift / scale) < 1e6:
        assert b.value == pytest.approx(a.value, rel=1e-6, abs=1e-6)


@BOUNDED
@given(reliability_data())
def test_ordinal_alpha_ignores_monotone_relabelling(data: Data) -> None:
    squeezed = [[None if v is None else 1000 + v**3 for v in row] for row in data]
    assert same(krippendorff_alpha(data, "ordinal"), krippendorff_alpha(squeezed, "ordinal"))


ANY_VALUE = st.one_of(
    st.integers(-3, 3), st.sampled_from(["a", "b", "æ"]), st.booleans(), st.just(math.nan)
)


@BOUNDED
@given(reliability_data(values=ANY_VALUE, coders=(0, 5)))
def test_nominal_statistics_never_raise_on_mixed_values(data: Data) -> None:
    stats = [krippendorff_alpha(data), fleiss_kappa(data), percent_agreement(data)]
    if len(data) == 2:
        stats.append(cohen_kappa(data))
    for stat in stats:
        assert stat.defined == (stat.reason is None) == math.isfinite(stat.value)
        assert stat.value <= 1.0 or not stat.defined


@BOUNDED
@given(reliability_data(values=st.integers(0, 3), coders=(2, 4)))
def test_array_input_gives_the_same_results(data: Data) -> None:
    for name, compute in STATISTICS.items():
        if name.startswith("kappa"):
            assert same(compute(data[:2]), compute(as_array(data[:2])))
        else:
            assert same(compute(data), compute(as_array(data)))
    filled = [[0 if v is None else v for v in row] for row in data]
    for array in (np.array(filled, dtype=np.int64), np.array(filled, dtype=np.uint8)):
        assert same(krippendorff_alpha(filled, "ordinal"), krippendorff_alpha(array, "ordinal"))
    flags = [[bool(v) for v in row] for row in filled]
    assert same(krippendorff_alpha(flags), krippendorff_alpha(np.array(flags)))


AWKWARD_NUMBERS = [0.0, 1e-20, 0.5, 3.25, 7.0, 70000.0, 2.0**30, 1e9, 2.0**60]


@BOUNDED
@given(reliability_data(values=st.sampled_from(AWKWARD_NUMBERS), coders=(2, 4)))
def test_array_input_with_fractions_and_wide_ranges(data: Data) -> None:
    # Tiny fractions must not merge with whole numbers; float32 holds each of these exactly.
    for level in LEVELS:
        expected = krippendorff_alpha(data, level)
        assert same(expected, krippendorff_alpha(as_array(data), level))
        assert same(expected, krippendorff_alpha(as_array(data).astype(np.float32), level))


@pytest.mark.parametrize(
    "array",
    [
        np.array([[2**62, 2**62 + 1, 2**62], [2**62, 2**62 + 1, 2**62 + 1]], dtype=np.int64),
        np.array([[2**63, 2**64 - 1, 2**63], [2**63, 2**64 - 1, 2**64 - 1]], dtype=np.uint64),
        np.array([[-1, 70000, -1], [-1, 70000, 70000]], dtype=np.int32),
        np.array([[-1.5, 2.0, -1.5], [-1.5, 2.0, 2.0]], dtype=np.longdouble),
    ],
    ids=["int64_huge", "uint64_huge", "int32_wide", "longdouble"],
)
def test_nominal_alpha_on_integer_arrays_with_extreme_values(array: Any) -> None:
    # Units: agree, agree, disagree; the same as coding them 0/1.
    expected = krippendorff_alpha([[0, 1, 0], [0, 1, 1]])
    assert krippendorff_alpha(array).value == expected.value
    assert krippendorff_alpha(array.tolist()).value == expected.value


def test_other_sequences_of_coders() -> None:
    expected = krippendorff_alpha(K2011_C).value
    assert krippendorff_alpha(tuple(tuple(row) for row in K2011_C)).value == expected
    assert krippendorff_alpha([np.array(row, dtype=float) for row in as_array(K2011_C)]).value == (
        expected
    )
    assert krippendorff_alpha(np.array(K2011_C, dtype=object)).value == expected


def test_arrays_without_values() -> None:
    for array in (np.full((2, 3), np.nan), np.zeros((2, 0)), np.zeros((0, 0))):
        assert krippendorff_alpha(array).reason == _NO_PAIRS


def test_alpha_agrees_with_the_krippendorff_package() -> None:
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(20240611)
    for trial in range(60):
        m = rng.integers(2, 7) if trial % 3 else rng.integers(17, 25)
        n, v = rng.integers(5, 300), [2, 3, 10, 30][trial % 4]
        data = rng.integers(1, v + 1, size=(m, n)).astype(float)
        data[rng.random(data.shape) < rng.uniform(0, 0.5)] = np.nan
        for level in LEVELS:
            ours = krippendorff_alpha(data, level)
            if not ours.defined:
                continue
            theirs = krippendorff.alpha(data, level_of_measurement=level)
            assert ours.value == pytest.approx(theirs, rel=1e-9, abs=1e-12), (trial, level)


def test_interval_alpha_keeps_precision_on_large_offsets() -> None:
    # Years: interval alpha depends on differences only, so an offset of 2000 changes nothing.
    years = [[None if v is None else 2000 + v for v in row] for row in K2011_C]
    assert krippendorff_alpha(years, "interval").value == pytest.approx(
        krippendorff_alpha(K2011_C, "interval").value, rel=1e-12
    )


@pytest.mark.usefixtures("danish")
def test_reasons_for_an_undefined_statistic_are_in_the_language_in_use() -> None:
    assert krippendorff_alpha([[2, 2, 2], [2, 2, 2]]).reason == "ingen variation: alle værdier er 2"
    assert cohen_kappa([[1, None], [None, 2]]).reason == "ingen enhed er kodet af begge kodere"
