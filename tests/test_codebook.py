"""Tests for the YAML codebook: parsing, located problems, loading files and dumping."""

from __future__ import annotations

import string
import unicodedata
from pathlib import Path
from textwrap import dedent

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kodebog.codebook import (
    CODE_FIELDS,
    MAX_BYTES,
    MAX_PROBLEMS,
    RESERVED_KEYS,
    TOP_FIELDS,
    Code,
    Codebook,
    dump_codebook,
    load_codebook,
    parse_codebook,
    validate_codebook_file,
)
from kodebog.errors import CodebookError, KodebogError, Problem

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "data" / "codebooks"
JOBCENTER = ROOT / "codebooks" / "jobcenter.yaml"
JOBCENTER_IDS = {
    "first_meeting",
    "meeting_time",
    "caseworker_relation",
    "caseworker_change",
    "contact_center",
    "letters_information",
    "digital_self_service",
    "physical_setting",
    "rules_and_system",
    "activities_and_offers",
    "long_courses",
    "staff_conditions",
}

HEADER = "language: da\ncodes:\n"


def problems(text: str) -> list[str]:
    """The problems of a codebook text as 'LINE:COL: message' strings."""
    with pytest.raises(CodebookError) as info:
        parse_codebook(dedent(text), "cb.yaml")
    assert all(p.file == "cb.yaml" for p in info.value.problems)
    return [f"{p.line}:{p.col}: {p.message}" for p in info.value.problems]


def only_problem(text: str) -> str:
    """The single problem of a codebook text."""
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def codes(text: str) -> str:
    """A codebook text: the standard header followed by the given code list."""
    return HEADER + dedent(text)


# Valid codebooks


def test_small_fixture_parses_every_field() -> None:
    book = load_codebook(FIXTURES / "small.yaml")
    assert book.language == "da"
    assert book.title == "Borgernes møde med jobcentret"
    assert book.description.startswith("Temaer fra fokusgrupper")
    assert book.ids == [
        "caseworker_relation",
        "caseworker_relation_positive",
        "caseworker_relation_negative",
        "caseworker_change",
    ]
    relation = book.codes[0]
    assert relation.label == "Mødet med sagsbehandleren"
    assert relation.description.endswith("tonen i mødet.")
    assert relation.keywords == ("sagsbehandler", "lyttede", "respekt", "tillid", "blive hørt")
    assert relation.exclude_keywords == ("skiftede sagsbehandler",)
    assert relation.examples[0] == "Hun lyttede faktisk til, hvad jeg sagde."
    assert relation.include and relation.exclude
    assert (relation.color, relation.key, relation.parent) == ("#1f77b4", "r", None)
    assert relation.replaces == ("meeting_quality",)
    assert [c.parent for c in relation.children] == ["caseworker_relation"] * 2
    assert [c.key for c in relation.children] == ["1", "2"]
    assert book.codes[1].color == "#ff8800"
    assert book.replaced_by() == {"meeting_quality": "caseworker_relation"}


def test_single_strings_count_as_one_item_lists() -> None:
    book = parse_codebook(
        codes("""\
        - id: a
          label: A
          keywords: sagsbehandler
          examples: "Det var godt."
          replaces: old_a
        """)
    )
    code = book.codes[0]
    assert (code.keywords, code.examples, code.replaces) == (
        ("sagsbehandler",),
        ("Det var godt.",),
        ("old_a",),
    )


def test_text_is_kept_as_written_stripped_and_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Møde på kontoret")
    book = parse_codebook(
        codes(f"""\
        - id: a
          label: "  {decomposed}  "
          keywords: ["  Sagsbehandler ", Jobnet]
        """)
    )
    assert book.codes[0].label == "Møde på kontoret"
    assert book.codes[0].keywords == ("Sagsbehandler", "Jobnet")


def test_numbers_and_yes_no_are_read_as_the_text_written() -> None:
    book = parse_codebook("language: no\ncodes:\n  - id: a\n    label: yes\n    key: 1\n")
    assert book.language == "no"
    assert (book.codes[0].label, book.codes[0].key) == ("yes", "1")


def test_empty_optional_fields_are_omitted() -> None:
    book = parse_codebook(codes("- id: a\n  label: A\n  description:\n  keywords:\n  key:\n"))
    assert book.codes[0] == Code(id="a", label="A")


