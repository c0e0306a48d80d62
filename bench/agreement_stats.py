"""Time kodebog's agreement statistics against the krippendorff package on the same matrices."""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from kodebog.agreement import (
    Level,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")


def best_ms(call: Callable[[], Any], budget: float = 2.0, most: int = 7) -> tuple[float, Any]:
    """Best wall time of a few runs (at least two, more while within ``budget`` seconds)."""
    return interleaved({"call": call}, budget, most)["call"]


def interleaved(
    calls: Mapping[str, Callable[[], Any]], budget: float = 2.0, most: int = 7
) -> dict[str, tuple[float, Any]]:
    """Best wall time of each call, taking turns so that load from elsewhere hits all alike.

    Every call runs at least twice; a call runs again while it has used less than ``budget``
    seconds and fewer than ``most`` runs.
    """
    best = dict.fromkeys(calls, float("inf"))
    spent = dict.fromkeys(calls, 0.0)
    runs = dict.fromkeys(calls, 0)
    results: dict[str, Any] = {}
    while True:
        due = [
            name for name in calls if runs[name] < 2 or (runs[name] < most and spent[name] < budget)
        ]
        if not due:
            return {name: (best[name] * 1000, results[name]) for name in calls}
        for name in due:
            start = time.perf_counter()
            results[name] = calls[name]()
            elapsed = time.perf_counter() - start
            best[name] = min(best[name], elapsed)
            spent[name] += elapsed
            runs[name] += 1


def matrix(coders: int, units: int, categories: int, missing: float, seed: int) -> Any:
    """Values 1..categories as floats, with NaN for a ``missing`` share of the cells."""
    rng = np.random.default_rng(seed)
    data = rng.integers(1, categories + 1, size=(coders, units)).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


def as_lists(data: Any) -> list[list[int | None]]:
    return [[None if np.isnan(v) else int(v) for v in row] for row in data.tolist()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--missing", type=float, default=0.1, help="share of missing cells")
    args = parser.parse_args()
    krippendorff: Any
    try:
        import krippendorff
    except ImportError:
        krippendorff = None
        print("krippendorff package not installed: timing kodebog only")

    worst_ratio, worst_difference = 0.0, 0.0
    print(f"{args.coders} coders x {args.units:,} units, {args.missing:.0%} missing; best ms")
    header = f"{'level':<9}{'values':>7}{'array':>9}{'lists':>9}{'package':>10}{'ratio':>7}"
    print(f"{header}  alpha")
    for categories in (2, 30):
        data = matrix(args.coders, args.units, categories, args.missing, seed=categories)
        lists = as_lists(data)
        for level in LEVELS:
            calls: dict[str, Callable[[], Any]] = {
                "array": functools.partial(krippendorff_alpha, data, level),
                "lists": functools.partial(krippendorff_alpha, lists, level),
            }
            if krippendorff is not None:
                calls["package"] = functools.partial(
                    krippendorff.alpha, data, level_of_measurement=level
                )
            timed = interleaved(calls)
            (ours_ms, ours), (lists_ms, from_lists) = timed["array"], timed["lists"]
            assert from_lists.value == ours.value, (level, categories)
            line = f"{level:<9}{categories:>7}{ours_ms:>9.1f}{lists_ms:>9.1f}"
            if krippendorff is not None:
                theirs_ms, theirs = timed["package"]
                ratio = ours_ms / theirs_ms
                worst_ratio = max(worst_ratio, ratio)
                worst_difference = max(worst_difference, abs(ours.value - float(theirs)))
                line += f"{theirs_ms:>10.1f}{ratio:>7.2f}"
            print(f"{line}  {ours.value:.6f}")

    print()
    data = matrix(args.coders, args.units, 30, 0.0, seed=7)
    for name, call in {
        "cohen_kappa (2 coders)": lambda: cohen_kappa(data[:2]),
        "cohen_kappa quadratic": lambda: cohen_kappa(data[:2], "quadratic"),
        "fleiss_kappa": lambda: fleiss_kappa(data),
        "percent_agreement": lambda: percent_agreement(data),
        "percent_agreement pairwise": lambda: percent_agreement(data, pairwise=True),
    }.items():
        elapsed, stat = best_ms(call)
        print(f"{name:<28}{elapsed:>8.1f} ms  {stat.value:.6f}")

    if krippendorff is not None:
        print(f"\nslowest ratio to the package: {worst_ratio:.2f} (limit 2.00); ", end="")
        print(f"largest difference in alpha: {worst_difference:.1e}")
        if worst_ratio > 2 or worst_difference > 1e-9:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
