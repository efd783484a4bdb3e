"""Opportunity services: permission denied writes nothing, bad input names fields and writes nothing, every move
is audited, and notifications reach the right people in-app and by e-mail."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from trellis.core.domain.roles import Role
from trellis.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from trellis.core.models import AuditEvent, Notification
from trellis.opportunities import selectors, services
from trellis.opportunities.models import (
    AlertSubscription,
    Clarification,
    Criterion,
    EligibilityItem,
    Lot,
    Opportunity,
    OpportunityDocument,
)
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403
from trellis.opportunities.tests.fixtures_core import CRITERIA, NOW, closes
from trellis.organisations.tests.factories import PlaceFactory, WardFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def audit_verbs(opportunity) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="opportunities.opportunity", target_id=str(opportunity.pk))
        .order_by("seq")
        .values_list("verb", flat=True)
    )


def new(actor, place, **fields):
    fields.setdefault("title", "Community transport")
    fields.setdefault("kind", "open_tender")
    return services.opportunity_create(actor=actor, place=place, **fields)


# Creating --------------------------------------------------------------------------------------------------------


def test_a_commissioner_creates_a_draft_with_a_reference_and_an_audit_event(commissioner, place, wards):
    opportunity = new(commissioner, place, service_types=["befriending", "community_transport"], wards=["E05099002"])
    year = NOW.astimezone().year
    assert opportunity.reference == f"NBR-{year}-0001"
    assert opportunity.status == "draft" and opportunity.created_by == commissioner
    assert sorted(opportunity.service_types.values_list("code", flat=True)) == ["befriending", "community_transport"]
    assert list(opportunity.wards.all()) == [wards[1]]
    assert audit_verbs(opportunity) == ["opportunity.created"]
    assert new(commissioner, place, title="Second").reference == f"NBR-{year}-0002"


def test_a_competitive_flexible_procedure_gets_the_default_stages(commissioner, place):
    opportunity = new(commissioner, place, kind="competitive_flexible")
    assert opportunity.stages == ["expression_of_interest", "shortlist", "tender", "dialogue", "final_tender"]
    chosen = new(commissioner, place, kind="competitive_flexible", stages=["tender", "dialogue", "final_tender"])
    assert chosen.stages == ["tender", "dialogue", "final_tender"]
    assert new(commissioner, place, kind="grant_round", stages=["tender"]).stages == []


@pytest.mark.parametrize("who", ["provider_admin", "provider_member", "resident", "platform_admin", None])
def test_only_officers_create_and_a_refusal_writes_nothing(request, place, who):
    actor = request.getfixturevalue(who) if who else None
    with pytest.raises(PermissionDenied):
        new(actor, place)
    assert not Opportunity.objects.exists()
    assert not AuditEvent.objects.filter(verb="opportunity.created").exists()


def test_bad_input_names_every_field_and_writes_nothing(commissioner, place, wards):
    other_ward = WardFactory(place=PlaceFactory(name="Elsewhere", slug="elsewhere", gss_code="E08000098"))
    with pytest.raises(ValidationFailed) as exc:
        services.opportunity_create(
            actor=commissioner,
            place=place,
            title="  ",
            kind="raffle",
            estimated_value="-5",
            duration_months=0,
            service_types=["not_a_service"],
            wards=[other_ward],
            stages=["nonsense"],
            route="lottery",
            regime="EU",
            closes_at=NOW.replace(tzinfo=None),
            planned_publish_on="next week",
            colour="blue",
        )
    assert exc.value.errors == {
        "title": ["Enter a title for the opportunity."],
        "kind": ["Choose the type of opportunity."],
        "estimated_value": ["Enter an amount of 0 or more, in pounds."],
        "duration_months": ["Enter a length from 1 to 240 months."],
        "service_types": ["Choose service types from the list."],
        "wards": ["Choose wards in this place from the list."],
        "stages": ["Choose the stages from the list."],
        "route": ["Choose a route from the list."],
        "regime": ["Choose a legal regime from the list."],
        "closes_at": ["Enter the time with its time zone."],
        "planned_publish_on": ["Enter a real date."],
        "colour": ["This field cannot be changed here."],
    }
    assert not Opportunity.objects.exists()


def test_dates_out_of_order_are_refused_on_create(commissioner, place):
    with pytest.raises(ValidationFailed) as exc:
        new(commissioner, place, questions_close_at=closes(41), closes_at=closes(40))
    assert exc.value.errors == {"questions_close_at": ["Questions must close before the deadline for bids."]}
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ten pounds", "Enter an amount in pounds, like 150000."),
        ("10000000000", "Enter an amount under £10 billion."),
        ("10.005", "Enter pounds and pence, with at most 2 decimal places."),
    ],
)
def test_money_is_checked(commissioner, place, value, message):
    with pytest.raises(ValidationFailed) as exc:
        new(commissioner, place, estimated_value=value)
    assert exc.value.errors == {"estimated_value": [message]}


def test_money_accepts_pounds_signs_and_commas(commissioner, place):
    assert new(commissioner, place, estimated_value="£150,000").estimated_value == Decimal("150000.00")


@pytest.fixture
def decision(commissioner, place, wards):
    from trellis.routes import services as route_services
    from trellis.routes.tests.helpers import facts

    given = facts(service_types=["befriending"], wards=["E05099001", "E05099003"])
    advice = route_services.advice_for(given)
    return route_services.route_decision_save(
        actor=commissioner,
        place=place,
        need_title="Befriending for isolated older people",
        need_description="Weekly visits and calls for people over 75 living alone.",
        facts=given,
        chosen_route=advice["recommended"],
        rationale="",
    )


def test_created_from_a_saved_route_decision_copies_its_facts(procurement_officer, place, wards, decision):
    opportunity = services.opportunity_create(
        actor=procurement_officer,
        place=place,
        title="Befriending service",
        kind="competitive_flexible",
        from_decision=decision,
    )
    assert opportunity.route_decision == decision
    assert opportunity.estimated_value == Decimal("950000.00")
    assert opportunity.duration_months == 36
    assert opportunity.route == decision.chosen_route
    assert opportunity.regime == decision.advice["regime"] == "PA2023"
    assert opportunity.summary == "Weekly visits and calls for people over 75 living alone."
    assert list(opportunity.service_types.values_list("code", flat=True)) == ["befriending"]
    assert sorted(opportunity.wards.values_list("gss_code", flat=True)) == ["E05099001", "E05099003"]
    created = AuditEvent.objects.get(verb="opportunity.created")
    assert created.data["from_decision"] == str(decision.public_id)
    # what the commissioner gives wins over the decision
    own = services.opportunity_create(
        actor=procurement_officer,
        place=place,
        title="Smaller",
        kind="grant_round",
        from_decision=decision,
        estimated_value=Decimal(120_000),
    )
    assert own.estimated_value == Decimal(120_000)


def test_the_route_s_time_limits_are_read_from_the_decision(procurement_officer, place, decision):
    opportunity = services.opportunity_create(
        actor=procurement_officer, place=place, title="Befriending", kind="open_tender", from_decision=decision
    )
    limits = selectors.route_time_limits(opportunity)
    # a light touch contract: the Act sets no minimum tendering period, so the kind's own 25 days stand
    assert any(limit.code == "tendering_period_light_touch" and limit.days is None for limit in limits)
    assert not any(limit.code == "tendering_period" for limit in limits)
    assert selectors.minimum_period(opportunity).days == 25


def test_a_decision_for_another_place_is_refused(commissioner, place, decision):
    elsewhere = PlaceFactory(name="Elsewhere", slug="elsewhere", gss_code="E08000098")
    with pytest.raises(ValidationFailed) as exc:
        services.opportunity_create(
            actor=commissioner, place=elsewhere, title="x", kind="open_tender", from_decision=decision
        )
    assert exc.value.errors == {"from_decision": ["That route decision is for another place."]}
    assert not Opportunity.objects.exists()


# Updating --------------------------------------------------------------------------------------------------------


def test_update_a_draft_records_the_fields_changed(draft, procurement_officer, wards):
    services.opportunity_update(
        actor=procurement_officer,
        opportunity=draft,
        changes={"title": "Befriending and friendship groups", "wards": wards, "duration_months": 36},
    )
    draft.refresh_from_db()
    assert draft.title == "Befriending and friendship groups" and draft.wards.count() == 3
    event = AuditEvent.objects.filter(verb="opportunity.updated").last()
    assert event.data == {"fields": ["title", "wards"]}


def test_an_update_that_changes_nothing_records_nothing(draft, commissioner):
    before = AuditEvent.objects.count()
    services.opportunity_update(actor=commissioner, opportunity=draft, changes={"title": draft.title})
    assert AuditEvent.objects.count() == before


def test_changing_an_approved_opportunity_returns_it_to_draft(approved, commissioner):
    services.opportunity_update(actor=commissioner, opportunity=approved, changes={"summary": "Shorter."})
    assert approved.status == "draft"
    assert Opportunity.objects.get(pk=approved.pk).status == "draft"
    assert audit_verbs(approved)[-2:] == ["opportunity.updated", "opportunity.return_to_draft"]


def test_a_published_opportunity_cannot_be_edited(published, commissioner):
    with pytest.raises(PermissionDenied, match="can no longer be changed"):
        services.opportunity_update(actor=commissioner, opportunity=published, changes={"title": "New"})
    assert Opportunity.objects.get(pk=published.pk).title == "Befriending for older people"


def test_a_provider_cannot_edit(draft, provider_admin):
    with pytest.raises(PermissionDenied):
        services.opportunity_update(actor=provider_admin, opportunity=draft, changes={"title": "Mine"})
    assert Opportunity.objects.get(pk=draft.pk).title == "Befriending for older people"


def test_bad_update_changes_nothing(draft, commissioner):
    with pytest.raises(ValidationFailed) as exc:
        services.opportunity_update(
            actor=commissioner, opportunity=draft, changes={"title": "", "questions_close_at": closes(50)}
        )
    assert exc.value.errors == {"title": ["Enter a title for the opportunity."]}
    with pytest.raises(ValidationFailed) as exc:
        services.opportunity_update(actor=commissioner, opportunity=draft, changes={"questions_close_at": closes(50)})
    assert list(exc.value.errors) == ["questions_close_at"]
    draft.refresh_from_db()
    assert draft.title == "Befriending for older people" and draft.questions_close_at == closes(30)


# Lots, eligibility, criteria, documents --------------------------------------------------------------------------


def test_lots_are_numbered_and_replaced(draft, commissioner):
    services.lots_set(
        actor=commissioner,
        opportunity=draft,
        lots=[{"title": "North", "value": "40000"}, {"title": "South", "value": 50000, "description": "Wards 2-3"}],
    )
    assert list(draft.lots.values_list("number", "title", "value")) == [
        (1, "North", Decimal("40000.00")),
        (2, "South", Decimal("50000.00")),
    ]
    services.lots_set(actor=commissioner, opportunity=draft, lots=[{"title": "Whole borough", "value": 90000}])
    assert list(draft.lots.values_list("number", "title")) == [(1, "Whole borough")]
    assert audit_verbs(draft).count("opportunity.lots_set") == 2


def test_bad_lots_are_named_and_the_old_lots_kept(draft, commissioner):
    services.lots_set(actor=commissioner, opportunity=draft, lots=[{"title": "Whole", "value": 90000}])
    with pytest.raises(ValidationFailed) as exc:
        services.lots_set(actor=commissioner, opportunity=draft, lots=[{"title": "", "value": "x"}, {"title": "B"}])
    assert exc.value.errors == {
        "lots-0-title": ["Enter a title for the lot."],
        "lots-0-value": ["Enter an amount in pounds, like 150000."],
        "lots-1-value": ["Enter the value of the lot, in pounds."],
    }
    with pytest.raises(ValidationFailed) as exc:
        services.lots_set(
            actor=commissioner,
            opportunity=draft,
            lots=[{"title": "A", "value": 60000}, {"title": "B", "value": 40000}],
        )
    assert exc.value.errors == {
        "lots": ["The lots add up to £100,000.00, more than the estimated value of £90,000.00."]
    }
    assert list(Lot.objects.filter(opportunity=draft).values_list("title", flat=True)) == ["Whole"]


def test_rows_must_be_a_list_of_mappings(draft, commissioner):
    with pytest.raises(ValidationFailed) as exc:
        services.lots_set(actor=commissioner, opportunity=draft, lots="North")
    assert exc.value.errors == {"lots": ["The lots must be a list."]}
    with pytest.raises(ValidationFailed) as exc:
        services.eligibility_set(actor=commissioner, opportunity=draft, items=[{"text": "x"}] * 41)
    assert exc.value.errors == {"eligibility": ["There can be at most 40 eligibility."]}


def test_eligibility_checklist_is_replaced_in_order_and_checked(draft, commissioner):
    assert list(draft.eligibility_items.values_list("order", "essential")) == [(1, True), (2, True), (3, False)]
    with pytest.raises(ValidationFailed) as exc:
        services.eligibility_set(actor=commissioner, opportunity=draft, items=[{"text": " "}, {"text": "x" * 501}])
    assert exc.value.errors == {
        "eligibility-0-text": ["Enter the requirement."],
        "eligibility-1-text": ["Keep it to 500 characters or fewer."],
    }
    assert EligibilityItem.objects.filter(opportunity=draft).count() == 3


def test_criteria_may_be_saved_incomplete_in_a_draft(draft, commissioner):
    services.criteria_set(actor=commissioner, opportunity=draft, criteria=CRITERIA[:2])
    assert sum(c.weight for c in draft.criteria.all()) == Decimal(65)
    event = AuditEvent.objects.filter(verb="opportunity.criteria_set").last()
    assert event.data["total_weight"] == "65.00"


def test_bad_criteria_are_named_and_the_old_ones_kept(draft, commissioner):
    with pytest.raises(ValidationFailed) as exc:
        services.criteria_set(actor=commissioner, opportunity=draft, criteria=[{"name": "Quality", "weight": "150"}])
    assert exc.value.errors == {"criteria-0-weight": ["The weight must be between 0 and 100."]}
    assert Criterion.objects.filter(opportunity=draft).count() == 4


def test_a_document_is_checked_by_content_and_stored_with_its_hash(draft, commissioner):
    upload = SimpleUploadedFile("Specification (final).pdf", PDF, content_type="application/pdf")
    document = services.document_add(actor=commissioner, opportunity=draft, upload=upload, title="Specification")
    assert document.title == "Specification" and document.content_type == "application/pdf"
    assert document.size == len(PDF) and len(document.sha256) == 64
    assert document.original_filename == "Specification-final.pdf"
    with document.file.open("rb") as handle:
        assert handle.read() == PDF
    assert "opportunity.document_added" in audit_verbs(draft)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.pdf", b"MZ\x90\x00rest", "The selected file is a Windows program, not a document."),
        ("spec.pdf", b"just some words", "its content is not a PDF file"),
        ("spec.exe", PDF, "The selected file must be one of these types"),
        ("spec.pdf", b"", "The selected file is empty."),
    ],
)
def test_unsafe_or_mislabelled_documents_are_refused_and_nothing_stored(draft, commissioner, name, content, message):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationFailed) as exc:
        services.document_add(actor=commissioner, opportunity=draft, upload=upload)
    assert message in exc.value.errors["file"][0]
    assert not OpportunityDocument.objects.exists()


def test_a_document_over_the_size_limit_is_refused(draft, commissioner, settings):
    settings.TRELLIS_MAX_UPLOAD_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationFailed) as exc:
        services.document_add(actor=commissioner, opportunity=draft, upload=upload)
    assert exc.value.errors == {"file": ["The selected file must be smaller than 1 MB."]}
    assert not OpportunityDocument.objects.exists()


def test_a_document_can_be_removed_while_editable(draft, commissioner, django_capture_on_commit_callbacks):
    document = services.document_add(actor=commissioner, opportunity=draft, upload=SimpleUploadedFile("spec.pdf", PDF))
    storage, name = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(actor=commissioner, document=document)
    assert not OpportunityDocument.objects.exists()
    assert not storage.exists(name)
    assert "opportunity.document_removed" in audit_verbs(draft)


def test_a_provider_cannot_add_documents(draft, provider_admin):
    with pytest.raises(PermissionDenied):
        services.document_add(actor=provider_admin, opportunity=draft, upload=SimpleUploadedFile("a.pdf", PDF))
    assert not OpportunityDocument.objects.exists()


# The lifecycle ---------------------------------------------------------------------------------------------------


def test_the_creator_cannot_approve_their_own_opportunity(draft, commissioner):
    with pytest.raises(PermissionDenied, match="Someone other than the person who created"):
        services.opportunity_transition(actor=commissioner, opportunity=draft, action="approve", now=NOW)
    assert Opportunity.objects.get(pk=draft.pk).status == "draft"
    assert "opportunity.approve" not in audit_verbs(draft)


def test_a_second_officer_approves_and_the_creator_is_told(
    draft, commissioner, procurement_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.opportunity_transition(actor=procurement_officer, opportunity=draft, action="approve", now=NOW)
    assert draft.status == "approved"
    event = AuditEvent.objects.get(verb="opportunity.approve")
    assert event.actor == procurement_officer and event.data["from"] == "draft" and event.data["to"] == "approved"
    assert Notification.objects.get(recipient=commissioner).subject == "Approved: Befriending for older people"


@pytest.mark.parametrize("who", ["provider_admin", "resident", "platform_admin"])
def test_people_who_are_not_officers_cannot_move_an_opportunity(request, approved, who):
    with pytest.raises(PermissionDenied):
        services.opportunity_transition(
            actor=request.getfixturevalue(who), opportunity=approved, action="publish", now=NOW
        )
    assert Opportunity.objects.get(pk=approved.pk).status == "approved"


def test_a_move_not_in_the_table_is_an_invalid_transition(draft, procurement_officer):
    with pytest.raises(InvalidTransition):
        services.opportunity_transition(actor=procurement_officer, opportunity=draft, action="publish", now=NOW)
    with pytest.raises(InvalidTransition):
        services.opportunity_transition(actor=procurement_officer, opportunity=draft, action="explode", now=NOW)
    assert Opportunity.objects.get(pk=draft.pk).status == "draft"


def test_weights_not_totalling_100_cannot_be_published(draft, commissioner, procurement_officer):
    services.criteria_set(actor=commissioner, opportunity=draft, criteria=CRITERIA[:3])  # 80
    services.opportunity_transition(actor=procurement_officer, opportunity=draft, action="approve", now=NOW)
    with pytest.raises(ValidationFailed) as exc:
        services.opportunity_transition(actor=procurement_officer, opportunity=draft, action="publish", now=NOW)
    assert exc.value.errors == {"criteria": ["The weights must add up to 100. They add up to 80."]}
    assert Opportunity.objects.get(pk=draft.pk).status == "approved"
    assert "opportunity.publish" not in audit_verbs(draft)


def test_a_deadline_too_soon_cannot_be_published(draft, commissioner, procurement_officer):
    services.opportunity_update(
        actor=commissioner,
        opportunity=draft,
        changes={"questions_close_at": closes(10), "closes_at": closes(27), "consortium_bids_invited": False},
    )
    services.opportunity_transition(actor=procurement_officer, opportunity=draft, action="approve", now=NOW)
    with pytest.raises(ValidationFailed) as exc:
        services.opportunity_transition(actor=procurement_officer, opportunity=draft, action="publish", now=NOW)
    assert list(exc.value.errors) == ["closes_at"]
    assert "at least 28 days after publication" in exc.value.errors["closes_at"][0]


def test_inviting_consortium_bids_needs_two_more_weeks(draft, commissioner, procurement_officer):
    services.opportunity_update(actor=commissioner, opportunity=draft, changes={"consortium_bids_invited": True})
    services.opportunity_transition(actor=procurement_officer, opportunity=draft, action="approve", now=NOW)
    with pytest.raises(ValidationFailed) as exc:
        services.opportunity_transition(actor=procurement_officer, opportunity=draft, action="publish", now=NOW)
    assert "at least 42 days" in exc.value.errors["closes_at"][0]
    assert (
        services.opportunity_transition(
            actor=procurement_officer, opportunity=draft, action="publish", now=closes(-2)
        ).status
        == "published"
    )  # published two days later, the 40-day deadline is 42 days away


def test_publishing_records_the_time_and_alerts_matching_subscribers(
    approved, procurement_officer, provider_admin, provider_member, other_provider_admin, resident, wards,
    mailoutbox, django_capture_on_commit_callbacks,
):  # fmt: skip
    services.alert_subscription_set(actor=provider_admin, service_types=["befriending"], wards=[], email=True)
    services.alert_subscription_set(actor=provider_member, service_types=[], wards=[wards[0]], email=False)
    services.alert_subscription_set(
        actor=other_provider_admin, service_types=["community_transport"], wards=[], email=True
    )
    services.alert_subscription_set(actor=resident, service_types=["befriending"], wards=[wards[2]], email=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.opportunity_transition(actor=procurement_officer, opportunity=approved, action="publish", now=NOW)
    assert approved.status == "published" and approved.published_at == NOW
    alerted = Notification.objects.filter(subject="New opportunity: Befriending for older people")
    assert sorted(n.recipient.email for n in alerted) == sorted([provider_admin.email, provider_member.email])
    assert [m.to for m in mailoutbox] == [[provider_admin.email]]  # the member asked for in-app alerts only
    assert "The deadline is" in mailoutbox[0].body and approved.reference in mailoutbox[0].body
    event = AuditEvent.objects.get(verb="opportunity.publish")
    assert event.data["from"] == "approved" and event.data["to"] == "published"


def test_an_opportunity_cannot_be_closed_before_its_deadline(published, procurement_officer):
    with pytest.raises(InvalidTransition, match="cannot be closed before its deadline"):
        services.opportunity_transition(actor=procurement_officer, opportunity=published, action="close", now=NOW)
    assert Opportunity.objects.get(pk=published.pk).status == "published"
    closed = services.opportunity_transition(
        actor=procurement_officer, opportunity=published, action="close", now=closes(40)
    )
    assert closed.status == "closed" and closed.closed_at == closes(40)


def test_the_clock_closes_opportunities_at_their_deadline(published, commissioner, place):
    later = new(commissioner, place, title="Not yet due")
    assert services.close_due_opportunities(now=closes(40) - timedelta(seconds=1)) == 0
    assert services.close_due_opportunities(now=closes(40)) == 1
    published.refresh_from_db()
    assert published.status == "closed" and published.closed_at == closes(40)
    event = AuditEvent.objects.get(verb="opportunity.close")
    assert event.actor is None and event.actor_label == "system"
    assert Opportunity.objects.get(pk=later.pk).status == "draft"
    assert services.close_due_opportunities(now=closes(41)) == 0  # nothing left to close


def test_the_periodic_task_closes_due_opportunities(published):
    from trellis.opportunities import tasks

    Opportunity.objects.filter(pk=published.pk).update(closes_at=NOW - timedelta(minutes=1))
    tasks.close_due_opportunities.call_local()
    assert Opportunity.objects.get(pk=published.pk).status == "closed"


def test_evaluation_and_award(published, procurement_officer, commissioner):
    later = closes(41)
    for action, status in [("close", "closed"), ("start_evaluation", "under_evaluation")]:
        services.opportunity_transition(actor=procurement_officer, opportunity=published, action=action, now=later)
        assert published.status == status
    # An award needs an approved evaluation decision: the evaluation service says so when it has one.
    with pytest.raises(PermissionDenied, match="approving the evaluation's recommendation"):
        services.opportunity_transition(actor=procurement_officer, opportunity=published, action="award", now=later)
    assert Opportunity.objects.get(pk=published.pk).status == "under_evaluation"
    services.opportunity_transition(
        actor=procurement_officer, opportunity=published, action="award", now=later, award_approved=True
    )
    assert published.status == "awarded"
    with pytest.raises(InvalidTransition):
        services.opportunity_transition(actor=commissioner, opportunity=published, action="cancel", reason="x")
    assert audit_verbs(published)[-3:] == ["opportunity.close", "opportunity.start_evaluation", "opportunity.award"]


def test_not_awarded_keeps_the_reason(published, procurement_officer):
    for action in ("close", "start_evaluation"):
        services.opportunity_transition(actor=procurement_officer, opportunity=published, action=action, now=closes(41))
    services.opportunity_transition(
        actor=procurement_officer, opportunity=published, action="not_award", reason="No bid met the quality bar."
    )
    assert published.status == "not_awarded" and published.status_reason == "No bid met the quality bar."


def test_return_to_draft(approved, commissioner):
    services.opportunity_transition(actor=commissioner, opportunity=approved, action="return_to_draft", now=NOW)
    assert approved.status == "draft"


def test_cancelling_needs_a_reason_and_tells_everyone_interested(
    published, procurement_officer, provider_member, other_provider_admin, charity, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    services.alert_subscription_set(actor=other_provider_admin, service_types=[], wards=[], email=True)
    services.clarification_ask(actor=provider_member, opportunity=published, organisation=charity, question="Q?")
    with pytest.raises(ValidationFailed) as exc:
        services.opportunity_transition(actor=procurement_officer, opportunity=published, action="cancel", now=NOW)
    assert exc.value.errors == {"reason": ["Enter the reason for cancelling."]}
    assert Opportunity.objects.get(pk=published.pk).status == "published"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.opportunity_transition(
            actor=procurement_officer, opportunity=published, action="cancel", reason="Funding withdrawn.", now=NOW
        )
    assert published.status == "cancelled" and published.status_reason == "Funding withdrawn."
    told = {m.to[0] for m in mailoutbox if m.subject == "Cancelled: Befriending for older people"}
    assert told == {other_provider_admin.email, provider_member.email}
    assert AuditEvent.objects.get(verb="opportunity.cancel").data["reason"] == "Funding withdrawn."


def test_deadline_reminders_go_a_week_and_a_day_before_once_each(
    published, provider_admin, mailoutbox, django_capture_on_commit_callbacks
):
    services.alert_subscription_set(actor=provider_admin, service_types=[], wards=[], email=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.opportunity_send_deadline_reminders(now=closes(32)) == 0  # 8 days to go
        assert services.opportunity_send_deadline_reminders(now=closes(33)) == 1  # 7 days to go
        assert services.opportunity_send_deadline_reminders(now=closes(34)) == 0  # already sent
        assert services.opportunity_send_deadline_reminders(now=closes(39.5)) == 1  # 12 hours to go
        assert services.opportunity_send_deadline_reminders(now=closes(39.9)) == 0
    assert [m.subject for m in mailoutbox] == [
        "Deadline in a week: Befriending for older people",
        "Deadline tomorrow: Befriending for older people",
    ]
    assert Opportunity.objects.get(pk=published.pk).reminders_sent == [1, 7]
    assert AuditEvent.objects.filter(verb="opportunity.deadline_reminder").count() == 2


def test_a_missed_week_reminder_is_not_sent_late_after_the_day_reminder(published, provider_admin, mailoutbox):
    services.alert_subscription_set(actor=provider_admin, service_types=[], wards=[], email=True)
    assert services.opportunity_send_deadline_reminders(now=closes(39.5)) == 1
    assert services.opportunity_send_deadline_reminders(now=closes(39.6)) == 0
    assert Opportunity.objects.get(pk=published.pk).reminders_sent == [1, 7]


# Clarifications --------------------------------------------------------------------------------------------------


def test_a_provider_asks_privately_and_the_creator_is_told(
    published, provider_member, charity, commissioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = services.clarification_ask(
            actor=provider_member,
            opportunity=published,
            organisation=charity,
            question=" Can we bid jointly? ",
            now=NOW,
        )
    assert question.question == "Can we bid jointly?" and question.status == "asked"
    assert question.asking_organisation == charity and question.asked_by == provider_member
    assert Notification.objects.get(recipient=commissioner).subject == "New question: Befriending for older people"
    assert AuditEvent.objects.filter(verb="clarification.asked", target_id=str(question.pk)).exists()


def test_asking_for_an_organisation_you_do_not_belong_to_is_refused(published, provider_member, other_charity):
    with pytest.raises(PermissionDenied, match="organisation you are a member of"):
        services.clarification_ask(actor=provider_member, opportunity=published, organisation=other_charity,
                                   question="Q?")  # fmt: skip
    assert not Clarification.objects.exists()


def test_questions_close_at_their_deadline(published, provider_member, charity):
    with pytest.raises(PermissionDenied, match="Questions closed at"):
        services.clarification_ask(
            actor=provider_member, opportunity=published, organisation=charity, question="Late?", now=closes(30)
        )
    assert not Clarification.objects.exists()


def test_no_questions_before_publication(approved, provider_member, charity):
    with pytest.raises(PermissionDenied, match="while the opportunity is open"):
        services.clarification_ask(actor=provider_member, opportunity=approved, organisation=charity, question="Q?")
    assert not Clarification.objects.exists()


def test_an_empty_question_is_refused(published, provider_member, charity):
    with pytest.raises(ValidationFailed) as exc:
        services.clarification_ask(actor=provider_member, opportunity=published, organisation=charity, question=" ")
    assert exc.value.errors == {"question": ["Enter your question."]}
    assert not Clarification.objects.exists()


def test_publishing_an_answer_tells_every_interested_provider_without_saying_who_asked(
    published, provider_member, provider_admin, charity, other_provider_admin, procurement_officer, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    services.alert_subscription_set(actor=other_provider_admin, service_types=["befriending"], wards=[], email=True)
    question = services.clarification_ask(
        actor=provider_member, opportunity=published, organisation=charity, question="Is transport included?"
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.clarification_answer(actor=procurement_officer, clarification=question, answer="No.", now=NOW)
    assert question.status == "published" and question.published_at == NOW and question.answered_at == NOW
    told = sorted(m.to[0] for m in mailoutbox)
    assert told == sorted([provider_member.email, provider_admin.email, other_provider_admin.email])
    assert all(charity.name not in m.body and provider_member.full_name not in m.body for m in mailoutbox)
    published_list = selectors.clarifications_published(published)
    assert [(c.question, c.answer) for c in published_list] == [("Is transport included?", "No.")]
    assert not hasattr(published_list[0], "asked_by") and not hasattr(published_list[0], "asking_organisation")


def test_an_answer_can_be_kept_back_until_ready(
    published, provider_member, charity, procurement_officer, mailoutbox, django_capture_on_commit_callbacks
):
    question = services.clarification_ask(
        actor=provider_member, opportunity=published, organisation=charity, question="Q?"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.clarification_answer(actor=procurement_officer, clarification=question, answer="Draft", publish=False)
    assert question.status == "answered" and question.published_at is None
    assert selectors.clarifications_published(published) == []
    assert not [m for m in mailoutbox if m.subject.startswith("Question answered")]
    assert AuditEvent.objects.filter(verb="clarification.answered").exists()


def test_providers_cannot_answer_and_empty_answers_are_refused(published, provider_member, charity, commissioner):
    question = services.clarification_ask(
        actor=provider_member, opportunity=published, organisation=charity, question="Q?"
    )
    with pytest.raises(PermissionDenied):
        services.clarification_answer(actor=provider_member, clarification=question, answer="Yes")
    with pytest.raises(ValidationFailed) as exc:
        services.clarification_answer(actor=commissioner, clarification=question, answer="  ")
    assert exc.value.errors == {"answer": ["Enter the answer."]}
    assert Clarification.objects.get(pk=question.pk).status == "asked"


def test_the_asker_may_withdraw_an_unanswered_question(
    published, provider_member, provider_admin, charity, commissioner
):
    question = services.clarification_ask(
        actor=provider_member, opportunity=published, organisation=charity, question="Q?"
    )
    with pytest.raises(PermissionDenied):
        services.clarification_withdraw(actor=provider_admin, clarification=question)
    services.clarification_withdraw(actor=provider_member, clarification=question)
    assert Clarification.objects.get(pk=question.pk).status == "withdrawn"
    with pytest.raises(ValidationFailed):
        services.clarification_answer(actor=commissioner, clarification=question, answer="Yes")
    answered = services.clarification_ask(
        actor=provider_member, opportunity=published, organisation=charity, question="Another?"
    )
    services.clarification_answer(actor=commissioner, clarification=answered, answer="Yes")
    with pytest.raises(InvalidTransition):
        services.clarification_withdraw(actor=provider_member, clarification=answered)


# Alerts ----------------------------------------------------------------------------------------------------------


def test_one_alert_subscription_per_person_updated_in_place(provider_admin, wards):
    first = services.alert_subscription_set(
        actor=provider_admin, service_types=["befriending"], wards=[wards[0]], email=True
    )
    second = services.alert_subscription_set(
        actor=provider_admin, service_types=["community_transport", "befriending"], wards=["E05099002"], email=False
    )
    assert first.pk == second.pk and AlertSubscription.objects.count() == 1
    assert sorted(second.service_types.values_list("code", flat=True)) == ["befriending", "community_transport"]
    assert list(second.wards.all()) == [wards[1]] and second.email is False
    assert AuditEvent.objects.filter(verb="opportunity_alerts.set").count() == 2


def test_bad_alert_choices_are_named_and_nothing_saved(provider_admin, wards):
    with pytest.raises(ValidationFailed) as exc:
        services.alert_subscription_set(actor=provider_admin, service_types=["nope"], wards=["E0000000X"], email=True)
    assert exc.value.errors == {
        "service_types": ["Choose service types from the list."],
        "wards": ["Choose wards from the list."],
    }
    assert not AlertSubscription.objects.exists()


def test_signed_out_people_cannot_subscribe(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.alert_subscription_set(actor=AnonymousUser(), service_types=[], wards=[], email=True)
    assert not AlertSubscription.objects.exists()


def test_alerts_can_be_stopped(provider_admin, make_person, charity):
    assert services.alert_subscription_remove(actor=provider_admin) is False
    services.alert_subscription_set(actor=provider_admin, service_types=[], wards=[], email=True)
    assert services.alert_subscription_remove(actor=provider_admin) is True
    assert not AlertSubscription.objects.exists()
    assert AuditEvent.objects.filter(verb="opportunity_alerts.removed").exists()
    assert make_person(Role.PROVIDER_MEMBER, charity)  # another person is unaffected by all this