def test_three_digit_colour_is_normalised() -> None:
    book = parse_codebook(codes('- id: a\n  label: A\n  color: "#AbC"\n'))
    assert book.codes[0].color == "#aabbcc"


def test_crlf_line_endings_are_read() -> None:
    book = parse_codebook("language: da\r\ncodes:\r\n  - id: a\r\n    label: Møde\r\n")
    assert book.codes[0].label == "Møde"


def test_anchors_without_aliases_are_harmless() -> None:
    book = parse_codebook(codes("- &first\n  id: a\n  label: &l A\n"))
    assert book.codes[0].label == "A"


# Problems, one kind at a time


def test_malformed_yaml_is_located_at_the_parser_position() -> None:
    found = only_problem("language: da\ncodes:\n  - id: a\n    label: Det var: godt\n")
    assert found.startswith("4:19: invalid YAML: mapping values are not allowed here")


def test_tab_indentation_says_use_spaces() -> None:
    assert "indent with spaces, not tabs" in only_problem("language: da\ncodes:\n\t- id: a\n")


def test_several_documents_are_refused() -> None:
    found = only_problem("language: da\n---\nlanguage: da\n")
    assert found.startswith("2:1: invalid YAML") and "remove the second '---'" in found


def test_empty_file() -> None:
    assert only_problem("# nothing but a comment\n") == (
        "1:1: the file is empty; a codebook needs 'language' and 'codes'"
    )


def test_top_level_must_be_a_mapping() -> None:
    found = only_problem("- id: a\n  label: A\n")
    assert found.startswith("1:1: the top level must be a mapping") and "not a list" in found


def test_missing_language_and_codes() -> None:
    assert problems("title: Jobcenter\n") == [
        "1:1: missing field 'language'; add e.g. language: da",
        "1:1: missing field 'codes'; add a list of codes",
    ]


@pytest.mark.parametrize("value", ["DA", "dansk", "d", "1"])
def test_bad_language(value: str) -> None:
    found = only_problem(f"language: {value}\ncodes:\n  - id: a\n    label: A\n")
    assert found.startswith(f"1:11: language '{value}' is not a two-letter ISO 639-1 code")
    assert "language: da" in found


def test_empty_language() -> None:
    assert only_problem("language:\ncodes:\n  - id: a\n    label: A\n").startswith(
        "1:10: 'language' is empty"
    )


def test_empty_codes_list() -> None:
    assert only_problem("language: da\ncodes: []\n") == (
        "2:8: 'codes' is empty; add at least one code"
    )
    assert only_problem("language: da\ncodes:\n") == (
        "2:1: 'codes' is empty; add at least one code"
    )


def test_codes_must_be_a_list_of_mappings() -> None:
    assert only_problem("language: da\ncodes: first_meeting\n").startswith(
        "2:8: 'codes' must be a list of codes, not text"
    )
    assert only_problem(codes("- first_meeting\n")).startswith(
        "3:3: a code must be a mapping with 'id' and 'label', not text"
    )


def test_unknown_field_suggests_the_close_one() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  keyword: [sagsbehandler]\n"))
    assert found == "5:3: unknown field 'keyword' (did you mean 'keywords'?)"


def test_unknown_field_at_the_top_level() -> None:
    assert problems("language: da\ntitel: Jobcenter\ncodes:\n  - id: a\n    label: A\n") == [
        "2:1: unknown field 'titel' (did you mean 'title'?)"
    ]


def test_unknown_field_in_danish_or_british_spelling_is_translated() -> None:
    found = problems(codes("- id: a\n  label: A\n  nøgleord: [tid]\n  colour: '#fff'\n"))
    assert found == [
        "5:3: unknown field 'nøgleord' (did you mean 'keywords'?)",
        "6:3: unknown field 'colour' (did you mean 'color'?)",
    ]


def test_unknown_field_without_a_close_match_lists_the_known_ones() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  zzz: 1\n"))
    assert found.startswith("5:3: unknown field 'zzz'; known fields are: id, label")


