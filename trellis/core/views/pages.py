"""Home page, the signed-in dashboard, the inbox and the error pages."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from trellis.core import roles
from trellis.core.selectors import notifications_for
from trellis.core.services import notification_mark_read


def home(request):
    return render(request, "core/home.html")


def accessibility(request):
    return render(request, "core/accessibility.html")


@login_required
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


@login_required
def inbox(request):
    page = Paginator(notifications_for(actor=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page})


@login_required
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


def server_error(request):
    return render(request, "core/500.html", status=500)
