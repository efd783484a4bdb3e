"""Facts about a need: what the advisor is told, checked field by field.

``Facts.from_dict`` accepts the JSON format in `docs/routes.md` (the web form uses the same field names) and
raises ``FactsInvalid`` with ``errors = {field: [plain-English message, ...]}`` naming every problem at once.
``facts.to_dict()`` round-trips through ``Facts.from_dict``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from trellis.core.errors import ValidationFailed

from .justifications import DIRECT_AWARD_JUSTIFICATIONS
from .thresholds import ThresholdUnknown, threshold_row

MAX_VALUE = Decimal("10000000000")  # exclusive
EARLIEST_START = date(2015, 1, 1)
LATEST_START = date(2100, 12, 31)
MAX_DURATION_MONTHS = 240


class Purpose(StrEnum):
    BUY_SERVICE = "buy_service"
    FUND_OWN_ACTIVITY = "fund_own_activity"
    COMMUNITY_LED_SMALL_GRANTS = "community_led_small_grants"


GRANT_PURPOSES = frozenset({Purpose.FUND_OWN_ACTIVITY, Purpose.COMMUNITY_LED_SMALL_GRANTS})


class ServiceCategory(StrEnum):
    LIGHT_TOUCH = "light_touch"
    HEALTH_CARE = "health_care"
    GOODS_SERVICES = "goods_services"
    WORKS = "works"


class AuthorityClass(StrEnum):
    SUB_CENTRAL = "sub_central"
    CENTRAL = "central"


class CrossAuthority(StrEnum):
    NONE = "none"
    LEAD_AUTHORITY = "lead_authority"
    FRAMEWORK_ACCESS = "framework_access"


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    EXTREME = "extreme"


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class FactsInvalid(ValidationFailed):
    """The facts cannot be advised on. ``errors`` names each field with its messages."""

    code = "facts_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        summary = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items())
        super().__init__(f"The facts are not valid. {summary}", errors=errors)


@dataclass(frozen=True)
class Facts:
    purpose: Purpose
    estimated_value_gbp: Decimal
    duration_months: int
    service_category: ServiceCategory
    authority_class: AuthorityClass
    procurement_start: date
    capable_providers: int
    capable_small_or_local: int
    incumbent_scenario: int = 0
    needs_codesign: bool = False
    innovation: bool = False
    cross_authority: CrossAuthority = CrossAuthority.NONE
    existing_framework: bool = False
    urgency: Urgency = Urgency.NORMAL
    risk: Risk = Risk.MEDIUM
    direct_award_justification: str = ""
    service_types: tuple[str, ...] = field(default=())
    wards: tuple[str, ...] = field(default=())

    @property
    def is_grant_purpose(self) -> bool:
        return self.purpose in GRANT_PURPOSES

    @property
    def small_or_local_share(self) -> Decimal | None:
        if self.capable_providers == 0:
            return None
        return Decimal(self.capable_small_or_local) / Decimal(self.capable_providers)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Facts:
        if not isinstance(data, Mapping):
            raise FactsInvalid({"facts": ["The facts must be an object of field names and values."]})
        return _Parser(data).parse()

    def to_dict(self) -> dict[str, Any]:
        value = self.estimated_value_gbp
        return {
            "purpose": str(self.purpose),
            "estimated_value_gbp": int(value) if value == value.to_integral_value() else float(value),
            "duration_months": self.duration_months,
            "service_category": str(self.service_category),
            "authority_class": str(self.authority_class),
            "procurement_start": self.procurement_start.isoformat(),
            "capable_providers": self.capable_providers,
            "capable_small_or_local": self.capable_small_or_local,
            "incumbent_scenario": self.incumbent_scenario,
            "needs_codesign": self.needs_codesign,
            "innovation": self.innovation,
            "cross_authority": str(self.cross_authority),
            "existing_framework": self.existing_framework,
            "urgency": str(self.urgency),
            "risk": str(self.risk),
            "direct_award_justification": self.direct_award_justification,
            "service_types": list(self.service_types),
            "wards": list(self.wards),
        }


# --- parsing ---------------------------------------------------------------------------------------

REQUIRED = (
    "purpose",
    "estimated_value_gbp",
    "duration_months",
    "service_category",
    "authority_class",
    "procurement_start",
    "capable_providers",
    "capable_small_or_local",
)
OPTIONAL: dict[str, Any] = {
    "incumbent_scenario": 0,
    "needs_codesign": False,
    "innovation": False,
    "cross_authority": CrossAuthority.NONE.value,
    "existing_framework": False,
    "urgency": Urgency.NORMAL.value,
    "risk": Risk.MEDIUM.value,
    "direct_award_justification": "",
    "service_types": [],
    "wards": [],
}
FIELDS = (*REQUIRED, *OPTIONAL)
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LABELS = {
    "purpose": "what the money is for",
    "estimated_value_gbp": "the estimated value",
    "duration_months": "the duration in months",
    "service_category": "the service category",
    "authority_class": "the kind of authority",
    "procurement_start": "the procurement start date",
    "capable_providers": "the number of capable providers",
    "capable_small_or_local": "the number of small or local capable providers",
}


def _choices(enum: type[StrEnum]) -> str:
    return ", ".join(e.value for e in enum)


class _Parser:
    def __init__(self, data: Mapping[str, Any]):
        self.data = data
        self.errors: dict[str, list[str]] = {}
        self.values: dict[str, Any] = {}

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def parse(self) -> Facts:
        for key in self.data:
            if key not in FIELDS:
                self.error(str(key), f"'{key}' is not a field the advisor knows. Known fields: {', '.join(FIELDS)}.")
        for name in REQUIRED:
            if name not in self.data or self.data[name] is None or self.data[name] == "":
                self.error(name, f"Enter {LABELS[name]}.")
        raw = {**OPTIONAL, **{k: v for k, v in self.data.items() if k in FIELDS}}

        self.choice("purpose", raw, Purpose)
        self.money("estimated_value_gbp", raw)
        self.integer("duration_months", raw, 1, MAX_DURATION_MONTHS, "months")
        self.choice("service_category", raw, ServiceCategory)
        self.choice("authority_class", raw, AuthorityClass)
        self.start_date("procurement_start", raw)
        self.integer("capable_providers", raw, 0, None, "providers")
        self.integer("capable_small_or_local", raw, 0, None, "providers")
        self.integer("incumbent_scenario", raw, 0, 7, "")
        for name in ("needs_codesign", "innovation", "existing_framework"):
            self.boolean(name, raw)
        self.choice("cross_authority", raw, CrossAuthority)
        self.choice("urgency", raw, Urgency)
        self.choice("risk", raw, Risk)
        self.justification("direct_award_justification", raw)
        for name in ("service_types", "wards"):
            self.string_list(name, raw)
        self.cross_checks()
        if self.errors:
            raise FactsInvalid(self.errors)
        return Facts(**self.values)

    # -- one field each ---------------------------------------------------------------------------
    def present(self, name: str, raw: Mapping[str, Any]) -> bool:
        return name not in self.errors and raw.get(name) is not None and raw.get(name) != ""

    def choice(self, name: str, raw: Mapping[str, Any], enum: type[StrEnum]) -> None:
        if not self.present(name, raw):
            return
        value = raw[name]
        try:
            self.values[name] = enum(value)
        except ValueError:
            self.error(name, f"'{value}' is not one of the choices: {_choices(enum)}.")

    def money(self, name: str, raw: Mapping[str, Any]) -> None:
        if not self.present(name, raw):
            return
        value = raw[name]
        if isinstance(value, bool):
            self.error(name, "Enter the value as a number of pounds, like 250000 or 250000.50.")
            return
        try:
            amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
        except (InvalidOperation, ValueError):
            self.error(name, "Enter the value as a number of pounds, like 250000 or 250000.50.")
            return
        if not amount.is_finite():
            self.error(name, "Enter the value as a number of pounds, like 250000 or 250000.50.")
        elif amount < 0:
            self.error(name, "The value cannot be negative.")
        elif amount >= MAX_VALUE:
            self.error(name, "The value must be less than £10,000,000,000.")
        elif amount != amount.quantize(Decimal("0.01")):
            self.error(name, "Give the value in pounds and pence: at most 2 decimal places.")
        else:
            self.values[name] = amount

    def integer(self, name: str, raw: Mapping[str, Any], low: int, high: int | None, unit: str) -> None:
        if not self.present(name, raw):
            if name in OPTIONAL and name not in self.errors:
                self.values[name] = OPTIONAL[name]
            return
        value = raw[name]
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif (isinstance(value, float) and value.is_integer()) or (
            isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value)
        ):
            number = int(value)
        if number is None:
            self.error(name, "Enter a whole number.")
            return
        if number < low:
            self.error(name, f"Enter a number of at least {low}." if low else "The number cannot be negative.")
        elif high is not None and number > high:
            self.error(name, f"Enter a number from {low} to {high}.")
        else:
            self.values[name] = number

    def boolean(self, name: str, raw: Mapping[str, Any]) -> None:
        value = raw.get(name)
        if value is None:
            self.values[name] = False
        elif isinstance(value, bool):
            self.values[name] = value
        elif isinstance(value, str) and value.strip().lower() in {"true", "yes", "1", "false", "no", "0"}:
            self.values[name] = value.strip().lower() in {"true", "yes", "1"}
        else:
            self.error(name, "Answer true or false.")

    def start_date(self, name: str, raw: Mapping[str, Any]) -> None:
        if not self.present(name, raw):
            return
        value = raw[name]
        if isinstance(value, date):
            day = value
        else:
            text = str(value).strip()
            if not DATE_PATTERN.match(text):
                self.error(name, "Enter the date as YYYY-MM-DD, for example 2026-04-01.")
                return
            try:
                day = date.fromisoformat(text)
            except ValueError:
                self.error(name, f"{text} is not a real date.")
                return
        if not EARLIEST_START <= day <= LATEST_START:
            self.error(name, "Enter a date between 2015-01-01 and 2100-12-31.")
            return
        self.values[name] = day

    def justification(self, name: str, raw: Mapping[str, Any]) -> None:
        value = raw.get(name)
        if value is None or value == "":
            self.values[name] = ""
        elif isinstance(value, str) and value in DIRECT_AWARD_JUSTIFICATIONS:
            self.values[name] = value
        else:
            known = ", ".join(DIRECT_AWARD_JUSTIFICATIONS)
            self.error(name, f"'{value}' is not a direct award justification Trellis knows. Use one of: {known}.")

    def string_list(self, name: str, raw: Mapping[str, Any]) -> None:
        value = raw.get(name)
        if value is None:
            self.values[name] = ()
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            self.values[name] = tuple(v.strip() for v in value if v.strip())
        else:
            self.error(name, 'Give a list of codes, for example ["E05099001"].')

    def cross_checks(self) -> None:
        providers = self.values.get("capable_providers")
        small = self.values.get("capable_small_or_local")
        if providers is not None and small is not None and small > providers:
            self.error(
                "capable_small_or_local",
                f"There cannot be more small or local capable providers ({small}) "
                f"than capable providers ({providers}).",
            )
        category, authority, start = (
            self.values.get(k) for k in ("service_category", "authority_class", "procurement_start")
        )
        if category is not None and authority is not None and start is not None:
            try:
                threshold_row(category=category, authority_class=authority, on=start)
            except ThresholdUnknown as exc:
                self.error("procurement_start", str(exc))
