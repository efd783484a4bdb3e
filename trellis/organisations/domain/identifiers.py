"""Organisation identifiers (org-id.guide) and VAT numbers — pure rules.

An org-id is ``<scheme>-<identifier>``: ``GB-CHC-1164883``, ``GB-COH-06368740``. The schemes we
accept, with each one's format, are a data table (``data/orgid_schemes.csv``) that cites its source.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from stdnum.exceptions import ValidationError
from stdnum.gb import vat as uk_vat


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    pattern: re.Pattern[str]
    format: str
    example: str
    pad_digits_to: int | None
    source: str


class InvalidIdentifier(ValueError):
    """The identifier is not valid; the message says why in plain English."""


@cache
def schemes() -> dict[str, Scheme]:
    text = resources.files("trellis.organisations").joinpath("data/orgid_schemes.csv").read_text("utf-8")
    table: dict[str, Scheme] = {}
    for row in csv.DictReader(text.splitlines()):
        table[row["code"]] = Scheme(
            code=row["code"],
            name=row["name"],
            pattern=re.compile(row["pattern"]),
            format=row["format"],
            example=row["example"],
            pad_digits_to=int(row["pad_digits_to"]) if row["pad_digits_to"] else None,
            source=row["source"],
        )
    return table


@dataclass(frozen=True)
class OrgId:
    scheme: str
    identifier: str

    def __str__(self) -> str:
        return f"{self.scheme}-{self.identifier}"

    @property
    def scheme_name(self) -> str:
        return schemes()[self.scheme].name


def _split(value: str) -> tuple[str, str]:
    """Find the longest known scheme code the value starts with (GB-LANI before GB-LA…)."""
    for code in sorted(schemes(), key=len, reverse=True):
        if value.upper().startswith(code.upper() + "-"):
            return code, value[len(code) + 1 :]
    raise InvalidIdentifier(
        f"“{value}” does not start with a known identifier scheme. Use one of: "
        + ", ".join(sorted(schemes()))
        + " followed by a hyphen and the number, for example GB-CHC-1164883."
    )


def parse_org_id(raw: str) -> OrgId:
    """Normalise and validate an org-id, or raise InvalidIdentifier naming the scheme's format."""
    value = re.sub(r"\s+", "", raw or "")
    if not value:
        raise InvalidIdentifier("Enter an organisation identifier, for example GB-CHC-1164883.")
    code, ident = _split(value)
    scheme = schemes()[code]
    if code != "360G":
        ident = ident.upper()
    if scheme.pad_digits_to and ident.isdigit() and len(ident) < scheme.pad_digits_to:
        ident = ident.zfill(scheme.pad_digits_to)
    if not scheme.pattern.fullmatch(ident):
        raise InvalidIdentifier(
            f"“{raw.strip()}” is not a valid {scheme.name} identifier: {code} needs {scheme.format}."
        )
    return OrgId(code, ident)


def is_valid_org_id(raw: str) -> bool:
    try:
        parse_org_id(raw)
    except InvalidIdentifier:
        return False
    return True


def parse_vat_number(raw: str) -> str:
    """Validate a UK VAT registration number (9 digits, optional GB or XI prefix) by its check digits.

    Returns the normalised form ``GB123456789``. Branch suffixes (12 digits) are accepted; the check applies to the
    first 9 digits. Government departments (GD) and health authorities (HA) have no check digits. The check itself
    (HMRC's modulus 97 and modulus 9755 schemes) is python-stdnum's ``stdnum.gb.vat`` (ADR 8).
    """
    value = re.sub(r"[\s.-]", "", raw or "").upper()
    if value.startswith("GB") or value.startswith("XI"):
        prefix, value = value[:2], value[2:]
    else:
        prefix = "GB"
    if not re.fullmatch(r"\d{9}(\d{3})?|GD[0-4]\d{2}|HA[5-9]\d{2}", value):
        raise InvalidIdentifier(
            "A VAT registration number is 9 digits, optionally after GB, for example GB 980 7806 84."
        )
    try:
        uk_vat.validate(value)
    except ValidationError as exc:
        raise InvalidIdentifier(
            f"“{raw.strip()}” is not a valid VAT registration number: its check digits do not match."
        ) from exc
    return prefix + value