def test_field_at_the_wrong_level_says_where_it_belongs() -> None:
    found = problems("language: da\nlabel: X\ncodes:\n  - id: a\n    label: A\n    title: T\n")
    assert found == [
        "2:1: unknown field 'label' at the top level; it belongs inside a code under 'codes'",
        "6:5: unknown field 'title' in a code; it belongs at the top level",
    ]


def test_keywords_must_be_a_list_of_texts() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  keywords: {tid: 1}\n"))
    assert found == "5:13: 'keywords' must be a list of texts, not a mapping"


def test_each_list_item_must_be_text() -> None:
    found = problems(
        codes("""\
        - id: a
          label: A
          examples:
            - Det er: godt
            - [a, b]
            -
        """)
    )
    assert found == [
        "6:7: each item in 'examples' must be text, not a mapping "
        "(put text containing ': ' in quotes)",
        "7:7: each item in 'examples' must be text, not a list",
        "8:6: empty item in 'examples'; write text or remove the item",
    ]


def test_label_must_be_text() -> None:
    assert only_problem(codes("- id: a\n  label: [A]\n")) == (
        "4:10: 'label' must be text, not a list"
    )


def test_missing_label() -> None:
    found = only_problem(codes("- id: first_meeting\n  key: f\n"))
    assert found.startswith("3:3: code 'first_meeting' has no 'label'; add e.g. label: ")


@pytest.mark.parametrize("label", ['""', "", "'   '"])
def test_empty_label(label: str) -> None:
    found = only_problem(codes(f"- id: a\n  label: {label}\n"))
    assert found.startswith("4:") and "code 'a' has an empty 'label'" in found


def test_missing_id() -> None:
    assert only_problem(codes("- label: A\n")).startswith("3:3: code without 'id'")


def test_bad_id_slug_with_a_suggestion() -> None:
    found = only_problem(codes("- id: Mødet med Sagsbehandler\n  label: A\n"))
    assert found.startswith("3:7: id 'Mødet med Sagsbehandler' is not a valid id")
    assert "(e.g. 'moedet_med_sagsbehandler')" in found


@pytest.mark.parametrize("value", ["1st_meeting", "first-meeting", "_x", "Ab"])
def test_bad_id_slugs(value: str) -> None:
    assert f"id '{value}' is not a valid id" in only_problem(codes(f"- id: {value}\n  label: A\n"))


def test_duplicate_id_points_at_the_second_and_names_the_first_line() -> None:
    found = only_problem(
        codes("""\
        - id: a
          label: A
          children:
            - id: b
              label: B
        - id: b
          label: B again
        """)
    )
    assert found == "8:7: duplicate id 'b' (first on line 6); ids must be unique in the whole file"


def test_duplicate_hotkey() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  key: r\n- id: b\n  label: B\n  key: r\n"))
    assert found == "8:8: duplicate hotkey 'r' (first used by 'a' on line 5); choose another key"


@pytest.mark.parametrize("key", sorted(RESERVED_KEYS))
def test_reserved_hotkey(key: str) -> None:
    found = only_problem(codes(f"- id: a\n  label: A\n  key: {key}\n"))
    assert found.startswith(f"5:8: hotkey '{key}' is reserved by kodebog")


def test_multi_character_hotkey() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  key: ab\n"))
    assert found == "5:8: hotkey 'ab' must be exactly one character"


def test_uppercase_hotkey_suggests_lowercase() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  key: R\n"))
    assert found == "5:8: hotkey 'R' must be lowercase; write 'r'"


@pytest.mark.parametrize("key", ["é", "!", "Q"])
def test_hotkey_outside_danish_letters_and_digits(key: str) -> None:
    found = only_problem(codes(f"- id: a\n  label: A\n  key: '{key}'\n"))
    assert found == f"5:8: hotkey '{key}' must be a lowercase letter (a-z, æ, ø, å) or a digit 0-9"


def test_danish_letters_are_hotkeys() -> None:
    text = "language: da\ncodes:\n" + "".join(
        f"  - id: c{n}\n    label: C\n    key: '{key}'\n" for n, key in enumerate("æøå")
    )
    assert [code.key for code in parse_codebook(text).walk()] == ["æ", "ø", "å"]


def test_uppercase_danish_hotkey_suggests_lowercase() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  key: Ø\n"))
    assert found == "5:8: hotkey 'Ø' must be lowercase; write 'ø'"


