from django.conf import settings
from django.urls import NoReverseMatch, reverse

from trellis.core import roles
from trellis.core.domain.roles import Role
from trellis.core.selectors import unread_count


def trellis(request):
    """Navigation and the place's name for every page."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    items = []
    for label, url_name, audience in settings.TRELLIS_NAV:
        if audience == "signed_in" and not signed_in:
            continue
        if audience == "signed_out" and signed_in:
            continue
        if audience == "staff" and not roles.is_staff_member(user):
            continue
        if audience == "commissioner" and not (
            roles.has_role(user, Role.COMMISSIONER) or roles.is_platform_admin(user)
        ):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        count = unread_count(actor=user) if url_name == "core:inbox" and signed_in else 0
        items.append({"label": label, "url": url, "active": False, "count": count})
    # The current section is the item whose address is the longest start of this page's address.
    matching = [i for i in items if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    return {"trellis_nav": items, "trellis_place_name": settings.TRELLIS_PLACE_NAME}
