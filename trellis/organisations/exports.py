"""Directory lists as spreadsheets: one column spec, one row builder, a CSV and an Excel writer.

Pages, the API and commands share these, so a list looks the same however it was asked for.
Contact details (the private columns) are added only when the caller says the person may see them
(``permissions.can_export_private_columns``). Every text cell is guarded against formula injection:
a value starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is prefixed with
a single quote so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from trellis.organisations.models import Organisation

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | None


def guard(value: Any) -> Cell:
    """A value safe to put in a spreadsheet cell: numbers stay numbers, formula-like text is quoted."""
    if value is None or isinstance(value, bool):
        return None if value is None else ("Yes" if value else "No")
    if isinstance(value, int):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _names(items: Iterable[Any]) -> str:
    return "; ".join(item.name for item in items)


def _wards(org: Organisation) -> str:
    names = _names(org.listed_wards)
    if org.borough_wide:
        everywhere = f"Across {settings.TRELLIS_PLACE_NAME}"
        return f"{everywhere}; {names}" if names else everywhere
    return names


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    value: Callable[[Organisation], Any]
    private: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("org_id", "Organisation identifier (org-id)", lambda o: o.org_id),
    Column("name", "Name", lambda o: o.name),
    Column("legal_form", "Legal form", lambda o: o.get_legal_form_display()),
    Column("sector", "Sector", lambda o: o.get_sector_display()),
    Column("income_band", "Income band", lambda o: f"{o.band_info.label} ({o.band_info.range_label})"),
    Column("staff", "Staff", lambda o: o.staff_count),
    Column("volunteers", "Volunteers", lambda o: o.volunteer_count),
    Column("wards", "Wards", _wards),
    Column("service_types", "Service types", lambda o: _names(o.listed_service_types)),
    Column("client_groups", "Client groups", lambda o: _names(o.listed_client_groups)),
    Column("registered_office_local", "Registered office local", lambda o: o.registered_office_in_place),
    Column("active_locally_since", "Active locally since", lambda o: o.active_locally_since),
    Column("tier", "Accreditation tier", lambda o: o.tier.label),
    Column("website", "Website", lambda o: o.website),
    Column("email", "Public email", lambda o: o.email),
    Column("phone", "Phone", lambda o: o.phone),
    Column("postcode", "Postcode", lambda o: o.postcode),
    Column("contact_name", "Contact name", lambda o: o.contact_name, private=True),
    Column("contact_email", "Contact email", lambda o: o.contact_email, private=True),
    Column("contact_phone", "Contact phone", lambda o: o.contact_phone, private=True),
)


def columns(include_private: bool) -> list[Column]:
    return [c for c in COLUMNS if include_private or not c.private]


def header(include_private: bool) -> list[str]:
    return [c.header for c in columns(include_private)]


def rows(orgs: Iterable[Organisation], include_private: bool) -> Iterator[list[Cell]]:
    """One guarded row per organisation, in the order of ``header(include_private)``.

    Give it organisations from ``selectors.with_listing_data`` (their ``listed_wards``, ``listed_service_types``
    and ``listed_client_groups``), so a long list costs a fixed number of queries.
    """
    cols = columns(include_private)
    for org in orgs:
        yield [guard(c.value(org)) for c in cols]


def filename(extension: str, today: date) -> str:
    """e.g. northbridge-directory-2026-11-22.csv"""
    return f"{slugify(settings.TRELLIS_PLACE_NAME) or 'trellis'}-directory-{today.isoformat()}.{extension}"


class _Echo:
    """A file-like object that hands back what is written, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(orgs: Iterable[Organisation], include_private: bool) -> Iterator[str]:
    """The CSV text line by line, starting with a byte-order mark so Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header(include_private))
    for row in rows(orgs, include_private):
        yield writer.writerow(["" if cell is None else cell for cell in row])


def write_xlsx(orgs: Iterable[Organisation], include_private: bool, stream: io.BufferedIOBase | io.BytesIO) -> None:
    """An Excel workbook (one sheet, header row in bold and frozen) written to ``stream``."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Directory")
    sheet.freeze_panes = "A2"
    for letter, width in {"A": 18, "B": 40, "C": 30, "D": 24, "E": 28}.items():
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header_cells = []
    for text in header(include_private):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows(orgs, include_private):
        # Control characters cannot be stored in the file's XML: drop them rather than fail.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    workbook.save(stream)