@pytest.mark.parametrize("color", ["blue", "'#12345'", "'1f77b4'", "'#ggg'"])
def test_bad_colour(color: str) -> None:
    found = only_problem(codes(f"- id: a\n  label: A\n  color: {color}\n"))
    assert found.startswith("5:10: color ") and "is not a hex colour" in found


def test_unquoted_colour_is_a_comment_and_says_so() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  color: #1f77b4\n"))
    assert found.startswith("5:") and "an unquoted # starts a comment" in found


def test_code_replacing_itself() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  replaces: [old, a]\n"))
    assert found == "5:19: code 'a' replaces itself; remove 'a' from 'replaces'"


def test_replaces_cycle_is_reported_once_with_its_ids() -> None:
    found = only_problem(
        codes("""\
        - id: a
          label: A
          replaces: b
        - id: b
          label: B
          replaces: c
        - id: c
          label: C
          replaces: a
        """)
    )
    assert found.startswith("5:13: 'replaces' cycle: 'a', 'b', 'c' replace each other")


def test_replaced_id_still_defined() -> None:
    found = only_problem(
        codes("- id: new\n  label: New\n  replaces: [old]\n- id: old\n  label: Old\n")
    )
    assert found == (
        "5:14: 'old' is replaced by 'new' but still defined (line 6); "
        "delete that code or remove 'old' from 'replaces'"
    )


def test_an_id_replaced_by_two_codes() -> None:
    found = only_problem(
        codes("- id: a\n  label: A\n  replaces: old\n- id: b\n  label: B\n  replaces: old\n")
    )
    assert found.startswith("8:13: 'old' is already replaced by 'a' (line 5)")


def test_replaced_id_listed_twice_and_bad_replaced_id() -> None:
    found = problems(codes("- id: a\n  label: A\n  replaces: [old, old, Old Code]\n"))
    assert found[0] == "5:19: 'old' is listed twice in 'replaces'; remove one"
    assert found[1].startswith("5:24: replaced id 'Old Code' is not a valid id")


def test_duplicate_field_in_a_code() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  label: B\n"))
    assert found == "5:3: duplicate field 'label' (first on line 4); remove one of them"


def test_duplicate_field_at_the_top_level() -> None:
    found = only_problem("language: da\nlanguage: en\ncodes:\n  - id: a\n    label: A\n")
    assert found == "2:1: duplicate field 'language' (first on line 1); remove one of them"


def test_field_name_must_be_text() -> None:
    found = only_problem(codes("- id: a\n  label: A\n  [x]: 1\n"))
    assert found == "5:3: a field name must be text, not a list"


def test_python_tag_is_refused() -> None:
    found = validate_codebook_file(FIXTURES / "python_tag.yaml")
    assert [(p.line, p.col) for p in found] == [(4, 12)]
    assert found[0].message == "tag '!!python/object/apply:os.system' is not allowed; remove it"


def test_local_and_non_json_tags_are_refused() -> None:
    found = problems(codes("- id: a\n  label: !custom A\n  keywords: !!set {a: null}\n"))
    assert found == [
        "4:10: tag '!custom' is not allowed; remove it",
        "5:13: tag '!!set' is not allowed; remove it",
    ]


def test_explicit_standard_tags_are_fine() -> None:
    book = parse_codebook(codes("- id: a\n  label: !!str 2024\n"))
    assert book.codes[0].label == "2024"


def test_alias_is_refused_at_its_own_position() -> None:
    found = only_problem(codes("- id: a\n  label: &l A\n- id: b\n  label: *l\n"))
    assert found == "6:10: alias '*l' is not allowed; write the value out"


def test_billion_laughs_is_refused_at_the_first_alias() -> None:
    found = validate_codebook_file(FIXTURES / "billion_laughs.yaml")
    assert "12:8: alias '*lol9' is not allowed; write the value out" in [
        f"{p.line}:{p.col}: {p.message}" for p in found
    ]


def test_recursive_alias_is_refused() -> None:
    found = problems("language: da\ncodes: &c [*c]\n")
    assert "2:12: alias '*c' is not allowed; write the value out" in found


def test_deep_nesting_is_refused() -> None:
    found = only_problem("language: da\ncodes: " + "[" * 500 + "]" * 500 + "\n")
    assert found.startswith("2:") and "nested more than 100 levels deep" in found


