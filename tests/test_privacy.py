"""Tests for finding and pseudonymising personal data."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kodebog.errors import KodebogError
from kodebog.privacy import (
    CPR_PLACEHOLDER,
    EMAIL_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    Hit,
    NameList,
    NameListError,
    contains_personal_data,
    describe,
    find_personal_data,
    genitive,
    load_names,
    pseudonymise,
)

NAMES = NameList(
    {
        "Mette Hansen": "Borger A",
        "Hansen": "Borger A",
        "Mette": "Borger A",
        "Lars": "Sagsbehandler B",
        "Søren Ørum": "Borger C",
        "Åse": "Hanne",
        "Anne-Marie": "Borger D",
        "Anne": "Borger E",
        "Klaus": "Jobkonsulent F",
    }
)


def kinds(text: str, names: NameList | None = None) -> list[tuple[str, str]]:
    return [(hit.kind, hit.text) for hit in find_personal_data(text, names)]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "navne.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- CPR numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cpr",
    [
        "010203-1234",
        "0102031234",
        "010203 1234",
        "010203–1234",  # en dash, as Word writes it
        "010203\u00a01234",
        "290200-4123",  # 7th digit 4, year 00: 2000, a leap year
        "290296-1234",  # 1996, a leap year
        "311299-9999",
        "010158-5123",  # 7th digit 5, year 58: 1858
        "610190-1234",  # substitute CPR number: day + 60
    ],
)
def test_cpr_numbers_are_found_in_every_format(cpr: str) -> None:
    assert kinds(f"Mit CPR er {cpr}, tak.") == [("cpr", cpr)]


@pytest.mark.parametrize(
    "text",
    [
        "320199-1234",  # day 32
        "290201-1234",  # 2001 is not a leap year
        "290201-4123",  # 7th digit 4: still 2001
        "290200-1234",  # 7th digit 1: 1900, not a leap year
        "300290-1234",  # 30 February
        "011390-1234",  # month 13
        "000190-1234",  # day 0
        "12345678901",  # eleven digits
        "0102031234567",  # part of a longer digit run
        "010203-12345",
        "1.0102031234",
        "0102031234,50",
    ],
)
def test_cpr_lookalikes_are_not_cpr_numbers(text: str) -> None:
    assert [kind for kind, _ in kinds(text)] == []


def test_a_cpr_number_is_not_also_a_phone_number() -> None:
    assert kinds("0102031234 og 010203-1234") == [
        ("cpr", "0102031234"),
        ("cpr", "010203-1234"),
    ]


# --- phone numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "12345678",
        "12 34 56 78",
        "1234 5678",
        "12-34-56-78",
        "1234-5678",
        "+45 12 34 56 78",
        "+4512345678",
        "+45 12345678",
        "0045 12345678",
        "004512345678",
        "(+45) 12 34 56 78",
        "(45) 1234 5678",
        "12\u00a034\u00a056\u00a078",
        "20210312",  # 20 is a mobile series; eight digits in a row are a phone number
    ],
)
def test_phone_numbers_are_found_in_common_formats(phone: str) -> None:
    assert kinds(f"Ring på {phone}.") == [("phone", phone)]


@pytest.mark.parametrize(
    "text",
    [
        "fra 2019 2020 til 2021",
        "i perioden 1999-2000",
        "kr. 12.345.678",
        "12.345.678 kr.",
        "1 234 567 kr.",
        "kr. 12345678",
        "12345678 kr",
        "12345678 DKK",
        "12345678,-",
        "mødet 12-03-2021",
        "mødet 12.03.2021",
        "mødet 12 03 2021",
        "mødet 2021-03-12",
        "nummer 123456789",
        "kontonummer 12345678901234",
        "01234567",  # Danish numbers never start with 0
        "1.12345678",
        "12345678.5",
        "+46 0123 45 67",
    ],
)
def test_years_amounts_dates_and_long_numbers_are_not_phone_numbers(text: str) -> None:
    assert kinds(text) == []


def test_a_phone_number_after_a_year_is_found_whole() -> None:
    assert kinds("i 2020 1234 5678") == [("phone", "1234 5678")]


# --- e-mail addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "søren.ø@kommune.dk",
        "Mette.Hansen@aarhus.dk",
        "x_y+tag@sub.example.co.uk",
        "jobcenter@københavn.dk",
        "a1@b2.dk",
    ],
)
def test_email_addresses_are_found_with_danish_letters(email: str) -> None:
    assert kinds(f"Skriv til <{email}>.") == [("email", email)]
    assert kinds(f"Skriv til {email}.") == [("email", email)]


@pytest.mark.parametrize("text", ["@jobcenter", "bruger@localhost", "a@b", "2 @ 3", "x@.dk"])
def test_handles_and_incomplete_addresses_are_not_emails(text: str) -> None:
    assert kinds(text) == []


# --- names -------------------------------------------------------------------------------


def test_listed_names_are_found_longest_first() -> None:
    assert kinds("Mette Hansen og Mette og Hansen", NAMES) == [
        ("name", "Mette Hansen"),
        ("name", "Mette"),
        ("name", "Hansen"),
    ]


def test_names_with_danish_letters() -> None:
    assert kinds("Søren Ørum talte med Åse.", NAMES) == [
        ("name", "Søren Ørum"),
        ("name", "Åse"),
    ]


def test_names_are_whole_words_and_case_sensitive() -> None:
    assert kinds("Larsen, Mettelise, lars, anne og Klausen", NAMES) == []


def test_names_in_capitals_are_found() -> None:
    assert kinds("METTE HANSEN: Ja.", NAMES) == [("name", "METTE HANSEN")]


def test_names_followed_by_punctuation() -> None:
    text = "Lars, Lars. Lars: (Lars) »Lars« Lars!"
    assert [t for _, t in kinds(text, NAMES)] == ["Lars"] * 6


def test_possessive_forms_of_names() -> None:
    assert kinds("Mettes sag, Hansens brev, Mette's møde, Åses mor", NAMES) == [
        ("name", "Mettes"),
        ("name", "Hansens"),
        ("name", "Mette's"),
        ("name", "Åses"),
    ]


def test_hyphenated_name_wins_over_its_first_part() -> None:
    assert kinds("Anne-Marie og Anne", NAMES) == [("name", "Anne-Marie"), ("name", "Anne")]


def test_a_name_inside_an_email_address_is_part_of_the_address() -> None:
    assert kinds("mail: Mette.Hansen@aarhus.dk", NAMES) == [("email", "Mette.Hansen@aarhus.dk")]


def test_names_need_a_name_list() -> None:
    assert kinds("Mette Hansen") == []


def test_names_in_decomposed_form_are_normalised() -> None:
    names = NameList({"A\u030ase": "Borger X"})  # Åse written as A + ring
    assert kinds("Åse kom", names) == [("name", "Åse")]


# --- pseudonymise ------------------------------------------------------------------------


def test_pseudonymise_replaces_every_kind() -> None:
    text = "Mette Hansen (010203-1234) ringede fra 12 34 56 78 og skrev fra mette@kommune.dk."
    out, hits = pseudonymise(text, NAMES)
    assert out == (
        f"Borger A ({CPR_PLACEHOLDER}) ringede fra {PHONE_PLACEHOLDER} og skrev fra "
        f"{EMAIL_PLACEHOLDER}."
    )
    assert [h.kind for h in hits] == ["name", "cpr", "phone", "email"]


def test_possessives_get_the_danish_genitive_of_the_pseudonym() -> None:
    out, _ = pseudonymise("Mettes sag og Åses mor og Lars's bil", NAMES)
    assert out == "Borger A's sag og Hannes mor og Sagsbehandler B's bil"


@pytest.mark.parametrize(
    ("pseudonym", "expected"),
    [
        ("Borger A", "Borger A's"),
        ("Borger 2", "Borger 2's"),
        ("[navn 1]", "[navn 1]'s"),
        ("Hanne", "Hannes"),
        ("Sagsbehandleren", "Sagsbehandlerens"),
        ("Klaus", "Klaus'"),
        ("DSB", "DSB's"),
    ],
)
def test_genitive(pseudonym: str, expected: str) -> None:
    assert genitive(pseudonym) == expected


def test_hits_have_offsets_into_the_original_text() -> None:
    text = "Hej Åse! Mit nr. er +45 12 34 56 78, CPR 010203-1234, mail søren.ø@kommune.dk"
    _, hits = pseudonymise(text, NAMES)
    assert hits == find_personal_data(text, NAMES)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text
    assert [h.start for h in hits] == sorted(h.start for h in hits)


def test_pseudonymise_is_idempotent_on_examples() -> None:
    for text in [
        "Mette Hansens sag 010203-1234",
        "Borger A's sag",
        "Lars: ring 2345 6789 eller lars@jobcenter.dk",
    ]:
        once, _ = pseudonymise(text, NAMES)
        assert pseudonymise(once, NAMES) == (once, [])


def test_text_without_personal_data_is_returned_unchanged() -> None:
    text = "Jeg var ledig i 2 år og fik 12.345 kr. om måneden i 2019-2020."
    assert pseudonymise(text, NAMES) == (text, [])
    assert not contains_personal_data(text, NAMES)


def test_replacement_that_changes_its_neighbours_is_cleaned_too() -> None:
    # The pseudonym's digits next to "34 56 78" would form a new phone number.
    names = NameList({"Mette": "Borger 12"})
    out, hits = pseudonymise("Mette 34 56 78", names)
    assert out == f"Borger {PHONE_PLACEHOLDER}"
    assert find_personal_data(out, names) == []
    assert [h.kind for h in hits] == ["name"]


def test_contains_personal_data() -> None:
    assert contains_personal_data("ring 12345678")
    assert contains_personal_data("Lars sagde", NAMES)
    assert not contains_personal_data("Lars sagde")
    assert not contains_personal_data("290201-1234")


# --- describe ----------------------------------------------------------------------------


def test_describe_masks_numbers_and_addresses() -> None:
    text = "010203-1234 +45 12 34 56 78 søren.ø@kommune.dk Mettes"
    labels = [describe(h) for h in find_personal_data(text, NAMES)]
    assert labels == [
        "CPR number 010203-****",
        "phone number +45 ** ** ** 78",
        "e-mail s***@kommune.dk",
        "name → Borger A's",
    ]
    assert "1234" not in labels[0]
    assert "Mette" not in labels[3]


def test_describe_masks_cpr_without_hyphen() -> None:
    assert describe(Hit("cpr", 0, 10, "0102031234", CPR_PLACEHOLDER)) == "CPR number 010203-****"


# --- name lists --------------------------------------------------------------------------


def test_load_names_mapping(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'names:\n  "Mette Hansen": "Borger A"     # real name -> pseudonym\n'
        '  "Hansen": "Borger A"\n  Lars: Sagsbehandler B\n',
    )
    names = load_names(path)
    assert names.pseudonyms == {
        "Mette Hansen": "Borger A",
        "Hansen": "Borger A",
        "Lars": "Sagsbehandler B",
    }
    assert pseudonymise("Lars og Mette Hansen", names)[0] == "Sagsbehandler B og Borger A"


def test_load_names_plain_list_generates_pseudonyms(tmp_path: Path) -> None:
    names = load_names(write(tmp_path, "names:\n  - Mette Hansen\n  - Lars\n"))
    assert names.pseudonyms == {"Mette Hansen": "[navn 1]", "Lars": "[navn 2]"}
    assert pseudonymise("Lars' og Mettes", names)[0] == "[navn 2]' og Mettes"
    assert load_names(write(tmp_path, "- Åse\n- Bjørn\n")).pseudonyms == {
        "Åse": "[navn 1]",
        "Bjørn": "[navn 2]",
    }


def test_load_names_reads_yes_and_numbers_as_text(tmp_path: Path) -> None:
    names = load_names(write(tmp_path, "names:\n  Ja: Borger 1\n  On: Borger 2\n"))
    assert names.pseudonyms == {"Ja": "Borger 1", "On": "Borger 2"}


def test_load_names_empty_list(tmp_path: Path) -> None:
    names = load_names(write(tmp_path, "names:\n"))
    assert len(names) == 0
    assert find_personal_data("Mette", names) == []


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("names:\n  Mette: [Borger\n", ":3:", "invalid YAML"),
        ("names:\n  Mette: Borger A\n  Mette: Borger B\n", ":3:3:", "listed twice"),
        ("names:\n  Mette: Borger A\n  Lars: Mette og Lars\n", ":3:3:", "contains the listed"),
        ("names:\n  Mette:\n", ":2:9:", "expected a pseudonym"),
        ("names:\n  Mette:\n    a: b\n", ":3:5:", "expected a pseudonym"),
        ("navne:\n  - Mette\n", ":1:1:", "unknown key 'navne'"),
        ("names: Mette\n", ":1:8:", "expected a mapping"),
        ("names:\n  - Mette\n  - '-Lars'\n", ":3:5:", "begin and end with a letter"),
        ("names:\n  - CPR\n", ":2:5:", "placeholder"),
        ("names:\n  Mette: ''\n", ":2:10:", "non-empty"),
        ("", ":1:1:", "is empty"),
    ],
)
def test_name_list_errors_name_file_and_line(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(NameListError) as caught:
        load_names(path)
    error = str(caught.value)
    assert error.startswith(str(path) + where), error
    assert message in error
    assert "\n" not in error
    assert isinstance(caught.value, KodebogError)


def test_name_list_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "navne.yaml"
    path.write_bytes("names:\n  - Mette\n  - Søren\n".encode("cp1252"))
    with pytest.raises(NameListError, match=r"navne\.yaml:3:1: is not UTF-8"):
        load_names(path)


def test_missing_name_list(tmp_path: Path) -> None:
    with pytest.raises(NameListError, match="cannot read the name list"):
        load_names(tmp_path / "findes-ikke.yaml")


def test_name_list_repr_hides_the_names() -> None:
    assert repr(NAMES) == "NameList(9 names)"
    assert "Mette" not in repr(NAMES)


def test_name_list_refuses_pseudonyms_with_real_names() -> None:
    with pytest.raises(NameListError, match="contains the listed name"):
        NameList({"Mette": "Mette B"})


def test_name_list_from_names() -> None:
    assert NameList.from_names(["Lars", "Åse", "Lars"]).pseudonyms == {
        "Lars": "[navn 1]",
        "Åse": "[navn 2]",
    }


# --- properties --------------------------------------------------------------------------

FRAGMENTS = [
    "010203-1234",
    "0102031234",
    "290200-4123",
    "320199-1234",
    "12345678",
    "12 34 56 78",
    "+45 1234 5678",
    "2019 2020",
    "12-03-2021",
    "kr. 12.345.678",
    "søren.ø@kommune.dk",
    "x@y.dk",
    "Mette Hansen",
    "Mettes",
    "Lars",
    "Åse",
    "Anne-Marie",
    "Borger A",
    "[navn 1]",
    " ",
    "-",
    ".",
    ",",
    "@",
    "+",
    "(",
    ")",
    "'s",
]
texts = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(alphabet="0123456789 -.,+@()'sæøåMLab", max_size=12),
    ),
    max_size=12,
).map("".join)
SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(st.text(max_size=200))
def test_pseudonymise_never_raises(text: str) -> None:
    out, hits = pseudonymise(text, NAMES)
    assert isinstance(out, str)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text


@SETTINGS
@given(texts)
def test_pseudonymised_text_has_no_identifiers_left(text: str) -> None:
    out, _ = pseudonymise(text, NAMES)
    assert find_personal_data(out, NAMES) == []
    assert not contains_personal_data(out, NAMES)


@SETTINGS
@given(texts)
def test_pseudonymise_is_idempotent(text: str) -> None:
    once, _ = pseudonymise(text, NAMES)
    assert pseudonymise(once, NAMES) == (once, [])


@SETTINGS
@given(texts)
def test_hits_are_sorted_disjoint_and_located(text: str) -> None:
    hits = find_personal_data(text, NAMES)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text
    for before, after in itertools.pairwise(hits):
        assert before.end <= after.start
    assert contains_personal_data(text, NAMES) == bool(hits)
    _, reported = pseudonymise(text, NAMES)
    assert set(hits) <= set(reported)


# --- speed -------------------------------------------------------------------------------


def test_scanning_ten_thousand_comments_is_fast() -> None:
    names = NameList({f"Navn{i} Efternavn{i}": f"Borger {i}" for i in range(300)})
    comment = (
        "Min sagsbehandler var god til at lytte, men der gik lang tid mellem møderne, "
        "og jeg fik 12.345 kr. i 2019 2020. Jeg forstod ikke brevene fra jobcentret."
    )
    comments = [comment + f" {i}" for i in range(10_000)]
    start = time.process_time()  # CPU time: other jobs on the machine do not count
    found = sum(1 for c in comments if find_personal_data(c, names))
    assert found == 0
    assert time.process_time() - start < 2.0


@pytest.mark.usefixtures("danish")
def test_the_export_guard_refuses_in_danish() -> None:
    from kodebog.privacy.guard import PersonalDataError
    from kodebog.privacy.outbound import Field, Outbound, guard

    quote = Outbound(Field.QUOTE, "fg1:2", "Ring til mig på 12 34 56 78, tak.")
    with pytest.raises(PersonalDataError) as refused:
        guard([quote], "md", allow=False)
    assert str(refused.value) == (
        "citat i fg1:2 indeholder personoplysninger (telefonnummer ** ** ** 78), så intet "
        "eksporteres; pseudonymisér eller fjern dem, udelad dem af eksporten "
        "(--code/--source/--where), eller angiv --allow-personal-data")
