"""The personal-data detector on 100,000 survey comments of about 30 words (issue 13).

``python bench/privacy_bench.py [--comments N] [--compare OLD_DETECT.py]``: seconds to scan
every comment with ``find_personal_data``, with and without a 315-name list, and (with
``--compare``) the same for another version of ``privacy/detect.py``. Numbers, machine,
date and load average go to ``bench/README.md`` and ``docs/privacy.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from kodebog.privacy import detect
from kodebog.privacy.names import NameList

_TEXT = ("jeg har haft fire sagsbehandlere på et år og det er for meget man kan aldrig få fat "
         "i nogen på telefonen mødet var godt hun lyttede til mig brevet var svært at forstå "
         "vi venter stadig på en afgørelse praktikken gav mening jobcentret 2021 kl. 10 "
         "3 gange 250 kr")
WORDS = _TEXT.split()
_FIRST = ("Anne Mette Hanne Kirsten Susanne Lene Marianne Camilla Louise Charlotte Maria Tina "
         "Pia Julie Helle Peter Jens Lars Michael Henrik Thomas Søren Jan Niels Martin Rasmus "
         "Christian Morten Anders Jesper Mads Ole Jørgen Kim Erik Bo Poul Frederik Emil "
         "Mikkel")
FIRST = _FIRST.split()
_LAST = ("Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen "
        "Jørgensen Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen "
        "Møller Mortensen")
LAST = _LAST.split()


def names(count: int = 315) -> list[str]:
    """``count`` distinct first names, full names and surnames."""
    every = FIRST + LAST + [f"{f} {s}" for f in FIRST for s in LAST]
    return every[:count]


def comments(count: int, listed: list[str], seed: int = 13) -> list[str]:
    """Survey comments of 30 words; one in a hundred holds a phone number, one in fifty a
    name from the list, one in two hundred an e-mail address."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        words = rng.choices(WORDS, k=30)
        if i % 100 == 0:
            words[5] = f"{rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 12"
        if i % 50 == 0:
            words[9] = rng.choice(listed)
        if i % 200 == 0:
            words[20] = "anne.hansen@example.dk"
        out.append(" ".join(words).capitalize() + ".")
    return out


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("detect_compared", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _timed(run: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--compare", type=Path, help="another detect.py to time beside")
    args = parser.parse_args()
    listed = NameList.from_names(names())
    texts = comments(args.comments, names())
    chars = sum(map(len, texts))
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()},"
          f" load average {os.getloadavg()[0]:.1f}; {len(texts):,} comments, {chars:,} "
          "characters; CPU seconds, best of 3")
    versions: list[tuple[str, ModuleType]] = [("this", detect)]
    if args.compare:
        versions.append((args.compare.name, _load(args.compare)))
    for label, module in versions:
        find = module.find_personal_data
        bare = _timed(lambda: [find(t) for t in texts])  # noqa: B023 - run at once
        named = _timed(lambda: [find(t, listed) for t in texts])  # noqa: B023 - run at once
        hits = sum(len(find(t, listed)) for t in texts)
        print(f"{label:>16}: {bare:.2f} s without names, {named:.2f} s with 315 names "
              f"({hits} hits)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
