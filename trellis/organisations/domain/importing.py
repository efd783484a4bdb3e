"""Importing organisations from a spreadsheet — pure rules.

A file (CSV or XLSX) becomes a ``Table`` (headings and rows, each row numbered as a spreadsheet
shows it: the heading row is row 1). Headings are matched forgivingly to the columns we accept;
each row is then checked and turned into an ``OrganisationRecord``. Every problem found is kept,
with its row and column, so the person importing can fix them all at once.

What the database knows (vocabularies, wards, existing org-ids) is passed in: this module does
no I/O and knows nothing of Django.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from trellis.organisations.domain.identifiers import InvalidIdentifier, parse_org_id, parse_vat_number
from trellis.organisations.domain.import_columns import (
    COLUMNS,
    COLUMNS_BY_NAME,
    HEADINGS,
    ORG_ID_SOURCES,
    TEMPLATE_COLUMNS,
    Column,
    normalise_heading,
)

#: Limits that keep one upload to a size a person can check and a server can hold.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100
#: An XLSX is a zip: refuse one that would unpack to far more than its size suggests.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
#: How many separate values one semicolon-separated cell may hold.
MAX_LIST_ITEMS = 100

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_NAME",
    "TEMPLATE_COLUMNS",
    "Column",
    "ImportFileError",
    "OrganisationRecord",
    "Problem",
    "Table",
    "Validation",
    "Vocabularies",
    "match_headers",
    "read_table",
    "validate_table",
]


class ImportFileError(ValueError):
    """The file cannot be read as a table at all; the message says why in plain English."""


# Lengths the directory stores.
_MAX_LENGTHS = {
    "name": 200,
    "phone": 40,
    "address": 300,
    "contact_name": 200,
    "contact_phone": 40,
    "website": 200,
    "email": 254,
    "contact_email": 254,
    "description": 10_000,
}
_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}
_BOROUGH_WIDE = {"all", "all wards", "borough wide", "whole borough", "whole place", "place wide"}


# --- Reading files --------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """Headings and rows; each row carries its number as a spreadsheet shows it (headings = 1)."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\xa0", " ").strip()


def _build_table(records: Iterable[tuple[int, list[Any]]]) -> Table:
    """Turn raw numbered rows into a Table: the first non-empty row holds the headings;
    blank rows are skipped; limits are enforced while reading."""
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, raw in records:
        cells = [_cell_text(v) for v in raw]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if headers is None:
            if number != 1:
                raise ImportFileError(
                    f"The column headings must be in row 1, but row 1 is empty (the first filled row is {number})."
                )
            headers = cells
            if len(headers) > MAX_COLUMNS:
                raise ImportFileError(f"The file has {len(headers)} columns: it can have at most {MAX_COLUMNS}.")
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {MAX_ROWS:,} rows of organisations. Split it into smaller files."
            )
        if len(cells) > max(len(headers), MAX_COLUMNS):
            raise ImportFileError(f"Row {number} has more than {MAX_COLUMNS} cells.")
        rows.append((number, cells))
    if headers is None:
        raise ImportFileError("The file is empty: it has no column headings and no rows.")
    return Table(headers, rows)


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel saves it."""
    if b"\x00" in content:
        raise ImportFileError("The file is not a text CSV file: it contains binary data.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "The file's characters could not be read. Save it as “CSV UTF-8 (comma delimited)” and try again."
        ) from exc


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(content: bytes) -> Table:
    text = decode_text(content)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=False)

    try:
        # A record that spans lines (a quoted cell with a line break) is one spreadsheet row.
        return _build_table(enumerate(reader, start=1))
    except csv.Error as exc:
        raise ImportFileError(f"The CSV file could not be read: {exc}.") from exc


def read_xlsx(content: bytes) -> Table:
    """The first worksheet's values (not formulas), read without loading the whole book."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError("The file could not be opened as an Excel workbook (.xlsx).") from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError("The workbook is too large once unpacked. Save the list on its own in a new file.")
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a damaged file
        raise ImportFileError("The file could not be opened as an Excel workbook (.xlsx).") from exc
    try:
        if not book.worksheets:
            raise ImportFileError("The workbook has no worksheets.")
        sheet = book.worksheets[0]
        rows = ((i, list(values)) for i, values in enumerate(sheet.iter_rows(values_only=True), start=1))
        try:
            return _build_table(rows)
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError("The first worksheet could not be read. Check the file opens in Excel.") from exc
    finally:
        book.close()


