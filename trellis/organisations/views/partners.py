"""The partner finder (organisations looking for partners, replies and suggestions) and consortia."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trellis.core import roles
from trellis.core.domain.roles import PROVIDER_ROLES, Role
from trellis.core.errors import PermissionDenied, ValidationFailed
from trellis.core.web import show_service_errors, signed_in
from trellis.organisations import permissions as perms
from trellis.organisations import selectors, services
from trellis.organisations.forms.partners import ConsortiumForm, InterestForm, PartnerRequestForm, PartnerSearchForm

PAGE_SIZE = 20

NO_ORGANISATION = (
    "To post a partner request you need to belong to an organisation in the directory. "
    "Ask your organisation's admin to add you, or ask the council's commissioning team to list your organisation."
)
NOT_A_PROVIDER_ADMIN = (
    "Only an admin of an organisation in the directory can set up a consortium. "
    "Ask your organisation's admin to set it up, or to make you an admin."
)


def _acting_organisations(person) -> list:
    """The listed organisations a person may act for (post requests, reply)."""
    return [
        org
        for org in selectors.organisations_for_person(person)
        if org.is_active and not org.is_consortium and perms.can_act_for(person, org)
    ]


# Partner requests ---------------------------------------------------------------------------------


@require_safe
def partner_requests(request: HttpRequest) -> HttpResponse:
    form = PartnerSearchForm(request.GET)
    found = selectors.partner_request_search(**form.search_terms())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/partner_requests.html",
        {
            "form": form,
            "page": page,
            "searching": any(form.search_terms().values()),
            "can_post": roles.has_role(request.user, PROVIDER_ROLES),
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def partner_request_new(request: HttpRequest) -> HttpResponse:
    organisations = _acting_organisations(request.user)
    if not organisations:
        raise PermissionDenied(NO_ORGANISATION)
    form = PartnerRequestForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner_request = services.partner_request_create(
                actor=request.user,
                organisation=data["organisation"],
                title=data["title"],
                description=data["description"],
                service_types=data["service_types"],
                client_groups=data["client_groups"],
                wards=data["wards"],
                opportunity_reference=data["opportunity_reference"],
                closes_on=data["closes_on"],
            )
        except ValidationFailed as exc:
            show_service_errors(form, exc)
        else:
            messages.success(request, "Your partner request is posted. Other organisations can now reply.")
            return redirect("organisations:partner_request", partner_request.public_id)
    return render(request, "organisations/partner_request_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def partner_request(request: HttpRequest, public_id) -> HttpResponse:
    req = selectors.partner_request_get_for(actor=request.user, public_id=public_id)
    user = request.user
    is_poster = bool(perms.can_act_for(user, req.organisation))
    interests = list(selectors.partner_interests_visible_to(actor=user, partner_request=req))
    replied = {i.organisation_id for i in interests}
    others = [o for o in _acting_organisations(user) if o.pk != req.organisation_id]
    reply_for = [o for o in others if o.pk not in replied]

    form = None
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        form = InterestForm(request.POST, organisations=reply_for or others)
        if form.is_valid():
            try:
                services.partner_interest_express(
                    actor=user,
                    partner_request=req,
                    organisation=form.cleaned_data["organisation"],
                    message=form.cleaned_data["message"],
                )
            except ValidationFailed as exc:
                show_service_errors(form, exc)
            else:
                messages.success(request, f"Your reply has been sent to {req.organisation.name}.")
                return redirect("organisations:partner_request", req.public_id)
    elif req.is_open and reply_for:
        form = InterestForm(organisations=reply_for)

    show_suggestions = is_poster or roles.is_staff_member(user)
    return render(
        request,
        "organisations/partner_request.html",
        {
            "req": req,
            "form": form,
            "is_poster": is_poster,
            "interests": interests,
            "interest_count": req.interests.count(),
            "suggestions": selectors.partner_suggestions(partner_request=req) if show_suggestions else None,
            "belongs_elsewhere": bool(others),
        },
    )


@signed_in
@require_POST
def partner_request_close(request: HttpRequest, public_id) -> HttpResponse:
    req = selectors.partner_request_get_for(actor=request.user, public_id=public_id)
    services.partner_request_close(actor=request.user, partner_request=req)
    messages.success(request, "This request is closed: it no longer appears in the partner finder.")
    return redirect("organisations:partner_request", req.public_id)


# Consortia ----------------------------------------------------------------------------------------


@require_safe
def consortia(request: HttpRequest) -> HttpResponse:
    listed = selectors.consortia().filter(organisation__is_active=True)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    can_set_up = roles.is_platform_admin(request.user) or bool(
        roles.organisation_ids_with(request.user, Role.PROVIDER_ADMIN)
    )
    return render(request, "organisations/consortia.html", {"page": page, "can_set_up": can_set_up})


def _lead_choices(person, directory: list) -> list:
    if roles.is_platform_admin(person):
        return directory
    return [o for o in directory if perms.is_admin_of(person, o)]


@signed_in
@require_http_methods(["GET", "POST"])
def consortium_new(request: HttpRequest) -> HttpResponse:
    directory = list(
        selectors.search(selectors.DirectoryFilters(include_consortia=False)).only("pk", "name", "org_id", "slug")
    )
    leads = _lead_choices(request.user, directory)
    if not leads:
        raise PermissionDenied(NOT_A_PROVIDER_ADMIN)
    form = ConsortiumForm(request.POST or None, leads=leads, members=directory)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consortium = services.consortium_create(
                actor=request.user,
                name=data["name"],
                lead_model=data["lead_model"],
                lead=data["lead"],
                members=data["members"],
                description=data["description"],
                org_id=data["org_id"],
            )
        except ValidationFailed as exc:
            show_service_errors(form, exc)
        else:
            messages.success(request, f"{consortium.organisation.name} is set up and listed in the directory.")
            return redirect("organisations:detail", consortium.organisation.slug)
    return render(request, "organisations/consortium_new.html", {"form": form})


urlpatterns = [
    path("partners/", partner_requests, name="partner_requests"),
    path("partners/new/", partner_request_new, name="partner_request_new"),
    path("partners/<uuid:public_id>/", partner_request, name="partner_request"),
    path("partners/<uuid:public_id>/close/", partner_request_close, name="partner_request_close"),
    path("consortia/", consortia, name="consortia"),
    path("consortia/new/", consortium_new, name="consortium_new"),
]
