"""The local sector profile: counts of a place's organisations turned into sections — pure.

After the Audit Commission and NAVCA toolkit for voluntary and community sector profiles (seed 002,
§4.10–4.11): a baseline of who is there, by size, by what they do and by where they work, so that
resources can be aimed where the gaps are. Each section is drawn as a chart with its table beside it:
the chart's alternative text summarises, the table carries every number.

Input is the plain dictionary of counts the directory's ``sector_profile`` selector returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SIZE_NOTE = "Size bands follow NCVO's definitions, by yearly income."
#: Chart names, in the order the sections appear on the page (they are also the image URLs).
CHARTS = ("size", "services", "wards", "sector", "legal-form", "local", "accreditation")


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    share: str  # of all organisations in the profile, e.g. "40%"
    #: Directory query parameters that list these organisations; empty when the directory has no such filter.
    filters: tuple[tuple[str, str], ...] = ()
    detail: str = ""
    short: str = ""  # a shorter label for the chart, when the table's is long


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    caption: str
    rows: tuple[Row, ...]
    alt: str
    notes: tuple[str, ...] = ()
    adds_up: bool = True  # False when an organisation can be counted in more than one row
    #: Segments of each bar, when a bar is made of parts: (name, one value per row), adding up to the row's count.
    parts: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def values(self) -> list[int]:
        return [r.count for r in self.rows]

    @property
    def labels(self) -> list[str]:
        return [r.short or r.label for r in self.rows]


def percent(count: int, total: int) -> str:
    """Whole per cent, halves rounded up; 0% of nothing."""
    if total <= 0:
        return "0%"
    value = (Decimal(count) * 100 / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{value}%"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _who_work(n: int) -> str:
    return f"{n} works" if n == 1 else f"{n} work"


def alt_text(what: str, rows: Sequence[Row], total: int, *, adds_up: bool = True) -> str:
    """A sentence or two a screen reader can read instead of the chart."""
    if total == 0:
        return f"Bar chart of organisations by {what}: there are no organisations to count yet."
    ranked = sorted((r for r in rows if r.count), key=lambda r: -r.count)
    if not ranked:
        return f"Bar chart of organisations by {what}: none of the {plural(total, 'organisation')} is counted here."
    top = ranked[0]
    text = f"Bar chart of {plural(total, 'organisation')} by {what}. The largest group is {top.label}: {top.count}"
    text += f" ({top.share})." if adds_up else "."
    if len(ranked) > 1:
        second = ranked[1]
        text += f" Next is {second.label}: {second.count}."
    empty = [r.label for r in rows if not r.count]
    if empty:
        text += f" {plural(len(empty), 'group has', 'groups have')} none."
    if not adds_up:
        text += " An organisation can be counted more than once."
    return text + " The table gives every figure."


def _rows(items: Sequence[Mapping[str, Any]], total: int, param: str | None) -> tuple[Row, ...]:
    return tuple(
        Row(
            label=str(item["label"]),
            count=int(item["count"]),
            share=percent(int(item["count"]), total),
            filters=((param, str(item["code"])),) if param else (),
        )
        for item in items
    )


def _section(key: str, title: str, what: str, rows: tuple[Row, ...], total: int, **kw: Any) -> Section:
    adds_up = kw.pop("adds_up", True)
    alt = alt_text(what, rows, total, adds_up=adds_up)
    extra = kw.pop("alt_extra", "")
    if extra and total:
        alt = alt.replace(" The table gives", f" {extra} The table gives")
    return Section(
        key=key,
        title=title,
        caption=f"Organisations by {what}",
        rows=rows,
        alt=alt,
        adds_up=adds_up,
        **kw,
    )


def sections(profile: Mapping[str, Any], place_name: str) -> list[Section]:
    """Every section of the profile page, in CHARTS order."""
    total = int(profile["total"])
    wide = int(profile["borough_wide"])

    size_rows = tuple(
        Row(
            label=f"{b['label']} ({b['range']})",
            count=int(b["count"]),
            share=percent(int(b["count"]), total),
            filters=(("band", b["code"]),) if b["code"] != "unknown" else (),
            short=str(b["label"]),
        )
        for b in profile["bands"]
    )
    service_notes = ["An organisation can offer more than one service, so the figures add up to more than the total."]
    if profile["no_service_types"]:
        who = plural(profile["no_service_types"], "organisation has", "organisations have")
        service_notes.append(f"{who} not said what services they offer.")
    ward_rows = tuple(
        Row(
            label=str(w["label"]),
            count=int(w["count"]),
            share=percent(int(w["count"]), total),
            filters=(("ward", str(w["code"])),),
            detail=f"{w['own']} named this ward; {_who_work(int(w['borough_wide']))} across the whole area",
        )
        for w in profile["wards"]
    )
    ward_notes = [
        f"Each ward's figure counts the {plural(wide, 'organisation')} that {'works' if wide == 1 else 'work'} "
        f"across the whole of {place_name} (borough-wide) as well as those that name the ward, "
        "so the figures add up to more than the total."
    ]
    if profile["no_wards"]:
        who = plural(profile["no_wards"], "organisation has", "organisations have")
        ward_notes.append(f"{who} not said which wards they work in.")
    local = int(profile["local"])
    local_rows = (
        Row(
            f"Registered office in {place_name}",
            local,
            percent(local, total),
            (("local", "1"),),
            short=f"In {place_name}",
        ),
        Row(
            "Registered office elsewhere or not known",
            total - local,
            percent(total - local, total),
            short="Elsewhere or not known",
        ),
    )
    tier_rows = tuple(
        Row(str(t["label"]), int(t["count"]), percent(int(t["count"]), total), (("tier", str(t["code"])),))
        for t in profile["tiers"]
    )
    return [
        _section("size", "Size", "size (yearly income)", size_rows, total, notes=(SIZE_NOTE,)),
        _section(
            "services",
            "What they do",
            "service type",
            _rows(profile["service_types"], total, "service_type"),
            total,
            notes=tuple(service_notes),
            adds_up=False,
        ),
        _section(
            "wards",
            "Where they work",
            "ward",
            ward_rows,
            total,
            notes=tuple(ward_notes),
            adds_up=False,
            alt_extra="Each bar is split into organisations that named the ward and those that work borough-wide.",
            parts=(
                ("Named this ward", tuple(int(w["own"]) for w in profile["wards"])),
                ("Borough-wide: work across the whole area", tuple(int(w["borough_wide"]) for w in profile["wards"])),
            ),
        ),
        _section("sector", "Sector", "sector", _rows(profile["sectors"], total, "sector"), total),
        _section("legal-form", "Legal form", "legal form", _rows(profile["legal_forms"], total, None), total),
        _section(
            "local",
            "Local organisations",
            "where their registered office is",
            local_rows,
            total,
            notes=(f"{percent(local, total)} of organisations have their registered office in {place_name}.",),
        ),
        _section(
            "accreditation",
            "Accreditation",
            "accreditation tier",
            tier_rows,
            total,
            notes=("A tier is reached with current evidence that the council has verified.",),
        ),
    ]


def section(profile: Mapping[str, Any], place_name: str, key: str) -> Section | None:
    return next((s for s in sections(profile, place_name) if s.key == key), None)
