"""Bid use cases against a real database: each refuses bad input naming the field and writes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from trellis.bids import selectors, services
from trellis.bids.domain import receipts
from trellis.bids.domain.bidding import DECLARATIONS, format_deadline
from trellis.bids.models import Bid, BidAnswer, BidDocument, ConsortiumRole, Opening, Receipt
from trellis.bids.tests.fixtures_core import *  # noqa: F403
from trellis.bids.tests.fixtures_core import AFTER, BUDGET, NOW, SECRET, answer_everything, closes
from trellis.core.domain.roles import Role
from trellis.core.errors import DeadlinePassed, InvalidTransition, PermissionDenied, ValidationFailed
from trellis.core.models import AuditEvent, Notification
from trellis.opportunities import services as opportunity_services
from trellis.organisations import services as org_services

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test document\n"


def audit_verbs():
    return list(AuditEvent.objects.filter(target_type="bids.bid").values_list("verb", flat=True))


class TestStart:
    def test_start_makes_a_draft_and_audits_without_content(self, bid, provider_admin):
        assert bid.status == "draft" and bid.created_by == provider_admin
        event = AuditEvent.objects.get(verb="bid.started")
        assert event.actor == provider_admin and event.data["organisation"] == bid.organisation.org_id

    def test_one_live_bid_per_organisation(self, bid, published, charity, provider_member):
        with pytest.raises(ValidationFailed) as exc:
            services.bid_start(actor=provider_member, opportunity=published, organisation=charity, now=NOW)
        assert "organisation" in exc.value.errors
        assert Bid.objects.count() == 1

    def test_someone_else_cannot_bid_for_the_charity(self, published, charity, other_provider_admin, commissioner):
        for actor in (other_provider_admin, commissioner):
            with pytest.raises(PermissionDenied):
                services.bid_start(actor=actor, opportunity=published, organisation=charity, now=NOW)
        assert not Bid.objects.exists()

    def test_not_before_publication(self, draft, charity, provider_admin):
        with pytest.raises(PermissionDenied):
            services.bid_start(actor=provider_admin, opportunity=draft, organisation=charity, now=NOW)
        assert not Bid.objects.exists()

    def test_not_after_the_deadline(self, published, charity, provider_admin):
        with pytest.raises(PermissionDenied) as exc:
            services.bid_start(actor=provider_admin, opportunity=published, organisation=charity, now=AFTER)
        assert format_deadline(published.closes_at) in exc.value.message
        assert not Bid.objects.exists()

    def test_an_opportunity_with_lots_needs_one_of_its_lots(
        self, draft, commissioner, procurement_officer, charity, provider_admin
    ):
        lots = opportunity_services.lots_set(
            actor=commissioner,
            opportunity=draft,
            lots=[{"title": "North", "value": "40000"}, {"title": "South", "value": "50000"}],
        )
        opportunity_services.opportunity_transition(
            actor=procurement_officer, opportunity=draft, action="approve", now=NOW
        )
        opportunity = opportunity_services.opportunity_transition(
            actor=procurement_officer, opportunity=draft, action="publish", now=NOW
        )
        with pytest.raises(ValidationFailed) as exc:
            services.bid_start(actor=provider_admin, opportunity=opportunity, organisation=charity, now=NOW)
        assert "lot" in exc.value.errors
        north = services.bid_start(
            actor=provider_admin, opportunity=opportunity, organisation=charity, lot=lots[0], now=NOW
        )
        south = services.bid_start(
            actor=provider_admin, opportunity=opportunity, organisation=charity, lot=lots[1], now=NOW
        )
        assert {north.lot_id, south.lot_id} == {lots[0].pk, lots[1].pk}

    def test_a_consortium_bids_through_its_lead_with_members_roles(
        self, published, charity, other_charity, provider_admin, other_provider_admin
    ):
        consortium = org_services.consortium_create(
            actor=provider_admin,
            name="Northbridge Befriending Partnership",
            lead_model="member_lead",
            lead=charity,
            members=[(charity, "Lead and befriending", Decimal(70)), (other_charity, "Carers", Decimal(30))],
        )
        bid = services.bid_start(
            actor=provider_admin, opportunity=published, organisation=consortium.organisation, now=NOW
        )
        assert sorted(bid.consortium_roles.values_list("share_percent", flat=True)) == [30, 70]
        # A member that is not the lead does not act for the consortium.
        with pytest.raises(PermissionDenied):
            services.bid_answers_save(actor=other_provider_admin, bid=bid, answers={}, now=NOW)
        roles = [
            {"organisation": charity, "role": "Lead", "share_percent": "60"},
            {"organisation": other_charity.pk, "role": "Carers' support", "share_percent": "30"},
        ]
        with pytest.raises(ValidationFailed) as exc:
            services.bid_consortium_set(actor=provider_admin, bid=bid, roles=roles, now=NOW)
        assert "90%" in exc.value.errors["roles"][0]
        assert sorted(bid.consortium_roles.values_list("share_percent", flat=True)) == [30, 70]
        roles[1]["share_percent"] = "40"
        services.bid_consortium_set(actor=provider_admin, bid=bid, roles=roles, now=NOW)
        assert sorted(bid.consortium_roles.values_list("share_percent", flat=True)) == [40, 60]

    def test_consortium_roles_only_for_consortia_and_their_members(self, bid, provider_admin, other_charity):
        with pytest.raises(ValidationFailed) as exc:
            services.bid_consortium_set(
                actor=provider_admin,
                bid=bid,
                roles=[{"organisation": other_charity, "role": "x", "share_percent": 100}],
                now=NOW,
            )
        assert "roles" in exc.value.errors
        assert not ConsortiumRole.objects.exists()


class TestEditing:
    def test_answers_are_saved_and_word_limits_refused_naming_the_field(self, bid, provider_member):
        criteria = {c.name: c for c in bid.opportunity.criteria.all()}
        outcomes = criteria["Meeting the outcomes"]
        services.bid_answers_save(actor=provider_member, bid=bid, answers={outcomes.pk: "We will."}, now=NOW)
        with pytest.raises(ValidationFailed) as exc:
            services.bid_answers_save(
                actor=provider_member, bid=bid, answers={str(outcomes.pk): "word " * 1001}, now=NOW
            )
        assert list(exc.value.errors) == [f"answers-{outcomes.pk}"]
        assert BidAnswer.objects.get(bid=bid).text == "We will."

    def test_document_checked_by_content(self, bid, provider_admin):
        document = services.bid_document_add(
            actor=provider_admin, bid=bid, upload=SimpleUploadedFile("policy.pdf", PDF), title="Policy", now=NOW
        )
        assert document.sha256 == __import__("hashlib").sha256(PDF).hexdigest()
        assert document.content_type == "application/pdf"
        with pytest.raises(ValidationFailed) as exc:
            services.bid_document_add(
                actor=provider_admin, bid=bid, upload=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00rest"), now=NOW
            )
        assert "file" in exc.value.errors
        with pytest.raises(ValidationFailed):
            services.bid_document_add(
                actor=provider_admin, bid=bid, upload=SimpleUploadedFile("notes.exe", PDF), now=NOW
            )
        assert BidDocument.objects.count() == 1
        services.bid_document_remove(actor=provider_admin, document=document, now=NOW)
        assert not BidDocument.objects.exists()

    def test_files_over_the_size_limit_are_refused(self, bid, provider_admin, settings):
        settings.TRELLIS_MAX_UPLOAD_BYTES = 1024 * 1024
        big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
        with pytest.raises(ValidationFailed) as exc:
            services.bid_document_add(actor=provider_admin, bid=bid, upload=big, now=NOW)
        assert "smaller than 1 MB" in exc.value.errors["file"][0]
        assert not BidDocument.objects.exists()

    def test_budget_runs_the_full_cost_engine(self, bid, provider_admin):
        services.bid_budget_save(actor=provider_admin, bid=bid, budget=BUDGET, price="60000", now=NOW)
        bid.refresh_from_db()
        assert bid.price == Decimal("60000.00")
        # £60,000 direct + 3/4 of £8,000 premises by headcount; the rest is left to other activities.
        assert bid.budget_result["totals"]["full_cost"] == 66000.0
        assert bid.budget_result["totals"]["left_to_other_activities"] == 2000.0

    def test_bad_budget_and_price_are_named_and_nothing_saved(self, bid, provider_admin):
        bad = {"cost_centres": [{"name": "X", "direct_costs": "-5", "drivers": {}}], "overheads": []}
        with pytest.raises(ValidationFailed) as exc:
            services.bid_budget_save(actor=provider_admin, bid=bid, budget=bad, price="lots", now=NOW)
        assert "price" in exc.value.errors
        assert any(k.startswith("cost_centres[0]") for k in exc.value.errors)
        bid.refresh_from_db()
        assert bid.price is None and bid.budget == {}

    def test_budget_flags(self, bid, provider_admin):
        services.bid_budget_save(actor=provider_admin, bid=bid, budget=BUDGET, price="100000", now=NOW)
        flags = selectors.budget_flags(bid)
        assert [(f.field, f.level) for f in flags] == [("price", "flag")]  # above the £90,000 value
        services.bid_budget_save(actor=provider_admin, bid=bid, budget=BUDGET, price="50000", now=NOW)
        assert [(f.field, f.level) for f in selectors.budget_flags(bid)] == [("price", "warning")]  # below full cost

    def test_declarations(self, bid, provider_admin, provider_member):
        services.bid_declarations_sign(actor=provider_admin, bid=bid, keys=["no_collusion"], now=NOW)
        later = NOW + timedelta(hours=1)
        services.bid_declarations_sign(actor=provider_member, bid=bid, keys=list(DECLARATIONS), now=later)
        bid.refresh_from_db()
        assert bid.declarations["no_collusion"]["by"] == provider_admin.pk
        assert bid.declarations["full_cost"] == {"agreed": True, "by": provider_member.pk, "at": later.isoformat()}
        with pytest.raises(ValidationFailed):
            services.bid_declarations_sign(actor=provider_admin, bid=bid, keys=["nonsense"], now=NOW)
        bid.refresh_from_db()
        assert set(bid.declarations) == set(DECLARATIONS)

    def test_nothing_changes_after_the_deadline(self, bid, provider_admin):
        criterion = bid.opportunity.criteria.first()
        with pytest.raises(PermissionDenied) as exc:
            services.bid_answers_save(actor=provider_admin, bid=bid, answers={criterion.pk: "late"}, now=AFTER)
        assert format_deadline(bid.opportunity.closes_at) in exc.value.message
        assert not BidAnswer.objects.exists()


class TestSubmit:
    def test_submit_gives_a_receipt_that_verifies_and_notifies(self, ready_bid, provider_admin):
        mail.outbox.clear()
        with __import__("django.test", fromlist=["TestCase"]).TestCase.captureOnCommitCallbacks(execute=True):
            receipt = services.bid_submit(actor=provider_admin, bid=ready_bid, now=NOW)
        ready_bid.refresh_from_db()
        assert ready_bid.status == "submitted" and ready_bid.submitted_at == NOW
        assert receipt.number == f"R-{ready_bid.opportunity.reference}-0001"
        assert receipt.submitted_by == provider_admin and receipt.is_current
        assert selectors.receipt_verifies(receipt)
        assert receipt.content_sha256 == receipts.content_hash(selectors.submitted_content(ready_bid))
        note = Notification.objects.get(recipient=provider_admin)
        assert receipt.number in note.subject and receipt.content_sha256 in note.body
        assert len(mail.outbox) == 1 and receipt.number in mail.outbox[0].subject
        event = AuditEvent.objects.get(verb="bid.submitted")
        assert event.data["receipt"] == receipt.number
        assert SECRET not in str(event.data)

    def test_late_submission_refused_with_the_deadline_and_nothing_written(self, ready_bid, provider_admin):
        before = AuditEvent.objects.count()
        with pytest.raises(PermissionDenied) as exc:
            services.bid_submit(actor=provider_admin, bid=ready_bid, now=ready_bid.opportunity.closes_at)
        assert format_deadline(ready_bid.opportunity.closes_at) in exc.value.message
        ready_bid.refresh_from_db()
        assert ready_bid.status == "draft" and not Receipt.objects.exists()
        assert AuditEvent.objects.count() == before

    def test_the_service_itself_rechecks_the_deadline(self, ready_bid, provider_admin):
        # The permission passes a moment before; the locked re-check inside the transaction refuses.
        with pytest.raises((DeadlinePassed, PermissionDenied)):
            services.bid_submit(actor=provider_admin, bid=ready_bid, now=closes(40) + timedelta(microseconds=1))
        assert not Receipt.objects.exists()

    def test_missing_items_are_named(self, bid, provider_admin):
        with pytest.raises(ValidationFailed) as exc:
            services.bid_submit(actor=provider_admin, bid=bid, now=NOW)
        assert {"price", "budget", "declarations"} <= set(exc.value.errors)
        assert any(k.startswith("answers-") for k in exc.value.errors)
        bid.refresh_from_db()
        assert bid.status == "draft" and not Receipt.objects.exists()

    def test_a_failed_submit_saves_nothing_partial(self, ready_bid, provider_admin, monkeypatch):
        def broken(**kwargs):
            raise RuntimeError("the audit log is unavailable")

        monkeypatch.setattr(services, "audit_record", broken)
        with pytest.raises(RuntimeError):
            services.bid_submit(actor=provider_admin, bid=ready_bid, now=NOW)
        stored = Bid.objects.get(pk=ready_bid.pk)
        assert stored.status == "draft" and stored.submitted_at is None
        assert not Receipt.objects.exists() and not Notification.objects.exists()

    def test_withdraw_and_resubmit_makes_a_new_receipt_and_supersedes_the_old(self, submitted_bid, provider_admin):
        first = Receipt.objects.get()
        with pytest.raises(PermissionDenied, match="already been submitted"):
            services.bid_submit(actor=provider_admin, bid=submitted_bid, now=NOW)
        with pytest.raises(PermissionDenied):  # submitted: withdraw first
            answer_everything(submitted_bid, provider_admin, text="changed")
        services.bid_withdraw(actor=provider_admin, bid=submitted_bid, now=NOW + timedelta(days=1))
        assert submitted_bid.status == "withdrawn"
        answer_everything(submitted_bid, provider_admin, text="A better answer")
        second = services.bid_submit(actor=provider_admin, bid=submitted_bid, now=NOW + timedelta(days=2))
        first.refresh_from_db()
        assert first.superseded_at is not None and second.is_current
        assert second.number.endswith("-0002") and second.content_sha256 != first.content_sha256
        assert selectors.receipt_verifies(second) and not selectors.receipt_verifies(first)
        assert "bid.withdrawn" in audit_verbs() and "bid.resubmitted" in audit_verbs()

    def test_receipt_stops_verifying_if_stored_content_is_changed(self, submitted_bid):
        receipt = Receipt.objects.get()
        BidAnswer.objects.filter(bid=submitted_bid).update(text="tampered")
        assert not selectors.receipt_verifies(receipt)

    def test_cannot_withdraw_after_the_deadline(self, submitted_bid, provider_admin):
        with pytest.raises(PermissionDenied):
            services.bid_withdraw(actor=provider_admin, bid=submitted_bid, now=AFTER)
        submitted_bid.refresh_from_db()
        assert submitted_bid.status == "submitted"

    def test_resubmitting_a_withdrawn_bid_when_another_is_live_is_refused(self, submitted_bid, provider_admin):
        services.bid_withdraw(actor=provider_admin, bid=submitted_bid, now=NOW)
        other = services.bid_start(
            actor=provider_admin,
            opportunity=submitted_bid.opportunity,
            organisation=submitted_bid.organisation,
            now=NOW,
        )
        assert other.pk != submitted_bid.pk
        with pytest.raises(ValidationFailed) as exc:
            services.bid_submit(actor=provider_admin, bid=submitted_bid, now=NOW)
        assert "organisation" in exc.value.errors
        assert Receipt.objects.count() == 1


class TestOpening:
    def test_refused_before_the_deadline(self, submitted_bid, commissioner):
        with pytest.raises(PermissionDenied) as exc:
            services.opening_request(actor=commissioner, opportunity=submitted_bid.opportunity, now=NOW)
        assert format_deadline(submitted_bid.opportunity.closes_at) in exc.value.message
        assert not Opening.objects.exists()

    def test_refused_until_the_opportunity_is_closed(self, submitted_bid, commissioner):
        with pytest.raises(PermissionDenied):
            services.opening_request(actor=commissioner, opportunity=submitted_bid.opportunity, now=AFTER)
        assert not Opening.objects.exists()

    def test_only_officers_open(self, submitted_bid, closed, platform_admin, evaluator, provider_admin):
        for actor in (platform_admin, evaluator, provider_admin):
            with pytest.raises(PermissionDenied):
                services.opening_request(actor=actor, opportunity=closed, now=AFTER)
        assert not Opening.objects.exists()

    def test_one_person_opening_is_audited(self, submitted_bid, closed, commissioner):
        opening = services.opening_request(actor=commissioner, opportunity=closed, now=AFTER, two_openers=False)
        assert opening.is_complete and opening.opened_by == commissioner
        event = AuditEvent.objects.get(verb="bids.opened")
        assert event.actor == commissioner and event.data["bids"] == 1
        assert event.data["receipts"] == [Receipt.objects.get().number]
        with pytest.raises(PermissionDenied, match="already been opened"):
            services.opening_request(actor=commissioner, opportunity=closed, now=AFTER)

    def test_two_person_opening_needs_two_different_people(
        self, submitted_bid, closed, commissioner, procurement_officer, settings
    ):
        settings.TRELLIS_BIDS_TWO_PERSON_OPENING = True
        opening = services.opening_request(actor=commissioner, opportunity=closed, now=AFTER)
        assert opening.requires_two_openers and not opening.is_complete
        with pytest.raises(PermissionDenied):  # still sealed: half an opening opens nothing
            selectors.bids_for_opportunity(actor=commissioner, opportunity=closed)
        with pytest.raises(PermissionDenied):
            services.opening_confirm(actor=commissioner, opportunity=closed, now=AFTER)
        with pytest.raises(InvalidTransition):
            services.opening_request(actor=commissioner, opportunity=closed, now=AFTER)
        assert not Opening.objects.get().is_complete
        assert not AuditEvent.objects.filter(verb="bids.opened").exists()
        opening = services.opening_confirm(actor=procurement_officer, opportunity=closed, now=AFTER)
        assert opening.is_complete
        assert (opening.opened_by, opening.second_opener) == (commissioner, procurement_officer)
        assert AuditEvent.objects.filter(verb="bids.opened", actor=procurement_officer).exists()

    def test_a_second_officer_can_make_a_two_person_opening(
        self, submitted_bid, closed, make_person, council, commissioner
    ):
        colleague = make_person(Role.COMMISSIONER, council)
        services.opening_request(actor=commissioner, opportunity=closed, now=AFTER, two_openers=True)
        assert services.opening_confirm(actor=colleague, opportunity=closed, now=AFTER).second_opener == colleague
