from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def gbp(value) -> str:
    """£1,234 (whole pounds) or £1,234.50."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


@register.simple_tag
def page_range(page) -> list:
    """Page numbers around the current page, with Paginator.ELLIPSIS where pages are left out."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.inclusion_tag("core/includes/status_tag.html")
def status_tag(thing, audience: str = "", tag_id: str = "") -> dict[str, str]:
    """A thing's status as a GOV.UK tag, in the label and colour its lifecycle gives it for this audience.

    ``thing`` is anything with ``status_shown(audience) -> (label, colour)`` (an opportunity, a bid): each app's
    ``domain/lifecycle.py`` holds its labels and colours, so no template spells out a status.
    """
    label, colour = thing.status_shown(audience)
    return {"label": label, "colour": colour, "tag_id": tag_id}