def test_deeply_nested_children_within_the_limit_parse() -> None:
    text = HEADER
    for depth in range(30):
        pad = "    " * depth
        text += f"{pad}  - id: c{depth}\n{pad}    label: C{depth}\n{pad}    children:\n"
    text += "    " * 30 + "  - id: leaf\n" + "    " * 30 + "    label: Leaf\n"
    book = parse_codebook(text)
    assert len(book.ids) == 31
    assert book.get("leaf") == Code(id="leaf", label="Leaf", parent="c29")


def test_control_characters_are_located() -> None:
    found = problems("language: da\ncodes:\n  - id: a\n    label: A\x07B\x00\n")
    assert found == [
        "4:13: invalid character U+0007 (not allowed in YAML); remove it",
        "4:15: invalid character U+0000 (not allowed in YAML); remove it",
    ]


# Many problems at once


def test_every_problem_in_a_file_is_reported_in_file_order() -> None:
    found = [str(p) for p in validate_codebook_file(FIXTURES / "many_problems.yaml")]
    name = str(FIXTURES / "many_problems.yaml")
    assert [p.removeprefix(name + ":").split(": ")[0] for p in found] == [
        "1:11",
        "3:9",
        "5:5",
        "6:10",
        "8:11",
        "9:12",
        "10:10",
        "11:9",
        "16:10",
        "17:16",
    ]
    text = "\n".join(found)
    for fragment in [
        "language 'Dansk'",
        "id 'Mødet' is not a valid id",
        "unknown field 'keyword' (did you mean 'keywords'?)",
        "hotkey 'q' is reserved",
        "code 'contact_center' has an empty 'label'",
        "color 'blue' is not a hex colour",
        "hotkey 'kk' must be exactly one character",
        "duplicate id 'contact_center' (first on line 7)",
        "duplicate hotkey 'r' (first used by 'contact_center' on line 13)",
        "code 'letters' replaces itself",
    ]:
        assert fragment in text


def test_problem_count_is_capped() -> None:
    text = HEADER + "".join(f"  - id: Bad{i}\n    label: B\n" for i in range(300))
    found = problems(text)
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1].endswith(
        f"too many problems; stopped after {MAX_PROBLEMS} (fix these and check again)"
    )


def test_error_message_names_the_first_problem_and_the_count() -> None:
    with pytest.raises(CodebookError) as info:
        parse_codebook("title: x\n", "cb.yaml")
    assert str(info.value) == (
        "cb.yaml:1:1: missing field 'language'; add e.g. language: da (and 1 more problems)"
    )


# Files


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_bytes(data)
    return path


def test_bom_is_accepted_and_positions_stay_right(tmp_path: Path) -> None:
    path = write(
        tmp_path, b"\xef\xbb\xbf" + "language: DA\ncodes:\n  - id: a\n    label: Å\n".encode()
    )
    found = validate_codebook_file(path)
    assert [(p.line, p.col) for p in found] == [(1, 11)]
    path = write(
        tmp_path, b"\xef\xbb\xbf" + "language: da\ncodes:\n  - id: a\n    label: Å\n".encode()
    )
    assert load_codebook(path).codes[0].label == "Å"


def test_bom_in_text_is_accepted() -> None:
    assert parse_codebook("\ufeff" + HEADER + "  - id: a\n    label: A\n").language == "da"


def test_non_utf8_file_is_one_problem_at_the_start(tmp_path: Path) -> None:
    path = write(tmp_path, "language: da\ncodes:\n  - id: a\n    label: Møde\n".encode("cp1252"))
    found = validate_codebook_file(path)
    assert found == [
        Problem(
            str(path),
            1,
            1,
            "file is not UTF-8 (byte 0xf8 on line 4; perhaps Windows-1252); save it again as UTF-8",
        )
    ]


def test_utf16_file_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, "language: da\n".encode("utf-16"))
    (problem,) = validate_codebook_file(path)
    assert (problem.line, problem.col) == (1, 1) and "UTF-16" in problem.message


def test_missing_file_is_a_problem_and_load_raises_a_kodebog_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert validate_codebook_file(path) == [
        Problem(str(path), 1, 1, "file not found; check the path")
    ]
    with pytest.raises(KodebogError):
        load_codebook(path)


