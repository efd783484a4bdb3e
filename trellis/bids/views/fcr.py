"""The full cost calculator: open to anyone, signed in or not; nothing is stored.

GET shows the form (``?centres=N&overheads=M`` for more rows); POST works out the full cost and shows the result
above the form, or the form with its errors; the buttons that add rows redraw the page with what was typed.
"Download as JSON" posts the same form to ``input.json`` and returns the costs in the format ``trellis fcr`` reads.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from trellis.bids.domain.fcr import METHOD, SOURCES, FullCost, driver_label, full_cost, gbp, percent, plain_number
from trellis.bids.forms.fcr import (
    DEFAULT_CENTRES,
    DEFAULT_OVERHEADS,
    MAX_CENTRES,
    MAX_OVERHEADS,
    FullCostForms,
    row_count,
)

TEMPLATE = "bids/fcr.html"


def _page(request: HttpRequest, forms: FullCostForms, result: FullCost | None = None) -> HttpResponse:
    return render(
        request,
        TEMPLATE,
        {
            "forms": forms,
            "centre_rows": list(enumerate(forms.centres, start=1)),
            "overhead_rows": list(enumerate(forms.overheads, start=1)),
            "result": present(result) if result else None,
            "method": METHOD,
            "sources": SOURCES,
            "max_centres": MAX_CENTRES,
            "max_overheads": MAX_OVERHEADS,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def calculator(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        forms = FullCostForms(
            centres=row_count(request.GET.get("centres"), default=DEFAULT_CENTRES, maximum=MAX_CENTRES),
            overheads=row_count(request.GET.get("overheads"), default=DEFAULT_OVERHEADS, maximum=MAX_OVERHEADS),
        )
        return _page(request, forms)
    forms = FullCostForms.from_post(request.POST)
    action = request.POST.get("action", "calculate")
    if action == "add_centre":
        return _page(request, forms.with_more_rows(centres=1))
    if action == "add_overhead":
        return _page(request, forms.with_more_rows(overheads=1))
    if not forms.is_valid() or forms.costs is None:
        return _page(request, forms)
    return _page(request, forms, full_cost(forms.costs))


@require_http_methods(["GET", "HEAD", "POST"])
def download_input(request: HttpRequest) -> HttpResponse:
    """The costs typed into the calculator as a JSON file for ``trellis fcr --input``."""
    if request.method != "POST":
        return redirect("bids:fcr")
    forms = FullCostForms.from_post(request.POST)
    if not forms.is_valid() or forms.costs is None:
        return _page(request, forms)
    response = HttpResponse(
        json.dumps(forms.costs.to_dict(), indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="full-cost-input.json"'
    return response


def present(result: FullCost) -> dict[str, Any]:
    """Everything the result tables show, as text (pounds and pence throughout)."""
    centres = []
    for c in result.cost_centres:
        centres.append(
            {
                "name": c.name,
                "direct_costs": gbp(c.direct_costs),
                "lines": [
                    {"name": s.name, "driver": driver_label(s.driver), "amount": gbp(s.amount)}
                    for s in c.overhead_lines
                ],
                "overheads": gbp(c.overheads_allocated),
                "full_cost": gbp(c.full_cost),
                "overhead_rate": percent(c.overhead_rate),
                "has_rate": c.overhead_rate is not None,
                "units": plain_number(c.units) if c.units is not None else None,
                "unit_cost": gbp(c.unit_cost) if c.unit_cost is not None else None,
                "price": gbp(c.price) if c.price is not None else None,
                "below_full_cost": bool(c.below_full_cost),
                "shortfall": gbp(c.shortfall) if c.shortfall else None,
            }
        )
    return {
        "centres": centres,
        "overheads": [
            {
                "name": o.name,
                "driver": driver_label(o.driver),
                "amount": gbp(o.amount),
                "driver_total": plain_number(o.driver_total),
                "centres_total": plain_number(o.centres_driver_total),
                "allocated": gbp(o.allocated),
                "left": gbp(o.left_to_other_activities) if o.left_to_other_activities else None,
            }
            for o in result.overheads
        ],
        "direct_costs": gbp(result.direct_costs),
        "overheads_total": gbp(result.overheads_total),
        "overheads_allocated": gbp(result.overheads_allocated),
        "left": gbp(result.left_to_other_activities) if result.left_to_other_activities else None,
        "left_share": percent(result.share_left_to_other_activities),
        "full_cost": gbp(result.full_cost),
        "overhead_rate": percent(result.overhead_rate),
        "warnings": list(result.warnings),
        "any_below_full_cost": result.any_below_full_cost,
    }


urlpatterns = [
    path("full-cost/", calculator, name="fcr"),
    path("full-cost/input.json", download_input, name="fcr_input_json"),
]
