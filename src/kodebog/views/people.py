"""The participants as retrieval and comparison see them: label, role, case and attributes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from kodebog.bulk import paused_gc
from kodebog.store.models import Participant
from kodebog.store.plain import plain_rows


class Person(NamedTuple):
    """A participant as retrieval and comparison see it."""

    id: int
    label: str
    role: str | None
    case: str
    attributes: Mapping[str, Any]


class People(Mapping[int, Person]):
    """Every participant by id; a ``Person`` is made when one is asked for.

    A survey has 100,000 respondents. Kept as objects they took 80 ms to build, and the
    garbage collector followed each of them (a full collection took 0.1 s while the retrieve
    screen opened); kept as the plain tuples the database gives, it leaves them alone.
    People with the same attribute values share one dict.
    """

    def __init__(self, rows: Mapping[int, tuple[int, str, str | None, str, str | None]],
                 decoded: Mapping[str | None, dict[str, Any]]) -> None:
        self._rows = rows  # id -> id, label, role, case, attributes as JSON text
        self._decoded = decoded
        self.attribute_sets = list(decoded.values())
        """The distinct attribute dicts."""

    def __getitem__(self, pid: int) -> Person:
        _pid, label, role, case, attributes = self._rows[pid]
        return Person(pid, label, role, case, self._decoded[attributes])

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, pid: object) -> bool:
        return pid in self._rows

    def roles(self) -> set[str]:
        """The roles present."""
        return {role for role in map(itemgetter(2), self._rows.values()) if role}

    def ids_where(self, test: Callable[[str | None, Mapping[str, Any]], bool]) -> set[int]:
        """The ids of the people whose role and attributes pass ``test`` (asked once each)."""
        answers: dict[tuple[str | None, str | None], bool] = {}
        found = set()
        for pid, _label, role, _case, attributes in self._rows.values():
            answer = answers.get((role, attributes))
            if answer is None:
                answer = answers[role, attributes] = test(role, self._decoded[attributes])
            if answer:
                found.add(pid)
        return found


def attribute_sets(people: Mapping[int, Person]) -> list[Mapping[str, Any]]:
    """Each distinct attribute dict of ``people`` once."""
    if isinstance(people, People):
        return list(people.attribute_sets)
    return list({id(p.attributes): p.attributes for p in people.values()}.values())


def load_people(session: Session) -> People:
    """Every participant by id, with its case.

    The attributes are read as JSON text and each distinct text decoded once: a survey's
    respondents share a few combinations of background values.
    """
    with paused_gc():
        rows = plain_rows(session, select(
            Participant.id, Participant.label, Participant.role,
            func.coalesce(func.nullif(Participant.case_key, ""), Participant.key),
            cast(Participant.attributes, Text)))
        try:
            texts = set(map(itemgetter(4), rows))
        except TypeError:  # a driver that decodes JSON itself: dicts, not text
            rows = [(*row[:4], json.dumps(row[4], sort_keys=True))
                    if isinstance(row[4], dict) else row for row in rows]
            texts = set(map(itemgetter(4), rows))
        decoded = {text: json.loads(text) if text else {} for text in texts}
        return People({row[0]: row for row in rows}, decoded)
