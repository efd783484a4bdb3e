"""The columns an organisations import file may have, with the headings accepted for each.

Headings are compared ignoring case, spaces and punctuation, so "Organisation name",
"organisation_name" and "ORGANISATION NAME" are the same column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    description: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    example: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "Name",
        "The organisation's name as it should appear in the directory (up to 200 characters).",
        required=True,
        synonyms=(
            "organisation name",
            "organisation",
            "supplier name",
            "supplier",
            "provider name",
            "provider",
            "charity name",
            "company name",
            "org name",
        ),
        example="Brookfield Community Pantry",
    ),
    Column(
        "org_id",
        "Organisation identifier (org-id)",
        "The org-id: a scheme and a number, such as GB-CHC-1164883 for a registered charity or GB-COH-06368740 "
        "for a company. A file with a “Charity number” column and no org_id column is accepted too: each "
        "charity number becomes GB-CHC-<number>; likewise a “Company number” becomes GB-COH-<number>.",
        required=True,
        synonyms=("org id", "organisation identifier", "identifier", "org identifier"),
        example="GB-CHC-1164883",
    ),
    Column(
        "legal_form",
        "Legal form",
        "What kind of body it is: one of the codes or names listed below.",
        required=True,
        synonyms=("legal structure", "legal status", "organisation type", "type of organisation", "structure"),
        example="cio",
    ),
    Column(
        "charity_number",
        "Charity number",
        "Used when there is no org_id: the registered charity number becomes GB-CHC-<number>. "
        "If there is an org_id as well, the charity number is kept as another identifier.",
        synonyms=(
            "registered charity number",
            "charity no",
            "charity registration number",
            "charity reg no",
            "reg charity no",
        ),
        example="1164883",
    ),
    Column(
        "company_number",
        "Company number",
        "Used when there is no org_id and no charity number: the Companies House number becomes "
        "GB-COH-<number> (leading zeros are put back). Otherwise kept as another identifier.",
        synonyms=("company registration number", "companies house number", "company no", "company reg no"),
        example="06368740",
    ),
    Column(
        "other_identifiers",
        "Other identifiers",
        "Further org-ids of the same organisation, separated by semicolons.",
        synonyms=("other ids", "other org ids", "additional identifiers"),
        example="GB-COH-06368740",
    ),
    Column(
        "sector",
        "Sector",
        "vcse (voluntary, community or social enterprise), private or public. Empty means vcse.",
        synonyms=("sector type",),
        example="vcse",
    ),
    Column(
        "description",
        "Description",
        "What the organisation does, in a sentence or two.",
        synonyms=("about", "summary", "activities"),
        example="Runs a community pantry and welfare advice sessions.",
    ),
    Column(
        "annual_income",
        "Annual income",
        "Latest annual income in pounds, for example 45000 or £45,000. Sets the size band.",
        synonyms=("income", "turnover", "annual turnover", "latest income", "total income"),
        example="45000",
    ),
    Column(
        "staff_count",
        "Staff",
        "Number of paid staff (a whole number).",
        synonyms=("staff", "employees", "number of staff", "paid staff", "number of employees"),
        example="3",
    ),
    Column(
        "volunteer_count",
        "Volunteers",
        "Number of volunteers (a whole number).",
        synonyms=("volunteers", "number of volunteers"),
        example="25",
    ),
    Column(
        "founded_year",
        "Year founded",
        "The year the organisation was set up, for example 2009.",
        synonyms=("founded", "year founded", "established", "year established", "founded in"),
        example="2009",
    ),
    Column(
        "wards",
        "Wards",
        "Wards it works in: GSS codes or ward names separated by semicolons, or * (or “all”) for the whole place.",
        synonyms=("ward", "wards served", "areas", "areas served"),
        example="Castlegate; Mill Hill",
    ),
    Column(
        "client_groups",
        "Client groups",
        "Whom it serves: codes or names from the list below, separated by semicolons.",
        synonyms=("client group", "who it serves", "beneficiaries", "beneficiary groups", "people served"),
        example="families; older_people",
    ),
    Column(
        "service_types",
        "Service types",
        "What it does: codes or names from the list below, separated by semicolons.",
        synonyms=("service type", "services", "what it does", "activities type"),
        example="food_support; advice_guidance",
    ),
    Column(
        "registered_office_in_place",
        "Registered office in the place",
        "Yes or no (also true/false, 1/0).",
        synonyms=("registered office local", "local office", "registered locally", "based locally"),
        example="yes",
    ),
    Column(
        "active_locally_since",
        "Active locally since",
        "The year it started working in the place.",
        synonyms=("active since", "working locally since"),
        example="2012",
    ),
    Column(
        "staff_local_pct",
        "Staff living locally (%)",
        "Percentage of staff who live in the place: a whole number from 0 to 100.",
        synonyms=("staff local", "staff local percent", "local staff"),
        example="80",
    ),
    Column(
        "trustees_local_pct",
        "Trustees living locally (%)",
        "Percentage of trustees or directors who live in the place: a whole number from 0 to 100.",
        synonyms=("trustees local", "trustees local percent", "local trustees"),
        example="60",
    ),
    Column(
        "website",
        "Website",
        "The web address, for example https://www.example.org.uk (www.example.org.uk is accepted too).",
        synonyms=("web site", "url", "web address", "web"),
        example="https://www.example.org.uk",
    ),
    Column(
        "email",
        "Public e-mail",
        "The public e-mail address shown in the directory.",
        synonyms=("email address", "public email"),
        example="hello@example.org.uk",
    ),
    Column(
        "phone",
        "Public phone",
        "The public phone number.",
        synonyms=("telephone", "phone number", "tel", "telephone number", "public phone"),
        example="0113 496 0000",
    ),
    Column(
        "address",
        "Address",
        "The address (without the postcode).",
        synonyms=("street address", "registered address", "postal address"),
        example="12 Mill Lane, Northbridge",
    ),
    Column(
        "postcode",
        "Postcode",
        "A UK postcode, for example NB1 2AB.",
        synonyms=("post code", "postal code", "zip"),
        example="LS1 4AP",
    ),
    Column(
        "contact_name",
        "Contact name",
        "The person commissioners should contact (private: not shown to the public).",
        synonyms=("contact", "main contact", "contact person"),
        example="Sandra Okafor",
    ),
    Column(
        "contact_email",
        "Contact e-mail",
        "The contact's e-mail address (private).",
        synonyms=("contact email address", "main contact email"),
        example="sandra@example.org.uk",
    ),
    Column(
        "contact_phone",
        "Contact phone",
        "The contact's phone number (private).",
        synonyms=("contact telephone", "contact phone number", "main contact phone"),
        example="07700 900123",
    ),
    Column(
        "vat_number",
        "VAT number",
        "The VAT registration number, if registered: 9 digits, optionally after GB.",
        synonyms=("vat", "vat registration number", "vat reg no", "vat no"),
        example="GB 980 7806 84",
    ),
)
COLUMNS_BY_NAME = {c.name: c for c in COLUMNS}
#: The columns a template file offers, in order.
TEMPLATE_COLUMNS = tuple(c.name for c in COLUMNS if c.name not in {"charity_number", "company_number"})
#: Columns that can stand in for org_id.
ORG_ID_SOURCES = ("org_id", "charity_number", "company_number")


def normalise_heading(text: str) -> str:
    """Compare headings ignoring case, spaces, punctuation and US spelling."""
    value = (text or "").strip().lower().replace("organization", "organisation")
    value = value.replace("%", " pct").replace("&", " and ").replace("(optional)", "")
    return re.sub(r"[^a-z0-9]", "", value)


def _heading_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS:
        for text in (column.name, column.label, *column.synonyms):
            index.setdefault(normalise_heading(text), column.name)
    return index


HEADINGS = _heading_index()
