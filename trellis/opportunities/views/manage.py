"""The council's side of an opportunity: the list, creating one (from scratch or from a saved route decision),
its overview with the status panel, and a page per section to edit."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trellis.core.errors import PermissionDenied, TrellisError, ValidationFailed
from trellis.core.selectors import audit_events_for
from trellis.core.web import error_links, page_message, require, signed_in
from trellis.core.web import show_service_errors as show_errors
from trellis.opportunities import permissions as perms
from trellis.opportunities import selectors, services
from trellis.opportunities.domain import conflicts as conflict_rules
from trellis.opportunities.domain import stages as stage_rules
from trellis.opportunities.domain.criteria import TEMPLATES
from trellis.opportunities.domain.kinds import Kind, Stage
from trellis.opportunities.domain.lifecycle import PRIVATE_STATUSES, Action, Status
from trellis.opportunities.forms.conflicts import ConflictsForm
from trellis.opportunities.forms.edit import (
    KIND_FOR_ROUTE,
    MOMENT_FIELD_MAP,
    CallOffForm,
    CriterionFormSet,
    DetailsForm,
    DocumentForm,
    EligibilityFormSet,
    FrameworkMembersForm,
    LotFormSet,
    NewOpportunityForm,
    ReasonForm,
    SpecificationForm,
    plain_number,
    weight_total,
    with_extra_row,
)
from trellis.opportunities.forms.stages import STAGE_FIELD_MAP, InviteStageForm
from trellis.opportunities.models import ClarificationStatus
from trellis.opportunities.views.common import show_row_errors
from trellis.places import selectors as place_selectors
from trellis.routes import selectors as route_selectors

PAGE_SIZE = 25

#: The sections of an opportunity, in page order: (key, heading, url name).
SECTIONS = (
    ("details", "Details and key dates", "opportunities:edit_details"),
    ("specification", "Specification and outcomes", "opportunities:edit_specification"),
    ("lots", "Lots", "opportunities:edit_lots"),
    ("eligibility", "Eligibility checklist", "opportunities:edit_eligibility"),
    ("criteria", "Evaluation criteria", "opportunities:edit_criteria"),
    ("documents", "Documents", "opportunities:edit_documents"),
)
SECTION_TITLES = {key: title for key, title, _ in SECTIONS}
SECTION_URLS = {key: name for key, _, name in SECTIONS}
#: Where each field a service may name is edited: (section, field label, the input's id on that page).
FIELDS: dict[str, tuple[str, str, str]] = {
    "title": ("details", "Title", "id_title"),
    "kind": ("details", "Type of opportunity", "id_kind_0"),
    "summary": ("details", "Summary", "id_summary"),
    "estimated_value": ("details", "Estimated value", "id_estimated_value"),
    "duration_months": ("details", "Length", "id_duration_months"),
    "service_types": ("details", "Services", "id_service_types_0"),
    "wards": ("details", "Wards", "id_wards_0"),
    "route": ("details", "Route", "id_route"),
    "regime": ("details", "Route", "id_route"),
    "stages": ("details", "Stages", "id_stages_0"),
    "planned_publish_on": ("details", "Planned publication date", "id_planned_publish_on_day"),
    "questions_close_at": ("details", "Questions close", "id_questions_close_on_day"),
    "closes_at": ("details", "Deadline for bids", "id_closes_on_day"),
    "award_expected_on": ("details", "Award expected on", "id_award_expected_on_day"),
    "service_starts_on": ("details", "Service starts on", "id_service_starts_on_day"),
    "specification": ("specification", "Specification", "id_specification"),
    "outcomes": ("specification", "Outcomes", "id_outcomes"),
    "lots": ("lots", "Lots", "main-content"),
    "eligibility": ("eligibility", "Eligibility checklist", "main-content"),
    "criteria": ("criteria", "Evaluation criteria", "main-content"),
}


def _staff_opportunity(request: HttpRequest, public_id):
    opportunity = selectors.opportunity_get_for(actor=request.user, public_id=public_id)
    require(perms.can_view_staff_side(request.user, opportunity))
    return opportunity


def _editable_opportunity(request: HttpRequest, public_id):
    opportunity = selectors.opportunity_get_for(actor=request.user, public_id=public_id)
    require(perms.can_edit_opportunity(request.user, opportunity))
    return opportunity


def section_links(errors: dict[str, list[str]], opportunity) -> list[tuple[str, str]]:
    """Error summary links for problems found across sections: "Deadline for bids: …", linking to the field."""
    links = []
    for key, messages_ in errors.items():
        section, label, anchor = FIELDS.get(key, ("", "", "main-content"))
        if key == "reason":
            url, label = "#id_reason", "Reason"
        elif key == "conflicts":
            url, label = (
                reverse("opportunities:conflicts", args=[opportunity.public_id]),
                gettext("Conflicts assessment"),
            )
        elif section:
            url = reverse(SECTION_URLS[section], args=[opportunity.public_id]) + f"#{anchor}"
        else:
            url = "#main-content"
        links += [(url, f"{label}: {m}" if label else str(m)) for m in messages_]
    return links


# The list and a new opportunity ----------------------------------------------------------------------------------


@require_safe
@signed_in
def staff_list(request: HttpRequest) -> HttpResponse:
    require(perms.can_view_staff_side(request.user))
    found = selectors.opportunities_for_staff(place_selectors.default_place())
    return render(
        request,
        "opportunities/staff_list.html",
        {
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "can_create": bool(perms.can_create_opportunity(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
@signed_in
def new(request: HttpRequest) -> HttpResponse:
    place = place_selectors.default_place()
    require(perms.can_create_opportunity(request.user, place))
    decision = None
    wanted = request.GET.get("decision", "")
    if wanted:
        decision = route_selectors.route_decision_get_for(actor=request.user, public_id=wanted)
    initial = {}
    if decision is not None:
        initial = {"title": decision.need_title, "kind": KIND_FOR_ROUTE.get(decision.chosen_route, "")}
    form = NewOpportunityForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_create(
                actor=request.user,
                place=place,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                from_decision=decision,
            )
        except TrellisError as exc:
            show_errors(form, exc, {"from_decision": "__all__"})
        else:
            messages.success(
                request, f"{opportunity.reference} is saved as a draft. Now add its details and key dates."
            )
            return redirect("opportunities:edit_details", opportunity.public_id)
    decisions = [] if decision is not None else list(selectors.route_decisions_available(request.user, place)[:20])
    return render(
        request,
        "opportunities/new.html",
        {"form": form, "error_links": error_links(form), "decision": decision, "decisions": decisions},
    )


# The overview and the status panel -------------------------------------------------------------------------------


#: What each audit event on an opportunity says in its history.
HISTORY_WORDS = {
    "opportunity.created": "Created",
    "opportunity.updated": "Details changed",
    "opportunity.lots_set": "Lots changed",
    "opportunity.eligibility_set": "Eligibility checklist changed",
    "opportunity.criteria_set": "Evaluation criteria changed",
    "opportunity.document_added": "Document added",
    "opportunity.document_removed": "Document removed",
    "opportunity.approve": "Approved",
    "opportunity.return_to_draft": "Returned to draft",
    "opportunity.publish": "Published",
    "opportunity.close": "Closed",
    "opportunity.start_evaluation": "Evaluation started",
    "opportunity.award": "Award recorded",
    "opportunity.not_award": "Recorded as not awarded",
    "opportunity.cancel": "Cancelled",
    "opportunity.deadline_reminder": "Deadline reminder sent",
    "opportunity.framework_members_set": "Providers on the framework changed",
    "opportunity.call_off_created": "Call-off started",
}


def _history(opportunity) -> list:
    events = list(
        audit_events_for(target_type="opportunities.opportunity", target_id=str(opportunity.pk)).order_by("-seq")[:30]
    )
    for event in events:
        event.what = HISTORY_WORDS.get(event.verb, event.verb.rpartition(".")[2].replace("_", " ").capitalize())
    return events


def _framework_choices(request: HttpRequest, framework) -> list[tuple[str, str]]:
    """Who can be ticked: the organisations that submitted bids (readable once the bids are opened) and the providers
    already on the framework."""
    candidates = selectors.framework_candidates(actor=request.user, framework=framework)
    return [(org.org_id, f"{org.name} ({org.org_id})") for org in candidates]


def framework_context(request: HttpRequest, opportunity, *, members_form=None, call_off_form=None) -> dict:
    """The framework panel of an awarded framework (who is on it, its call-offs), and where a call-off came from."""
    context: dict = {"framework_panel": False}
    if opportunity.kind != Kind.FRAMEWORK or opportunity.status != Status.AWARDED:
        return context
    members = list(selectors.framework_members(opportunity))
    choices = _framework_choices(request, opportunity)
    if members_form is None:
        members_form = FrameworkMembersForm(
            choices=choices, initial={"organisations": [m.organisation.org_id for m in members]}
        )
    officer = perms.is_officer(request.user)
    return {
        "framework_panel": True,
        "members": members,
        "members_form": members_form if officer else None,
        "bidders_known": bool(choices),
        "call_off_form": (call_off_form or CallOffForm()) if officer and members else None,
        "call_offs": list(selectors.call_offs_of(opportunity)),
    }


STAGE_ACTIONS = (Action.ADVANCE_STAGE, Action.INVITE_NEXT_STAGE)


def stage_context(opportunity, actions: list[Action], stage_form=None) -> dict:
    """The stages panel of a procedure run in stages: where it is, who is invited, and what comes next."""
    if not opportunity.stages:
        return {"stage_steps": []}
    upcoming = stage_rules.following(opportunity.stages, opportunity.stage_index)
    can_invite = Action.INVITE_NEXT_STAGE in actions
    return {
        "stage_steps": selectors.stage_progress(opportunity),
        "next_stage": upcoming,
        "next_period": stage_rules.LATER_STAGE_PERIODS.get(upcoming) if upcoming else None,
        "participants": [p.organisation for p in selectors.stage_participants(opportunity)],
        "can_choose_participants": Action.ADVANCE_STAGE in actions,
        "stage_form": (stage_form or InviteStageForm()) if can_invite else None,
    }


def manage_context(
    request: HttpRequest,
    opportunity,
    *,
    reason_form=None,
    problems=None,
    members_form=None,
    call_off_form=None,
    stage_form=None,
) -> dict:
    user = request.user
    check = selectors.publication_check(opportunity) if opportunity.status in PRIVATE_STATUSES else None
    actions = perms.allowed_actions(user, opportunity)
    approve_refusal = ""
    if opportunity.status == Status.DRAFT and Action.APPROVE not in actions and perms.is_officer(user):
        approve_refusal = perms.can_approve_opportunity(user, opportunity).reason
    criteria = list(opportunity.criteria.all())
    return {
        "opp": opportunity,
        "check": check,
        "check_links": section_links(check.errors, opportunity) if check else [],
        "actions": [a for a in actions if a != Action.CANCEL and a not in STAGE_ACTIONS],
        "can_cancel": Action.CANCEL in actions,
        "approve_refusal": approve_refusal,
        "reason_form": reason_form or ReasonForm(),
        "error_links": problems or [],
        "can_edit": bool(perms.can_edit_opportunity(user, opportunity)),
        "is_officer": perms.is_officer(user),
        "sections": SECTIONS,
        "lots": list(opportunity.lots.all()),
        "eligibility_count": len(opportunity.eligibility_items.all()),
        "criteria": criteria,
        "weight_total": sum((c.weight for c in criteria), 0),
        "documents": list(opportunity.documents.all()),
        "stage_labels": [Stage(s).label for s in opportunity.stages if s in {x.value for x in Stage}],
        "questions_waiting": selectors.clarifications_for_staff(opportunity)
        .filter(status=ClarificationStatus.ASKED)
        .count(),
        "history": _history(opportunity),
        "conflicts_needed": conflict_rules.needs_assessment(opportunity.kind, opportunity.regime),
        "conflicts_assessment": selectors.conflicts_assessment(opportunity),
        "can_assess_conflicts": bool(perms.can_assess_conflicts(user, opportunity)),
        **framework_context(request, opportunity, members_form=members_form, call_off_form=call_off_form),
        **stage_context(opportunity, actions, stage_form),
    }


@require_safe
@signed_in
def manage(request: HttpRequest, public_id) -> HttpResponse:
    opportunity = _staff_opportunity(request, public_id)
    return render(request, "opportunities/manage.html", manage_context(request, opportunity))


DONE = {
    Action.APPROVE: "{ref} is approved. It can now be published.",
    Action.RETURN_TO_DRAFT: "{ref} is back in draft.",
    Action.PUBLISH: "{ref} is published. Providers who asked for alerts have been told.",
    Action.CLOSE: "{ref} is closed: no more bids can be made.",
    Action.START_EVALUATION: "Evaluation of {ref} has started.",
    Action.INVITE_NEXT_STAGE: "{ref} is open for the next stage. The invited providers have been told.",
    Action.AWARD: "The award of {ref} is recorded.",
    Action.NOT_AWARD: "{ref} is recorded as not awarded.",
    Action.CANCEL: "{ref} is cancelled. Everyone who was interested has been told.",
}


@require_POST
@signed_in
def transition(request: HttpRequest, public_id) -> HttpResponse:
    opportunity = _staff_opportunity(request, public_id)
    action = request.POST.get("action", "")
    reason_form = ReasonForm(request.POST) if action == Action.CANCEL else None
    if reason_form is not None and not reason_form.is_valid():
        context = manage_context(request, opportunity, reason_form=reason_form, problems=error_links(reason_form))
        return render(request, "opportunities/manage.html", context)
    require(perms.can_transition(request.user, opportunity, action))
    try:
        services.opportunity_transition(
            actor=request.user,
            opportunity=opportunity,
            action=action,
            reason=reason_form.cleaned_data["reason"] if reason_form else "",
        )
    except TrellisError as exc:
        problems = [("#main-content", page_message(exc))]
        if isinstance(exc, ValidationFailed):
            problems += section_links({k: v for k, v in exc.errors.items() if k != "__all__"}, opportunity)
        opportunity = _staff_opportunity(request, public_id)
        context = manage_context(request, opportunity, reason_form=reason_form, problems=problems)
        return render(request, "opportunities/manage.html", context)
    messages.success(request, DONE[Action(action)].format(ref=opportunity.reference))
    return redirect("opportunities:manage", opportunity.public_id)


@require_POST
@signed_in
def invite_stage(request: HttpRequest, public_id) -> HttpResponse:
    """Open the next submission stage to the providers chosen at the step before it, with its deadline."""
    opportunity = _staff_opportunity(request, public_id)
    require(perms.can_transition(request.user, opportunity, Action.INVITE_NEXT_STAGE))
    form = InviteStageForm(request.POST)
    if form.is_valid():
        try:
            services.opportunity_invite_next_stage(actor=request.user, opportunity=opportunity, **form.moments())
        except TrellisError as exc:
            show_errors(form, exc, STAGE_FIELD_MAP)
        else:
            messages.success(request, DONE[Action.INVITE_NEXT_STAGE].format(ref=opportunity.reference))
            return redirect("opportunities:manage", opportunity.public_id)
    opportunity = _staff_opportunity(request, public_id)
    context = manage_context(request, opportunity, stage_form=form, problems=error_links(form))
    return render(request, "opportunities/manage.html", context)


# Frameworks and call-offs ----------------------------------------------------------------------------------------


@require_POST
@signed_in
def framework_members(request: HttpRequest, public_id) -> HttpResponse:
    framework = _staff_opportunity(request, public_id)
    if not perms.is_officer(request.user):
        raise PermissionDenied(perms.OFFICERS_ONLY)
    form = FrameworkMembersForm(request.POST, choices=_framework_choices(request, framework))
    if form.is_valid():
        try:
            on = services.framework_members_set(actor=request.user, framework=framework, organisations=form.chosen())
        except TrellisError as exc:
            typed = bool(form.cleaned_data.get("org_ids", "").strip()) or "organisations" not in form.fields
            show_errors(form, exc, {"organisations": "org_ids" if typed else "organisations", "__all__": "__all__"})
        else:
            messages.success(request, f"The providers on {framework.reference} are saved: {len(on)} on the framework.")
            return redirect("opportunities:manage", framework.public_id)
    context = manage_context(request, framework, members_form=form, problems=error_links(form))
    return render(request, "opportunities/manage.html", context)


@require_POST
@signed_in
def call_off_new(request: HttpRequest, public_id) -> HttpResponse:
    framework = _staff_opportunity(request, public_id)
    require(perms.can_create_opportunity(request.user, framework.place))
    form = CallOffForm(request.POST)
    if form.is_valid():
        try:
            call_off = services.call_off_create(
                actor=request.user, framework=framework, title=form.cleaned_data["title"]
            )
        except TrellisError as exc:
            show_errors(form, exc, {"framework": "__all__"})
        else:
            messages.success(
                request,
                f"{call_off.reference} is saved as a draft call-off. Now add its details and key dates; only the "
                "providers on the framework can bid.",
            )
            return redirect("opportunities:edit_details", call_off.public_id)
    context = manage_context(request, framework, call_off_form=form, problems=error_links(form))
    return render(request, "opportunities/manage.html", context)


# Sections --------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@signed_in
def conflicts(request: HttpRequest, public_id) -> HttpResponse:
    """The conflicts assessment: recorded before the tender notice and reviewed until the award (s.83)."""
    opportunity = _staff_opportunity(request, public_id)
    require(perms.can_assess_conflicts(request.user, opportunity))
    current = selectors.conflicts_assessment(opportunity)
    initial = {"conflicts": current.conflicts, "mitigation": current.mitigation} if current else None
    form = ConflictsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflicts_assessment_record(actor=request.user, opportunity=opportunity, **form.cleaned_data)
        except TrellisError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, gettext("The conflicts assessment is recorded."))
            return redirect("opportunities:manage", opportunity.public_id)
    context = {
        "opp": opportunity,
        "form": form,
        "current": current,
        "needed": conflict_rules.needs_assessment(opportunity.kind, opportunity.regime),
        "source": conflict_rules.SOURCE,
        "error_links": error_links(form),
    }
    return render(request, "opportunities/conflicts.html", context)


def _section_page(request, opportunity, template: str, key: str, **context) -> HttpResponse:
    links = context.pop("links", None)
    if links is None:
        links = error_links(*(v for k, v in context.items() if k in ("form", "formset")))
    context["error_links"] = links + [("#main-content", m) for m in context.get("general_errors", [])]
    return render(
        request,
        template,
        {"opp": opportunity, "section": key, "section_title": SECTION_TITLES[key], **context},
    )


@require_http_methods(["GET", "POST"])
@signed_in
def edit_details(request: HttpRequest, public_id) -> HttpResponse:
    opportunity = _editable_opportunity(request, public_id)
    form = DetailsForm(request.POST if request.method == "POST" else None, opportunity=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(actor=request.user, opportunity=opportunity, changes=form.changes())
        except TrellisError as exc:
            show_errors(form, exc, MOMENT_FIELD_MAP)
        else:
            messages.success(request, "The details and key dates are saved.")
            return redirect("opportunities:manage", opportunity.public_id)
    period = selectors.minimum_period(opportunity)
    return _section_page(request, opportunity, "opportunities/edit_details.html", "details", form=form, period=period)


@require_http_methods(["GET", "POST"])
@signed_in
def edit_specification(request: HttpRequest, public_id) -> HttpResponse:
    opportunity = _editable_opportunity(request, public_id)
    initial = {"specification": opportunity.specification, "outcomes": opportunity.outcomes}
    form = SpecificationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(actor=request.user, opportunity=opportunity, changes=dict(form.cleaned_data))
        except TrellisError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "The specification and outcomes are saved.")
            return redirect("opportunities:manage", opportunity.public_id)
    return _section_page(request, opportunity, "opportunities/edit_specification.html", "specification", form=form)


def _rows_page(request, public_id, *, key: str, formset_class, initial_rows, save, add_template=None):
    """A list of rows edited together. "Add another" (and "add from template") work without JavaScript: they
    return the page with one more row, saving nothing; "save" replaces the whole list through the service.

    Returns the response after a save, or (opportunity, formset, errors about the list, a notice) to show."""
    opportunity = _editable_opportunity(request, public_id)
    general: list[str] = []
    notice = ""
    if request.method != "POST":
        return opportunity, formset_class(prefix=key, initial=initial_rows(opportunity)), general, notice
    action = request.POST.get("action", "save")
    data = request.POST
    if action == "add":
        data = with_extra_row(request.POST, key)
    elif action == "add_template" and add_template is not None:
        data, notice = add_template(request.POST, key)
    formset = formset_class(data, prefix=key, initial=initial_rows(opportunity))
    if action == "save" and formset.is_valid():
        try:
            save(actor=request.user, opportunity=opportunity, rows=formset.rows())
        except TrellisError as exc:
            general = show_row_errors(formset, formset.kept, exc)
        else:
            verb = "is" if key == "eligibility" else "are"
            messages.success(request, f"The {SECTION_TITLES[key].lower()} {verb} saved.")
            return redirect("opportunities:manage", opportunity.public_id)
    return opportunity, formset, general, notice


@require_http_methods(["GET", "POST"])
@signed_in
def edit_lots(request: HttpRequest, public_id) -> HttpResponse:
    def save(*, actor, opportunity, rows):
        services.lots_set(actor=actor, opportunity=opportunity, lots=rows)

    def initial(opportunity):
        return [
            {"title": lot.title, "description": lot.description, "value": lot.value} for lot in opportunity.lots.all()
        ]

    result = _rows_page(request, public_id, key="lots", formset_class=LotFormSet, initial_rows=initial, save=save)
    if isinstance(result, HttpResponse):
        return result
    opportunity, formset, general, _ = result
    checks = selectors.aggregation_warning(opportunity)
    lots = list(opportunity.lots.all())
    for lot in lots:
        lot.check = checks.get(lot.pk)
    return _section_page(
        request,
        opportunity,
        "opportunities/edit_lots.html",
        "lots",
        formset=formset,
        general_errors=general,
        lots=lots,
        whole_check=checks.get(None),
    )


@require_http_methods(["GET", "POST"])
@signed_in
def edit_eligibility(request: HttpRequest, public_id) -> HttpResponse:
    def save(*, actor, opportunity, rows):
        services.eligibility_set(actor=actor, opportunity=opportunity, items=rows)

    def initial(opportunity):
        return [
            {"text": i.text, "essential": i.essential, "evidence_kind": i.evidence_kind}
            for i in opportunity.eligibility_items.all()
        ]

    result = _rows_page(
        request, public_id, key="eligibility", formset_class=EligibilityFormSet, initial_rows=initial, save=save
    )
    if isinstance(result, HttpResponse):
        return result
    opportunity, formset, general, _ = result
    return _section_page(
        request,
        opportunity,
        "opportunities/edit_eligibility.html",
        "eligibility",
        formset=formset,
        general_errors=general,
    )


def _criteria_initial(opportunity) -> list[dict]:
    return [
        {
            "section": c.section,
            "name": c.name,
            "description": c.description,
            "weight": plain_number(c.weight),
            "scale": c.scale,
            "word_limit": c.word_limit,
            "min_mark": plain_number(c.min_mark) if c.min_mark is not None else None,
            "is_price": c.is_price,
            "template": c.template,
        }
        for c in opportunity.criteria.all()
    ]


def _add_template(data, prefix: str):
    template = TEMPLATES.get(data.get("template_key", ""))
    if template is None:
        return data, ""
    row = template.as_row()
    row["weight"] = plain_number(row["weight"])
    return with_extra_row(data, prefix, row), f"“{template.name}” is added below. Check its weight, then save."


def _totals(total) -> dict:
    return {"total": total, "remaining": max(100 - total, 0), "over": max(total - 100, 0)}


@require_http_methods(["GET", "POST"])
@signed_in
def edit_criteria(request: HttpRequest, public_id) -> HttpResponse:
    def save(*, actor, opportunity, rows):
        services.criteria_set(actor=actor, opportunity=opportunity, criteria=rows)

    if request.method == "POST" and request.htmx:
        # Progressive enhancement: the running total, recalculated as weights are typed. An htmx request never saves,
        # even when htmx sends along the last button pressed: saving is always the form's own submission, and an
        # htmx request that saved would follow the redirect itself and swallow the "saved" message (seen in CI).
        opportunity = _editable_opportunity(request, public_id)
        formset = CriterionFormSet(request.POST, prefix="criteria")
        return render(request, "opportunities/includes/_weight_total.html", _totals(weight_total(formset)))

    result = _rows_page(
        request,
        public_id,
        key="criteria",
        formset_class=CriterionFormSet,
        initial_rows=_criteria_initial,
        save=save,
        add_template=_add_template,
    )
    if isinstance(result, HttpResponse):
        return result
    opportunity, formset, general, notice = result
    return _section_page(
        request,
        opportunity,
        "opportunities/edit_criteria.html",
        "criteria",
        formset=formset,
        general_errors=general,
        notice=notice,
        **_totals(weight_total(formset)),
        templates=list(TEMPLATES.values()),
    )


@require_http_methods(["GET", "POST"])
@signed_in
def edit_documents(request: HttpRequest, public_id) -> HttpResponse:
    opportunity = _editable_opportunity(request, public_id)
    max_bytes = settings.TRELLIS_MAX_UPLOAD_BYTES
    form = DocumentForm(max_bytes=max_bytes)
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, max_bytes=max_bytes)
        if form.is_valid():
            try:
                document = services.document_add(
                    actor=request.user,
                    opportunity=opportunity,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                )
            except TrellisError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, f"“{document.title}” is added.")
                return redirect("opportunities:edit_documents", opportunity.public_id)
    return _section_page(
        request,
        opportunity,
        "opportunities/edit_documents.html",
        "documents",
        form=form,
        documents=list(opportunity.documents.all()),
    )


@require_POST
@signed_in
def document_remove(request: HttpRequest, public_id, document_id) -> HttpResponse:
    opportunity = _editable_opportunity(request, public_id)
    document = selectors.document_get_for(opportunity=opportunity, public_id=document_id)
    try:
        services.document_remove(actor=request.user, document=document)
    except TrellisError as exc:
        messages.error(request, page_message(exc))
    else:
        messages.success(request, f"“{document.title}” is removed.")
    return redirect("opportunities:edit_documents", opportunity.public_id)


urlpatterns = [
    path("manage/", staff_list, name="staff_list"),
    path("new/", new, name="new"),
    path("<uuid:public_id>/manage/", manage, name="manage"),
    path("<uuid:public_id>/status/", transition, name="transition"),
    path("<uuid:public_id>/stages/invite/", invite_stage, name="invite_stage"),
    path("<uuid:public_id>/framework/providers/", framework_members, name="framework_members"),
    path("<uuid:public_id>/framework/call-off/", call_off_new, name="call_off_new"),
    path("<uuid:public_id>/conflicts/", conflicts, name="conflicts"),
    path("<uuid:public_id>/edit/details/", edit_details, name="edit_details"),
    path("<uuid:public_id>/edit/specification/", edit_specification, name="edit_specification"),
    path("<uuid:public_id>/edit/lots/", edit_lots, name="edit_lots"),
    path("<uuid:public_id>/edit/eligibility/", edit_eligibility, name="edit_eligibility"),
    path("<uuid:public_id>/edit/criteria/", edit_criteria, name="edit_criteria"),
    path("<uuid:public_id>/edit/documents/", edit_documents, name="edit_documents"),
    path("<uuid:public_id>/edit/documents/<uuid:document_id>/remove/", document_remove, name="document_remove"),
]