def read_table(extension: str, content: bytes) -> Table:
    if len(content) > MAX_BYTES:
        raise ImportFileError(f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB.")
    if extension == "xlsx":
        return read_xlsx(content)
    if extension == "csv":
        return read_csv(content)
    raise ImportFileError("The file must be a CSV or an Excel (.xlsx) file.")


# --- Headings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file. ``row`` is None for a problem with the file as a whole."""

    row: int | None
    column: str
    message: str

    def as_line(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class ColumnMap:
    """Which column of the file holds which field, and the heading the file gives it."""

    positions: dict[str, int]
    headings: dict[str, str]

    def heading(self, name: str) -> str:
        return self.headings.get(name, name)

    @property
    def org_id_heading(self) -> str:
        """The heading of the column the org-ids come from (org_id, or a charity/company number)."""
        return next((self.headings[s] for s in ORG_ID_SOURCES if s in self.positions), "org_id")


def match_headers(
    headers: Sequence[str], rows: Sequence[tuple[int, list[str]]] = ()
) -> tuple[ColumnMap, list[Problem]]:
    """Map the file's headings to our columns; report unknown, repeated and missing ones."""
    positions: dict[str, int] = {}
    headings: dict[str, str] = {}
    problems: list[Problem] = []
    unknown: list[str] = []
    for index, heading in enumerate(headers):
        if not heading:
            if any(index < len(cells) and cells[index] for _, cells in rows):
                problems.append(Problem(1, f"column {index + 1}", "This column has values but no heading."))
            continue
        name = HEADINGS.get(normalise_heading(heading))
        if name is None:
            unknown.append(heading)
        elif name in positions:
            problems.append(
                Problem(1, heading, f"“{heading}” and “{headings[name]}” are the same column: keep only one.")
            )
        else:
            positions[name] = index
            headings[name] = heading
    if unknown:
        problems.append(
            Problem(
                1,
                ", ".join(unknown),
                ("These columns are not recognised: " if len(unknown) > 1 else "This column is not recognised: ")
                + ", ".join(f"“{u}”" for u in unknown)
                + ". Rename or remove them. The accepted columns are: "
                + ", ".join(c.name for c in COLUMNS)
                + ".",
            )
        )
    for column in COLUMNS:
        if not column.required or column.name in positions:
            continue
        if column.name == "org_id" and any(s in positions for s in ORG_ID_SOURCES):
            continue
        hint = " (or a “Charity number” or “Company number” column)" if column.name == "org_id" else ""
        problems.append(Problem(1, column.name, f"The file has no “{column.name}” column{hint}: it is required."))
    return ColumnMap(positions, headings), problems


# --- Rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabularies:
    """What the database knows, passed in so that the rules stay pure."""

    legal_forms: Mapping[str, str]  # code -> label
    sectors: Mapping[str, str]
    service_types: Mapping[str, str]
    client_groups: Mapping[str, str]
    wards: Sequence[tuple[str, str]]  # (GSS code, name)
    this_year: int


@dataclass
class OrganisationRecord:
    """One valid row. ``values`` holds only the fields whose cells had a value."""

    row: int
    name: str
    org_id: str
    legal_form: str
    other_identifiers: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def identifiers(self) -> list[str]:
        return [self.org_id, *self.other_identifiers]


@dataclass
class Validation:
    records: list[OrganisationRecord]
    problems: list[Problem]
    columns: ColumnMap
    row_count: int

    @property
    def ok(self) -> bool:
        return not self.problems


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("&", "and"))


def _choice_index(choices: Mapping[str, str], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Codes and labels (and a label's bracketed abbreviation or its text before the bracket)."""
    index: dict[str, str] = {}
    for code, label in choices.items():
        index.setdefault(_key(code), code)
        index.setdefault(_key(label), code)
        match = re.fullmatch(r"(.*?)\s*\((.*)\)\s*", label)
        if match:
            index.setdefault(_key(match.group(1)), code)
            index.setdefault(_key(match.group(2)), code)
    for text, code in (extra or {}).items():
        if code in choices:
            index.setdefault(_key(text), code)
    return index


_SECTOR_SYNONYMS = {
    "voluntary": "vcse",
    "voluntary sector": "vcse",
    "charity": "vcse",
    "third sector": "vcse",
    "social enterprise": "vcse",
    "community": "vcse",
    "business": "private",
    "commercial": "private",
    "public body": "public",
    "statutory": "public",
}
_LEGAL_FORM_SYNONYMS = {
    "charity": "charitable_incorporated_trust",
    "charitable company": "charitable_company",
    "community group": "unincorporated_association",
    "unincorporated": "unincorporated_association",
    "ltd": "private_company",
    "limited company": "private_company",
    "plc": "public_limited_company",
    "cbs": "community_benefit_society",
    "bencom": "community_benefit_society",
    "clg": "company_limited_by_guarantee",
    "council": "local_authority",
    "nhs": "nhs_body",
}


class _RowChecker:
    """Checks the cells of one row; collects problems against the file's own headings."""

    def __init__(self, number: int, cells: list[str], columns: ColumnMap, problems: list[Problem]):
        self.number = number
        self.cells = cells
        self.columns = columns
        self.problems = problems
        self.failed = False

    def cell(self, name: str) -> str:
        index = self.columns.positions.get(name)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].strip()

    def has(self, name: str) -> bool:
        return bool(self.cell(name))

    def problem(self, name: str, message: str) -> None:
        self.failed = True
        self.problems.append(Problem(self.number, self.columns.heading(name), message))

    def text(self, name: str) -> str | None:
        value = self.cell(name)
        limit = _MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            self.problem(name, f"This is {len(value)} characters long: it can be at most {limit}.")
            return None
        return re.sub(r"[ \t]+", " ", value) if name != "description" else value

    def whole_number(self, name: str, *, low: int = 0, high: int = 10_000_000) -> int | None:
        raw = self.cell(name)
        value = raw.replace(",", "").replace(" ", "")
        if not re.fullmatch(r"\d+(\.0+)?", value):
            self.problem(name, f"“{raw}” is not a whole number. Enter digits only, for example 12.")
            return None
        number = int(Decimal(value))
        if not low <= number <= high:
            self.problem(name, f"{number:,} is out of range: enter a number from {low:,} to {high:,}.")
            return None
        return number

    def money(self, name: str) -> Decimal | None:
        raw = self.cell(name)
        value = re.sub(r"[£,\s]", "", raw)
        if value.upper().endswith("GBP"):
            value = value[:-3]
        try:
            amount = Decimal(value)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            self.problem(name, f"“{raw}” is not an amount of money. Enter pounds, for example 45000 or £45,000.")
            return None
        if amount < 0:
            self.problem(name, f"“{raw}” is negative: annual income cannot be below £0.")
            return None
        amount = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if amount >= Decimal(10) ** 14:
            self.problem(name, f"“{raw}” is too large for an annual income.")
            return None
        return amount

    def year(self, name: str, this_year: int) -> int | None:
        raw = self.cell(name)
        value = raw[:-2] if raw.endswith(".0") else raw
        if not re.fullmatch(r"\d{4}", value):
            self.problem(name, f"“{raw}” is not a year. Enter 4 digits, for example 2009.")
            return None
        year = int(value)
        if not 1500 <= year <= this_year:
            self.problem(name, f"{year} is not a possible year: enter a year from 1500 to {this_year}.")
            return None
        return year

    def percentage(self, name: str) -> int | None:
        raw = self.cell(name)
        value = raw.replace(" ", "")
        if value.endswith("%"):
            value = value[:-1]
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite() and "." in value and 0 < number < 1 and not raw.endswith("%"):
            number *= 100  # a spreadsheet percentage cell: 0.75 is 75%
        if number is None or not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 100:
            self.problem(name, f"“{raw}” is not a percentage. Enter a whole number from 0 to 100, for example 75.")
            return None
        return int(number)

    def yes_no(self, name: str) -> bool | None:
        raw = self.cell(name)
        value = raw.lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.problem(name, f"“{raw}” is not yes or no. Enter yes or no.")
        return None

    def email(self, name: str) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        if not _EMAIL.fullmatch(value):
            self.problem(name, f"“{value}” is not a valid e-mail address. Enter one like name@example.org.uk.")
            return None
        return value

    def url(self, name: str) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
            value = f"https://{value}"
        if not _URL.fullmatch(value) or len(value) > _MAX_LENGTHS["website"]:
            self.problem(
                name,
                f"“{self.cell(name)}” is not a valid web address. Enter one like https://www.example.org.uk.",
            )
            return None
        return value

    def postcode(self, name: str) -> str | None:
        raw = self.cell(name)
        compact = re.sub(r"\s+", "", raw).upper()
        if not _POSTCODE.fullmatch(compact):
            self.problem(name, f"“{raw}” is not a valid UK postcode. Enter one like LS1 4AP.")
            return None
        return f"{compact[:-3]} {compact[-3:]}"

    def items(self, name: str) -> list[str]:
        values = [v.strip() for v in self.cell(name).split(";")]
        values = [v for v in values if v]
        if len(values) > MAX_LIST_ITEMS:
            self.problem(name, f"This cell lists {len(values)} values: it can list at most {MAX_LIST_ITEMS}.")
            return []
        return values

    def codes(self, name: str, index: Mapping[str, str], what: str) -> list[str]:
        found: list[str] = []
        unknown: list[str] = []
        for item in self.items(name):
            code = index.get(_key(item))
            if code is None:
                unknown.append(item)
            elif code not in found:
                found.append(code)
        if unknown:
            listed = ", ".join(f"“{u}”" for u in unknown)
            self.problem(
                name,
                f"Not a known {what}: {listed}. Use the codes or names listed on the import page, separated by "
                "semicolons.",
            )
        return found


_EMAIL = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*"
    r"@((?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+)(?:[A-Z0-9-]{2,63}(?<!-))",
    re.IGNORECASE,
)
_URL = re.compile(
    r"https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?(?::\d{1,5})?(?:[/?#][^\s]*)?",
    re.IGNORECASE,
)
_POSTCODE = re.compile(r"(GIR0AA|[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2})")


_BOROUGH_WIDE_KEYS = {_key(b) for b in _BOROUGH_WIDE}


def _ward_index(wards: Sequence[tuple[str, str]]) -> tuple[dict[str, str], set[str]]:
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for gss, _name in wards:
        index[_key(gss)] = gss
    names: dict[str, set[str]] = {}
    for gss, name in wards:
        names.setdefault(_key(name), set()).add(gss)
    for key, codes in names.items():
        if len(codes) > 1:
            ambiguous.add(key)
        elif key not in index:
            index[key] = next(iter(codes))
    return index, ambiguous


class _Indexes:
    def __init__(self, vocab: Vocabularies):
        self.legal_forms = _choice_index(vocab.legal_forms, _LEGAL_FORM_SYNONYMS)
        self.sectors = _choice_index(vocab.sectors, _SECTOR_SYNONYMS)
        self.service_types = _choice_index(vocab.service_types)
        self.client_groups = _choice_index(vocab.client_groups)
        self.wards, self.ambiguous_wards = _ward_index(vocab.wards)


#: (identifier, the field it came from) — kept for every row, valid or not, to find duplicates.
Found = list[tuple[str, str]]


def _org_id(check: _RowChecker) -> Found:
    """The row's identifiers from the org_id, charity number and company number columns; the
    first one found is the primary org-id."""
    derived: list[tuple[str, str]] = []
    if check.has("org_id"):
        derived.append(("org_id", check.cell("org_id")))
    for source, scheme in (("charity_number", "GB-CHC"), ("company_number", "GB-COH")):
        if check.has(source):
            raw = check.cell(source)
            derived.append((source, raw if raw.upper().startswith(scheme + "-") else f"{scheme}-{raw}"))
    if not derived:
        present = [s for s in ORG_ID_SOURCES if s in check.columns.positions]
        check.problem(present[0], "Enter the organisation's identifier, for example GB-CHC-1164883.")
        return []
    found: Found = []
    for source, raw in derived:
        try:
            found.append((str(parse_org_id(raw)), source))
        except InvalidIdentifier as exc:
            check.problem(source, str(exc))
            if not found:
                found.append(("", source))  # the primary is missing: keep its place
    return found


def _other_identifiers(check: _RowChecker) -> Found:
    found: Found = []
    for item in check.items("other_identifiers"):
        try:
            found.append((str(parse_org_id(item)), "other_identifiers"))
        except InvalidIdentifier as exc:
            check.problem("other_identifiers", str(exc))
    return found


def _is_borough_wide(item: str) -> bool:
    return item.strip() == "*" or _key(item) in _BOROUGH_WIDE_KEYS


def _wards(check: _RowChecker, indexes: _Indexes) -> dict[str, Any]:
    items = check.items("wards")
    if len(items) == 1 and _is_borough_wide(items[0]):
        return {"borough_wide": True, "wards": []}
    found: list[str] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for item in items:
        if _is_borough_wide(item):
            check.problem("wards", "Use * (or “all”) on its own for the whole place, not alongside ward names.")
            return {}
        key = _key(item)
        if key in indexes.ambiguous_wards:
            ambiguous.append(item)
        elif key in indexes.wards:
            if indexes.wards[key] not in found:
                found.append(indexes.wards[key])
        else:
            unknown.append(item)
    if unknown:
        check.problem(
            "wards",
            "Not a known ward: "
            + ", ".join(f"“{u}”" for u in unknown)
            + ". Use the ward names or GSS codes listed on the import page, or * for the whole place.",
        )
    if ambiguous:
        check.problem(
            "wards",
            "More than one ward has this name: " + ", ".join(f"“{a}”" for a in ambiguous) + ". Use its GSS code.",
        )
    return {"borough_wide": False, "wards": found}


_TEXT_FIELDS = ("description", "phone", "address", "contact_name", "contact_phone")


def _optional_values(check: _RowChecker, vocab: Vocabularies, indexes: _Indexes) -> dict[str, Any]:
    values: dict[str, Any] = {}

    def put(name: str, value: Any) -> None:
        if value is not None:
            values[name] = value

    if check.has("sector"):
        codes = check.codes("sector", indexes.sectors, "sector")
        if len(codes) > 1:
            check.problem("sector", "Give one sector only.")
        elif codes:
            values["sector"] = codes[0]
    for name in _TEXT_FIELDS:
        if check.has(name):
            put(name, check.text(name))
    if check.has("annual_income"):
        put("annual_income", check.money("annual_income"))
    for name in ("staff_count", "volunteer_count"):
        if check.has(name):
            put(name, check.whole_number(name))
    for name in ("founded_year", "active_locally_since"):
        if check.has(name):
            put(name, check.year(name, vocab.this_year))
    for name in ("staff_local_pct", "trustees_local_pct"):
        if check.has(name):
            put(name, check.percentage(name))
    if check.has("registered_office_in_place"):
        put("registered_office_in_place", check.yes_no("registered_office_in_place"))
    if check.has("website"):
        put("website", check.url("website"))
    for name in ("email", "contact_email"):
        if check.has(name):
            put(name, check.email(name))
    if check.has("postcode"):
        put("postcode", check.postcode("postcode"))
    if check.has("vat_number"):
        try:
            values["vat_number"] = parse_vat_number(check.cell("vat_number"))
        except InvalidIdentifier as exc:
            check.problem("vat_number", str(exc))
    if check.has("wards"):
        values.update(_wards(check, indexes))
    if check.has("client_groups"):
        values["client_groups"] = check.codes("client_groups", indexes.client_groups, "client group")
    if check.has("service_types"):
        values["service_types"] = check.codes("service_types", indexes.service_types, "service type")
    return values


def _check_row(
    number: int, cells: list[str], columns: ColumnMap, vocab: Vocabularies, indexes: _Indexes, problems: list[Problem]
) -> tuple[OrganisationRecord | None, Found]:
    check = _RowChecker(number, cells, columns, problems)
    name = check.text("name") if check.has("name") else None
    if not check.has("name"):
        check.problem("name", "Enter the organisation's name.")
    identifiers = _org_id(check)
    legal_form = None
    if not check.has("legal_form"):
        check.problem("legal_form", "Enter the legal form, for example cio or charitable_company.")
    else:
        raw = check.cell("legal_form")
        legal_form = indexes.legal_forms.get(_key(raw))
        if legal_form is None:
            check.problem(
                "legal_form",
                f"“{raw}” is not a legal form we know. Use one of: " + ", ".join(vocab.legal_forms) + ".",
            )
    identifiers += _other_identifiers(check)
    # Each identifier once: the primary first, then the others in the order given.
    unique = list(dict.fromkeys(i for i, _ in identifiers))
    found = [(i, next(src for j, src in identifiers if j == i)) for i in unique if i]
    values = _optional_values(check, vocab, indexes)
    org_id = identifiers[0][0] if identifiers else ""
    if check.failed or not (name and org_id and legal_form):
        return None, found
    return OrganisationRecord(number, name, org_id, legal_form, unique[1:], values), found


def validate_table(table: Table, vocab: Vocabularies) -> Validation:
    """Check every row; problems come back in row order with the file's own column headings."""
    columns, problems = match_headers(table.headers, table.rows)
    if problems:
        return Validation([], problems, columns, len(table.rows))
    if not table.rows:
        problem = Problem(None, "", "The file has column headings but no rows of organisations.")
        return Validation([], [problem], columns, 0)
    indexes = _Indexes(vocab)
    records: list[OrganisationRecord] = []
    identifiers: list[tuple[int, Found]] = []
    for number, cells in table.rows:
        record, found = _check_row(number, cells, columns, vocab, indexes, problems)
        identifiers.append((number, found))
        if record is not None:
            records.append(record)
    problems.extend(duplicate_identifiers(identifiers, columns))
    problems.sort(key=lambda p: p.row or 0)
    return Validation(records, problems, columns, len(table.rows))


def duplicate_identifiers(rows: Sequence[tuple[int, Found]], columns: ColumnMap) -> list[Problem]:
    """An identifier may appear once in a file, on one row (rows with other problems count too)."""
    first_seen: dict[str, int] = {}
    problems: list[Problem] = []
    for number, found in rows:
        for identifier, source in found:
            seen = first_seen.setdefault(identifier, number)
            if seen != number:
                problems.append(
                    Problem(number, columns.heading(source), f"{identifier} is already used in row {seen}.")
                )
    return problems


def template_csv() -> str:
    """The heading row of a blank import file."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(TEMPLATE_COLUMNS)
    return buffer.getvalue()
