"""Writing a codebook as human-friendly YAML that parses back to an equal Codebook."""

from __future__ import annotations

import re
from typing import Any

import yaml

from kodebog.codebook.model import TEXT_LIST_FIELDS, Code, Codebook
from kodebog.codebook.parse import YAML_TAG


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists; multi-line text as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if any(c in value for c in "\r\x85\u2028\u2029"):
        style = '"'
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar(YAML_TAG + "str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_codebook(codebook: Codebook) -> str:
    """The codebook as human-friendly YAML that parses back to an equal Codebook."""
    data: dict[str, Any] = {"language": codebook.language}
    if codebook.title:
        data["title"] = codebook.title
    if codebook.description:
        data["description"] = codebook.description
    data["codes"] = [_code_data(code) for code in codebook.codes]
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=88,
    )
    return _space_codes(str(text))


def _code_data(code: Code) -> dict[str, Any]:
    """One code as plain data in the file's field order, empty fields left out."""
    values: dict[str, Any] = {
        "id": code.id,
        "label": code.label,
        "description": code.description,
        **{name: list(getattr(code, name)) for name in TEXT_LIST_FIELDS},
        "color": code.color,
        "key": code.key,
        "replaces": list(code.replaces),
        "children": [_code_data(child) for child in code.children],
    }
    return {name: value for name, value in values.items() if value}


def _space_codes(text: str) -> str:
    """A blank line between top-level codes, for reading."""
    head, marker, codes = text.partition("\ncodes:\n")
    return head + marker + re.sub(r"\n(?=  - )", "\n\n", codes)