def test_directory_is_a_problem(tmp_path: Path) -> None:
    (problem,) = validate_codebook_file(tmp_path)
    assert problem.message.startswith("cannot read the file")


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, b"#" * (MAX_BYTES + 1))
    (problem,) = validate_codebook_file(path)
    assert (problem.line, problem.col) == (1, 1) and "larger than 5 MB" in problem.message


def test_valid_file_has_no_problems() -> None:
    assert validate_codebook_file(FIXTURES / "small.yaml") == []
    assert validate_codebook_file(str(FIXTURES / "small.yaml")) == []


def test_bundled_jobcenter_codebook_is_valid_with_the_twelve_themes() -> None:
    assert validate_codebook_file(JOBCENTER) == []
    book = load_codebook(JOBCENTER)
    assert book.language == "da"
    assert sorted(book.ids) == sorted(JOBCENTER_IDS)
    assert all(code.label for code in book.walk())
    assert parse_codebook(dump_codebook(book)) == book


def test_docs_example_is_valid() -> None:
    docs = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    book = parse_codebook(example, "docs/codebook.md")
    assert book.get("caseworker_relation_positive") is not None


def test_docs_sample_output_is_what_validation_prints(tmp_path: Path) -> None:
    docs = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    shown = [line for line in docs.splitlines() if line.startswith("mine.yaml:")]
    path = tmp_path / "mine.yaml"
    path.write_bytes((FIXTURES / "many_problems.yaml").read_bytes())
    printed = [str(p).replace(str(path), "mine.yaml") for p in validate_codebook_file(path)]
    assert shown and set(shown) <= set(printed)


# Dumping


def test_dump_is_block_style_unicode_ordered_and_omits_empty_fields() -> None:
    book = Codebook(
        language="da",
        title="Jobcenter",
        codes=(
            Code(
                id="a",
                label="Mødet",
                description="Første linje.\nAnden linje.",
                keywords=("sagsbehandler", "tid"),
                color="#1f77b4",
                key="1",
                children=(Code(id="b", label="Bø", parent="a"),),
            ),
            Code(id="c", label="no", replaces=("old",)),
        ),
    )
    assert dump_codebook(book) == dedent("""\
        language: da
        title: Jobcenter
        codes:
          - id: a
            label: Mødet
            description: |-
              Første linje.
              Anden linje.
            keywords:
              - sagsbehandler
              - tid
            color: '#1f77b4'
            key: '1'
            children:
              - id: b
                label: Bø

          - id: c
            label: 'no'
            replaces:
              - old
        """)
    assert parse_codebook(dump_codebook(book)) == book


def test_dump_field_order_follows_the_format() -> None:
    full = Code(
        id="a",
        label="A",
        description="D",
        include=("i",),
        exclude=("e",),
        examples=("x",),
        keywords=("k",),
        exclude_keywords=("n",),
        color="#000000",
        key="a",
        replaces=("o",),
        children=(Code(id="b", label="B", parent="a"),),
    )
    data = yaml.safe_load(dump_codebook(Codebook(language="da", codes=(full,), description="d")))
    assert list(data) == ["language", "description", "codes"]
    assert list(data["codes"][0]) == list(CODE_FIELDS)


def test_fixture_round_trips() -> None:
    book = load_codebook(FIXTURES / "small.yaml")
    assert parse_codebook(dump_codebook(book)) == book


_TEXT_CHARACTERS = st.characters(
    categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="\ufeff"
) | st.sampled_from("\n\n\t\r\x85\u2028\u2029 æøåÆØÅ„“”»«–#:-'\"|>&*!%@`{}[],?")
_texts = st.text(_TEXT_CHARACTERS, min_size=1, max_size=30).map(
    lambda s: unicodedata.normalize("NFC", s).strip() or "x"
)
_ids = st.builds(
    "{}{}".format,
    st.sampled_from(string.ascii_lowercase),
    st.text(string.ascii_lowercase + string.digits + "_", max_size=10),
)
_FREE_KEYS = sorted(set(string.ascii_lowercase + string.digits) - RESERVED_KEYS)
_shapes = st.lists(
    st.recursive(st.just(()), lambda kids: st.lists(kids, max_size=3).map(tuple), max_leaves=5),
    min_size=1,
    max_size=4,
)


