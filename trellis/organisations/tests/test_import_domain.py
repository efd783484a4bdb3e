"""The pure rules of importing organisations: reading files, matching headings, checking rows."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from trellis.organisations.domain import importing
from trellis.organisations.domain.identifiers import InvalidIdentifier, parse_org_id
from trellis.organisations.domain.import_columns import COLUMNS, HEADINGS, TEMPLATE_COLUMNS, normalise_heading
from trellis.organisations.domain.importing import (
    ImportFileError,
    Problem,
    Table,
    Vocabularies,
    match_headers,
    read_csv,
    read_table,
    read_xlsx,
    validate_table,
)

VOCAB = Vocabularies(
    legal_forms={
        "cio": "Charitable incorporated organisation (CIO)",
        "charitable_company": "Charitable company limited by guarantee",
        "cic": "Community interest company (CIC)",
        "unincorporated_association": "Unincorporated association (community group)",
    },
    sectors={
        "vcse": "Voluntary, community or social enterprise",
        "private": "Private sector",
        "public": "Public sector",
    },
    service_types={"food_support": "Food support", "advice_guidance": "Advice and guidance"},
    client_groups={"families": "Families and parents", "lgbtq": "Lesbian, gay, bisexual, trans and queer people"},
    wards=[
        ("E05099001", "Castlegate"),
        ("E05099002", "Mill Hill"),
        ("E05099003", "Riverside"),
        ("E05088001", "Riverside"),  # the same name in another place
    ],
    this_year=2026,
)
HEADER = ["name", "org_id", "legal_form"]


def table(rows, header=HEADER):
    return Table(list(header), [(i, list(r)) for i, r in enumerate(rows, start=2)])


def check(rows, header=HEADER):
    return validate_table(table(rows, header), VOCAB)


def problems_at(result, row):
    return [p for p in result.problems if p.row == row]


def xlsx_bytes(rows, extra_sheet=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        other = book.create_sheet("Second")
        for row in extra_sheet:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Headings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading, column",
    [
        ("name", "name"),
        ("Organisation name", "name"),
        ("ORGANIZATION NAME", "name"),
        ("Supplier name", "name"),
        ("org_id", "org_id"),
        ("Org ID", "org_id"),
        ("org-id", "org_id"),
        ("Legal form", "legal_form"),
        ("LEGAL_FORM", "legal_form"),
        ("Charity No.", "charity_number"),
        ("Registered charity number", "charity_number"),
        ("Company number", "company_number"),
        ("E-mail", "email"),
        ("Staff living locally (%)", "staff_local_pct"),
        ("  annual   income ", "annual_income"),
        ("Turnover", "annual_income"),
        ("VAT registration number", "vat_number"),
        ("Post code", "postcode"),
    ],
)
def test_headings_are_matched_forgivingly(heading, column):
    columns, problems = match_headers([heading, *[h for h in HEADER if h != column]])
    assert columns.positions[column] == 0
    assert columns.heading(column) == heading
    assert not [p for p in problems if "not recognised" in p.message]


def test_no_heading_means_two_different_columns():
    owners: dict[str, set[str]] = {}
    for column in COLUMNS:
        for text in (column.name, column.label, *column.synonyms):
            owners.setdefault(normalise_heading(text), set()).add(column.name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert set(HEADINGS.values()) == {c.name for c in COLUMNS}


@given(st.sampled_from([c.name for c in COLUMNS]), st.lists(st.sampled_from([" ", "_", "-"]), max_size=3))
def test_case_spaces_and_underscores_never_matter(name, padding):
    variant = "".join(padding) + name.upper().replace("_", " ") + "".join(padding)
    assert HEADINGS[normalise_heading(variant)] == name


def test_unknown_columns_are_listed_with_the_accepted_names():
    _columns, problems = match_headers(["name", "org_id", "legal_form", "Favourite colour", "Shoe size"])
    [problem] = problems
    assert problem.row == 1
    assert "“Favourite colour”" in problem.message and "“Shoe size”" in problem.message
    for column in COLUMNS:
        assert column.name in problem.message


def test_missing_required_columns_are_each_reported():
    _, problems = match_headers(["description"])
    assert {p.column for p in problems} == {"name", "org_id", "legal_form"}
    assert all("required" in p.message for p in problems)


def test_a_charity_number_column_stands_in_for_org_id():
    result = check(
        [["Brookfield Pantry", "1164883", "cio"]], header=["Organisation name", "Charity number", "Legal form"]
    )
    assert result.ok, result.problems
    assert result.records[0].org_id == "GB-CHC-1164883"


def test_a_company_number_column_stands_in_too_with_leading_zeros_put_back():
    result = check([["Acme Care Ltd", "6368740", "cic"]], header=["name", "Company number", "legal_form"])
    assert result.ok, result.problems
    assert result.records[0].org_id == "GB-COH-06368740"


def test_charity_number_beside_an_org_id_becomes_another_identifier():
    result = check(
        [["Brookfield", "GB-COH-06368740", "charitable_company", "1164883"]],
        header=[*HEADER, "charity_number"],
    )
    assert result.ok, result.problems
    assert result.records[0].org_id == "GB-COH-06368740"
    assert result.records[0].other_identifiers == ["GB-CHC-1164883"]


def test_the_same_column_twice_is_a_problem():
    _, problems = match_headers(["name", "Organisation name", "org_id", "legal_form"])
    assert len(problems) == 1 and "same column" in problems[0].message


def test_a_column_with_values_but_no_heading_is_a_problem_but_an_empty_one_is_ignored():
    _, problems = match_headers(["name", "", "org_id", "legal_form"], [(2, ["A", "", "GB-CHC-1164883", "cio"])])
    assert problems == []
    _, problems = match_headers(["name", "", "org_id", "legal_form"], [(2, ["A", "x", "GB-CHC-1164883", "cio"])])
    assert problems == [Problem(1, "column 2", "This column has values but no heading.")]


def test_the_template_offers_only_accepted_columns():
    from importlib import resources

    text = resources.files("trellis.organisations").joinpath("data/import_template.csv").read_bytes().decode()
    assert text == importing.template_csv()
    headers = text.strip().split(",")
    assert headers == list(TEMPLATE_COLUMNS)
    columns, problems = match_headers(headers)
    assert problems == []
    assert len(columns.positions) == len(headers)


# --- Reading files ------------------------------------------------------------------------------


def test_csv_in_utf8_with_a_byte_order_mark():
    result = read_csv("\ufeffname,org_id\nCafé Ünity,GB-CHC-1164883\n".encode())
    assert result.headers == ["name", "org_id"]
    assert result.rows == [(2, ["Café Ünity", "GB-CHC-1164883"])]


def test_csv_saved_by_excel_in_windows_1252():
    result = read_csv("name,annual_income\nCafé Society,£5,000\n".replace("£5,000", '"£5,000"').encode("cp1252"))
    assert result.rows == [(2, ["Café Society", "£5,000"])]


def test_csv_with_semicolons_or_tabs_between_cells():
    assert read_csv(b"name;org_id\nA;GB-CHC-1164883\n").rows == [(2, ["A", "GB-CHC-1164883"])]
    assert read_csv(b"name\torg_id\nA\tGB-CHC-1164883\n").rows == [(2, ["A", "GB-CHC-1164883"])]


def test_row_numbers_are_as_the_spreadsheet_shows_them():
    content = b'name,description\nA,"two\nlines"\n\n,\nB,x\n'
    result = read_csv(content)
    # A quoted line break stays inside row 2; blank rows 3 and 4 are skipped but still counted.
    assert result.rows == [(2, ["A", "two\nlines"]), (5, ["B", "x"])]


def test_empty_and_headerless_files_are_refused():
    with pytest.raises(ImportFileError, match="empty"):
        read_csv(b"\n\n")
    with pytest.raises(ImportFileError, match="row 1"):
        read_csv(b"\nname,org_id\n")


def test_binary_content_is_not_a_csv():
    with pytest.raises(ImportFileError, match="binary"):
        read_csv(b"name\x00,org_id\n")


def test_row_and_size_limits(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    read_csv(b"name\na\nb\nc\n")
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_csv(b"name\na\nb\nc\nd\n")
    monkeypatch.setattr(importing, "MAX_BYTES", 10)
    with pytest.raises(ImportFileError, match="smaller than"):
        read_table("csv", b"name,org_id\nA,B\n")


def test_too_many_columns_are_refused():
    with pytest.raises(ImportFileError, match="at most 100"):
        read_csv((",".join(f"c{i}" for i in range(101)) + "\n").encode())


def test_xlsx_first_sheet_values_with_numbers_dates_and_booleans():
    content = xlsx_bytes(
        [
            ["Organisation name", "Charity number", "Legal form", "Founded", "Local office", None],
            ["Brookfield", 1164883.0, "CIO", datetime(2009, 5, 1), True, None],
            [None, None, None, None, None, None],
            ["  Hollin\xa0Bank ", 1100001, "cio", date(2012, 1, 2), False],
        ],
        extra_sheet=[["ignored"]],
    )
    result = read_xlsx(content)
    assert result.headers == ["Organisation name", "Charity number", "Legal form", "Founded", "Local office"]
    assert result.rows == [
        (2, ["Brookfield", "1164883", "CIO", "2009-05-01", "yes"]),
        (4, ["Hollin Bank", "1100001", "cio", "2012-01-02", "no"]),
    ]


def test_a_csv_is_not_a_workbook():
    with pytest.raises(ImportFileError, match="Excel"):
        read_xlsx(b"name,org_id\nA,GB-CHC-1164883\n")


def test_a_zip_that_is_not_a_workbook_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFileError, match="Excel"):
        read_xlsx(buffer.getvalue())


def test_read_table_accepts_only_csv_and_xlsx():
    with pytest.raises(ImportFileError, match="CSV or an Excel"):
        read_table("pdf", b"%PDF-1.4")


# --- Rows ---------------------------------------------------------------------------------------

FULL_HEADER = [
    "name",
    "org_id",
    "legal_form",
    "other_identifiers",
    "sector",
    "description",
    "annual_income",
    "staff_count",
    "volunteer_count",
    "founded_year",
    "wards",
    "client_groups",
    "service_types",
    "registered_office_in_place",
    "active_locally_since",
    "staff_local_pct",
    "trustees_local_pct",
    "website",
    "email",
    "phone",
    "address",
    "postcode",
    "contact_name",
    "contact_email",
    "contact_phone",
    "vat_number",
]
FULL_ROW = [
    "Brookfield Community Pantry",
    "gb-chc-1164883",
    "Charitable incorporated organisation (CIO)",
    "GB-COH-6368740; gb-rev-xt12345",
    "Voluntary, community or social enterprise",
    "Runs a community pantry.",
    "£45,000.50",
    "3",
    "1,200",
    "2009",
    "Castlegate; e05099002",
    "families; Lesbian, gay, bisexual, trans and queer people",
    "food_support; Advice and guidance",
    "Yes",
    "2012",
    "80%",
    "0.6",
    "www.brookfield.org.uk",
    "hello@brookfield.org.uk",
    "0113 496 0000",
    "12 Mill Lane",
    "nb12ab",
    "Sandra Okafor",
    "sandra@brookfield.org.uk",
    "07700 900123",
    "GB 980 7806 84",
]


def test_a_full_row_becomes_a_typed_record():
    result = check([FULL_ROW], header=FULL_HEADER)
    assert result.ok, result.problems
    [record] = result.records
    assert record.row == 2
    assert record.name == "Brookfield Community Pantry"
    assert record.org_id == "GB-CHC-1164883"
    assert record.legal_form == "cio"
    assert record.other_identifiers == ["GB-COH-06368740", "GB-REV-XT12345"]
    assert record.values == {
        "sector": "vcse",
        "description": "Runs a community pantry.",
        "annual_income": Decimal("45001"),
        "staff_count": 3,
        "volunteer_count": 1200,
        "founded_year": 2009,
        "borough_wide": False,
        "wards": ["E05099001", "E05099002"],
        "client_groups": ["families", "lgbtq"],
        "service_types": ["food_support", "advice_guidance"],
        "registered_office_in_place": True,
        "active_locally_since": 2012,
        "staff_local_pct": 80,
        "trustees_local_pct": 60,
        "website": "https://www.brookfield.org.uk",
        "email": "hello@brookfield.org.uk",
        "phone": "0113 496 0000",
        "address": "12 Mill Lane",
        "postcode": "NB1 2AB",
        "contact_name": "Sandra Okafor",
        "contact_email": "sandra@brookfield.org.uk",
        "contact_phone": "07700 900123",
        "vat_number": "GB980780684",
    }


def test_empty_optional_cells_are_left_out():
    result = check([["A", "GB-CHC-1164883", "cio", "", "", ""]], header=[*HEADER, "email", "wards", "staff_count"])
    assert result.ok
    assert result.records[0].values == {}


def test_several_bad_rows_are_all_listed_with_their_row_numbers():
    result = check(
        [
            ["Good Org", "GB-CHC-1164883", "cio"],
            ["", "GB-CHC-1100001", "cio"],
            ["Bad Id", "GB-CHC-12", "cio"],
            ["No Form", "GB-CHC-1100002", ""],
            ["Odd Form", "GB-CHC-1100003", "pirate ship"],
            ["Unknown Scheme", "XX-123", "cio"],
        ]
    )
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [
        (3, "name"),
        (4, "org_id"),
        (5, "legal_form"),
        (6, "legal_form"),
        (7, "org_id"),
    ]
    assert [r.name for r in result.records] == ["Good Org"]


def test_a_bad_org_id_gets_the_identifier_rules_own_message():
    result = check([["Bad Id", "GB-COH-ABC", "cio"]])
    with pytest.raises(InvalidIdentifier) as expected:
        parse_org_id("GB-COH-ABC")
    assert result.problems == [Problem(2, "org_id", str(expected.value))]
    assert "Companies House" in result.problems[0].message


def test_an_unknown_legal_form_lists_the_codes():
    [problem] = check([["A", "GB-CHC-1164883", "limited liability pirate"]]).problems
    assert "cio" in problem.message and "charitable_company" in problem.message


@pytest.mark.parametrize(
    "text, code",
    [
        ("cio", "cio"),
        ("CIO", "cio"),
        ("Charitable incorporated organisation", "cio"),
        ("Charitable incorporated organisation (CIO)", "cio"),
        ("Community interest company", "cic"),
        ("community group", "unincorporated_association"),
        ("Charitable company", "charitable_company"),
        ("charitable-company", "charitable_company"),
    ],
)
def test_legal_forms_accept_codes_labels_and_abbreviations(text, code):
    result = check([["A", "GB-CHC-1164883", text]])
    assert result.ok and result.records[0].legal_form == code


def test_duplicate_org_ids_in_the_file_are_problems_on_the_later_rows():
    result = check(
        [
            ["A", "GB-CHC-1164883", "cio", ""],
            ["B", "gb-chc-1164883", "cio", ""],
            ["C", "GB-CHC-1100001", "cio", "GB-CHC-1164883"],
        ],
        header=[*HEADER, "other_identifiers"],
    )
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (3, "org_id", "GB-CHC-1164883 is already used in row 2."),
        (4, "other_identifiers", "GB-CHC-1164883 is already used in row 2."),
    ]


@pytest.mark.parametrize("value", ["*", "all", "All wards", "borough-wide"])
def test_borough_wide(value):
    result = check([["A", "GB-CHC-1164883", "cio", value]], header=[*HEADER, "wards"])
    assert result.ok
    assert result.records[0].values == {"borough_wide": True, "wards": []}


def test_unknown_and_ambiguous_wards():
    result = check(
        [
            ["A", "GB-CHC-1164883", "cio", "Castlegate; Atlantis; E05000000"],
            ["B", "GB-CHC-1100001", "cio", "Riverside"],
            ["C", "GB-CHC-1100002", "cio", "E05088001"],
            ["D", "GB-CHC-1100003", "cio", "*; Castlegate"],
        ],
        header=[*HEADER, "Wards served"],
    )
    problems = {p.row: p for p in result.problems}
    assert "“Atlantis”, “E05000000”" in problems[2].message and problems[2].column == "Wards served"
    assert "GSS code" in problems[3].message
    assert 4 not in problems
    assert "on its own" in problems[5].message


def test_unknown_vocabulary_codes_are_named():
    result = check(
        [["A", "GB-CHC-1164883", "cio", "families; martians", "food_support; teleportation"]],
        header=[*HEADER, "client_groups", "service_types"],
    )
    assert [(p.column, p.message.split(":")[1].split(".")[0].strip()) for p in result.problems] == [
        ("client_groups", "“martians”"),
        ("service_types", "“teleportation”"),
    ]


@pytest.mark.parametrize(
    "column, value, fragment",
    [
        ("annual_income", "lots", "not an amount of money"),
        ("annual_income", "-5", "negative"),
        ("annual_income", "1e20", "too large"),
        ("staff_count", "3.5", "not a whole number"),
        ("staff_count", "-2", "not a whole number"),
        ("volunteer_count", "twelve", "not a whole number"),
        ("founded_year", "09", "not a year"),
        ("founded_year", "2099", "not a possible year"),
        ("founded_year", "1499", "not a possible year"),
        ("active_locally_since", "last year", "not a year"),
        ("staff_local_pct", "101", "not a percentage"),
        ("staff_local_pct", "12.5", "not a percentage"),
        ("trustees_local_pct", "half", "not a percentage"),
        ("registered_office_in_place", "maybe", "not yes or no"),
        ("website", "not a website", "not a valid web address"),
        ("website", "ftp://example.org", "not a valid web address"),
        ("email", "hello@", "not a valid e-mail address"),
        ("contact_email", "sandra at example.org", "not a valid e-mail address"),
        ("postcode", "12345", "not a valid UK postcode"),
        ("vat_number", "123456789", "check digits"),
        ("vat_number", "12345", "9 digits"),
        ("sector", "pirates", "Not a known sector"),
        ("name", "x" * 201, "at most 200"),
        ("phone", "0" * 41, "at most 40"),
    ],
)
def test_bad_values_are_reported_against_their_column(column, value, fragment):
    header = list(HEADER) if column == "name" else [*HEADER, column]
    row = [value, "GB-CHC-1164883", "cio"] if column == "name" else ["A", "GB-CHC-1164883", "cio", value]
    result = check([row], header=header)
    assert result.records == []
    [problem] = result.problems
    assert (problem.row, problem.column) == (2, column)
    assert fragment in problem.message


@pytest.mark.parametrize(
    "column, value, expected",
    [
        ("annual_income", "£1,234", Decimal(1234)),
        ("annual_income", "1234.49", Decimal(1234)),
        ("annual_income", "45000 GBP", Decimal(45000)),
        ("staff_local_pct", "0", 0),
        ("staff_local_pct", "100%", 100),
        ("staff_local_pct", "0.75", 75),
        ("registered_office_in_place", "N", False),
        ("registered_office_in_place", "1", True),
        ("registered_office_in_place", "TRUE", True),
        ("website", "http://example.org/about?x=1", "http://example.org/about?x=1"),
        ("postcode", "ls1 4ap", "LS1 4AP"),
        ("postcode", "SW1A1AA", "SW1A 1AA"),
        ("vat_number", "123456782", "GB123456782"),
        ("founded_year", "2009.0", 2009),
        ("sector", "private", "private"),
        ("sector", "Public sector", "public"),
    ],
)
def test_good_values_are_normalised(column, value, expected):
    result = check([["A", "GB-CHC-1164883", "cio", value]], header=[*HEADER, column])
    assert result.ok, result.problems
    assert result.records[0].values[column] == expected


def test_a_file_with_headings_but_no_rows():
    result = validate_table(Table(list(HEADER), []), VOCAB)
    assert result.problems == [Problem(None, "", "The file has column headings but no rows of organisations.")]


def test_column_problems_stop_before_rows_are_checked():
    result = validate_table(Table(["name", "colour"], [(2, ["A", "blue"])]), VOCAB)
    assert {p.row for p in result.problems} == {1}
    assert result.records == []


def test_problems_read_as_lines():
    assert Problem(4, "Legal form", "Bad.").as_line() == "row 4, column Legal form: Bad."
    assert Problem(1, "name", "Missing.").as_line() == "row 1, column name: Missing."
    assert Problem(None, "", "No rows.").as_line() == "No rows."


def test_an_xlsx_end_to_end_through_the_rules():
    content = xlsx_bytes(
        [
            ["Organisation name", "Charity number", "Legal form", "Annual income", "Wards"],
            ["Brookfield", 1164883, "CIO", 45000, "Castlegate"],
            ["Hollin Bank", 1100001.0, "cio", 12500.5, "all"],
        ]
    )
    result = validate_table(read_table("xlsx", content), VOCAB)
    assert result.ok, result.problems
    assert [(r.org_id, r.values["annual_income"]) for r in result.records] == [
        ("GB-CHC-1164883", Decimal(45000)),
        ("GB-CHC-1100001", Decimal(12501)),
    ]


def test_duplicates_are_found_even_on_rows_with_other_problems():
    result = check(
        [["A", "GB-CHC-1164883", "cio", ""], ["", "GB-CHC-1164883", "cio", "nope"]],
        header=[*HEADER, "email"],
    )
    assert [(p.row, p.column) for p in result.problems] == [(3, "name"), (3, "email"), (3, "org_id")]
    assert "already used in row 2" in result.problems[-1].message
