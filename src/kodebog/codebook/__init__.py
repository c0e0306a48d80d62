"""The YAML codebook: data classes (``model``), reading with located problems (``load``,
``parse``), what ids and hotkeys may be (``values``), and writing it back (``dump``)."""

from __future__ import annotations

from kodebog.codebook.dump import dump_codebook
from kodebog.codebook.load import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_PROBLEMS,
    load_codebook,
    parse_codebook,
    validate_codebook_file,
)
from kodebog.codebook.model import (
    CODE_FIELDS,
    RESERVED_KEYS,
    TEXT_LIST_FIELDS,
    TOP_FIELDS,
    Code,
    Codebook,
)
from kodebog.codebook.values import is_valid_id, key_problem, slug_from_label

__all__ = [
    "CODE_FIELDS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_PROBLEMS",
    "RESERVED_KEYS",
    "TEXT_LIST_FIELDS",
    "TOP_FIELDS",
    "Code",
    "Codebook",
    "dump_codebook",
    "is_valid_id",
    "key_problem",
    "load_codebook",
    "parse_codebook",
    "slug_from_label",
    "validate_codebook_file",
]