Shape = tuple["Shape", ...]


def _size(shape: Shape) -> int:
    return 1 + sum(_size(child) for child in shape)


@st.composite
def codebooks(draw: st.DrawFn) -> Codebook:
    """Valid codebooks: unique ids and hotkeys, replaced ids that are no longer live."""
    shape = draw(_shapes)
    count = sum(_size(node) for node in shape)
    ids = iter(draw(st.lists(_ids, min_size=count + 4, max_size=count + 4, unique=True)))
    spare = [next(ids) for _ in range(4)]
    keys = iter(draw(st.permutations(_FREE_KEYS)))
    lists = st.just(()) | st.lists(_texts, min_size=1, max_size=2).map(tuple)

    def build(node: Shape, parent: str | None) -> Code:
        code_id = next(ids)
        replaces = tuple(spare.pop() for _ in range(draw(st.integers(0, min(2, len(spare))))))
        return Code(
            id=code_id,
            label=draw(_texts),
            description=draw(st.just("") | _texts),
            include=draw(lists),
            exclude=draw(lists),
            examples=draw(lists),
            keywords=draw(lists),
            exclude_keywords=draw(lists),
            color=draw(st.none() | st.integers(0, 0xFFFFFF).map("#{:06x}".format)),
            key=next(keys) if draw(st.booleans()) else None,
            replaces=replaces,
            parent=parent,
            children=tuple(build(child, code_id) for child in node),
        )

    return Codebook(
        language=draw(st.text(string.ascii_lowercase, min_size=2, max_size=2)),
        codes=tuple(build(node, None) for node in shape),
        title=draw(st.just("") | _texts),
        description=draw(st.just("") | _texts),
    )


@settings(max_examples=100, deadline=None)
@given(codebooks())
def test_dump_round_trips_generated_codebooks(book: Codebook) -> None:
    assert parse_codebook(dump_codebook(book)) == book


# Fuzzing: nothing but CodebookError or success


def _parse_or_codebook_error(text: str) -> None:
    try:
        parse_codebook(text, "fuzz.yaml")
    except CodebookError as error:
        assert error.problems
        assert all(p.line >= 1 and p.col >= 1 for p in error.problems)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_gives_only_codebook_errors(text: str) -> None:
    _parse_or_codebook_error(text)


_YAML_PIECES = [
    *"- :\n[]{}&*!#'\"|>,?%@`\tab1",
    "id",
    "label",
    "codes",
    "language",
    "children",
    "  ",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_YAML_PIECES), max_size=60).map("".join))
def test_yaml_like_text_gives_only_codebook_errors(text: str) -> None:
    _parse_or_codebook_error(text)


_SMALL = (FIXTURES / "small.yaml").read_text(encoding="utf-8")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(_SMALL)), st.integers(0, 40), st.text(max_size=20))
def test_mutated_codebooks_give_only_codebook_errors(start: int, length: int, insert: str) -> None:
    _parse_or_codebook_error(_SMALL[:start] + insert + _SMALL[start + length :])


_fuzz_keys = st.sampled_from([*TOP_FIELDS, *CODE_FIELDS, "keyword", "x"]) | st.text(max_size=5)
_fuzz_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=10)
    | st.sampled_from(["da", "#fff", "q", "r", "a_b", "a", "b", ""])
)
_fuzz_trees = st.recursive(
    _fuzz_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_fuzz_keys, inner, max_size=6),
    max_leaves=40,
)


@settings(max_examples=200, deadline=None)
@given(_fuzz_trees)
def test_arbitrary_yaml_data_gives_only_codebook_errors(data: object) -> None:
    _parse_or_codebook_error(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_through_a_file_give_only_codebook_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "codebook.yaml"
    path.write_bytes(data)
    try:
        load_codebook(path)
    except CodebookError as error:
        assert error.problems


def test_long_values_are_shortened_in_messages() -> None:
    found = only_problem(
        codes("- id: |\n    Et meget langt id\n    over flere linjer med mange ord i\n  label: A\n")
    )
    assert "id 'Et meget langt id over flere linjer med…' is not a valid id" in found
