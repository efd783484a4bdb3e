"""Home page, the signed-in dashboard, the inbox and the error pages."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from trellis.core import roles
from trellis.core.errors import TrellisError
from trellis.core.selectors import notifications_for
from trellis.core.services import notification_mark_read
from trellis.core.web import signed_in


def home(request):
    return render(request, "core/home.html")


def accessibility(request):
    return render(request, "core/accessibility.html")


@signed_in
def dashboard(request):
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name", "role")
    return render(
        request,
        "core/dashboard.html",
        {
            "memberships": memberships,
            "is_staff_member": roles.is_staff_member(request.user),
            "recent": notifications_for(actor=request.user)[:5],
        },
    )


@signed_in
def inbox(request):
    page = Paginator(notifications_for(actor=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page})


@signed_in
@require_POST
def inbox_mark_read(request):
    ids = [int(x) for x in request.POST.getlist("notification") if x.isdigit()]
    if request.POST.get("all"):
        ids = list(notifications_for(actor=request.user).filter(read_at__isnull=True).values_list("pk", flat=True))
    notification_mark_read(actor=request.user, notification_ids=ids)
    return redirect("core:inbox")


def not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "core/403.html", {"reason": str(exception or "")}, status=403)


def bad_request(request, exception=None):
    return render(request, "core/400.html", status=400)


def error_page(request, error: TrellisError):
    """The page for a domain error no view handled, by the status its class carries: 403 with the reason,
    404, or the bad-request page saying what was wrong (with the error's own status, such as 409)."""
    if error.status == 403:
        return forbidden(request, error.message)
    if error.status == 404:
        return not_found(request, error)
    return render(request, "core/400.html", {"reason": error.message}, status=error.status)


def server_error(request):
    return render(request, "core/500.html", status=500)
