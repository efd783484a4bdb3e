"""Bids: an organisation's (or a consortium's) sealed response to an opportunity, its answers, documents,
consortium roles, receipts, and the opening of the bids for an opportunity.

Bid content is sealed: read it only through ``trellis.bids.selectors``, which apply
``trellis.bids.permissions.can_view_bid_content``. The rules live in ``trellis.bids.domain``.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from trellis.bids.domain import lifecycle
from trellis.core.models import Person
from trellis.organisations.models import UploadedDocument


class BidStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Bid(models.Model):
    """One organisation's bid for an opportunity (or one lot of it). A consortium bids as its own
    Organisation record, led by its lead."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opportunity = models.ForeignKey("opportunities.Opportunity", on_delete=models.PROTECT, related_name="bids")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="bids")
    lot = models.ForeignKey("opportunities.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="bids")
    status = models.CharField(max_length=10, choices=BidStatus.choices, default=BidStatus.DRAFT, db_index=True)
    stage = models.CharField(
        max_length=30, blank=True, default="", help_text="For a procedure run in stages: the stage it was made for."
    )
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    price = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The bid price for the whole life of the contract or grant, in pounds.",
    )
    budget = models.JSONField(default=dict, blank=True, help_text="The full cost recovery input.")
    budget_result = models.JSONField(default=dict, blank=True, help_text="The full cost calculation at save.")
    declarations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "stage", "organisation", "lot"],
                condition=~Q(status="withdrawn") & Q(lot__isnull=False),
                name="uniq_live_bid_per_lot",
            ),
            models.UniqueConstraint(
                fields=["opportunity", "stage", "organisation"],
                condition=~Q(status="withdrawn") & Q(lot__isnull=True),
                name="uniq_live_bid_no_lot",
            ),
        ]
        indexes = [models.Index(fields=["opportunity", "status"])]

    def __str__(self) -> str:
        # Never content: the string shows up in logs and the admin site.
        return f"Bid {self.public_id}"

    @property
    def status_label(self) -> str:
        return BidStatus(self.status).label

    def status_shown(self, audience: str = "") -> tuple[str, str]:
        """The label and tag colour of its status; ``audience="own"`` as its bidder sees it."""
        return lifecycle.status_shown(self.status, own=audience == "own")


class BidAnswer(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("opportunities.Criterion", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["bid", "criterion"], name="uniq_bid_answer")]

    def __str__(self) -> str:
        return f"Answer to criterion {self.criterion_id}"


class BidEligibility(models.Model):
    """The bid's answer to one item of the opportunity's eligibility checklist ("yes", "no" or not answered), and,
    once submitted, the accreditation evidence that met it then. Part of the sealed content and its receipt."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="eligibility_answers")
    item = models.ForeignKey("opportunities.EligibilityItem", on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=3, blank=True, choices=[("yes", "Yes"), ("no", "No")])
    answered_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    evidence = models.JSONField(
        null=True, blank=True, help_text="The verified evidence that met the item when the bid was submitted."
    )

    class Meta:
        ordering = ["item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["bid", "item"], name="uniq_bid_eligibility")]
        verbose_name_plural = "bid eligibility answers"

    def __str__(self) -> str:
        return f"Eligibility answer {self.pk}"


def bid_document_upload_to(instance: BidDocument, filename: str) -> str:
    return f"bids/{instance.bid.public_id}/{uuid.uuid4().hex}-{filename}"


class BidDocument(UploadedDocument):
    """A document attached to a bid. Checked by content on upload; sealed with the bid, and served only after a
    permission check."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=bid_document_upload_to, max_length=300)

    def __str__(self) -> str:
        return f"Bid document {self.public_id}"


class ConsortiumRole(models.Model):
    """What each member of a consortium does in this bid, and its share (the shares total 100)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="consortium_roles")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=300)
    share_percent = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["-share_percent", "id"]
        constraints = [models.UniqueConstraint(fields=["bid", "organisation"], name="uniq_consortium_role")]

    def __str__(self) -> str:
        return f"Consortium role {self.pk}"


class Receipt(models.Model):
    """Proof of one submission: when, by whom, and the SHA-256 of exactly what was submitted."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="receipts")
    number = models.CharField(max_length=60, unique=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    content_sha256 = models.CharField(max_length=64)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Opening(models.Model):
    """The opening of an opportunity's bids after the deadline (of one stage, for a procedure run in stages).
    Optionally needs a second, different person."""

    opportunity = models.ForeignKey("opportunities.Opportunity", on_delete=models.PROTECT, related_name="openings")
    stage = models.CharField(max_length=30, blank=True, default="")
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    requires_two_openers = models.BooleanField(default=False)
    second_opener = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opportunity", "stage"], name="uniq_opening_per_stage")]

    def __str__(self) -> str:
        return f"Opening of opportunity {self.opportunity_id}"

    @property
    def is_complete(self) -> bool:
        return self.opened_at is not None


class ConflictDeclaration(models.Model):
    """A person's declaration, before seeing a bid, of whether they have a conflict of interest with its bidder.
    A declared conflict recuses them: nobody who declared one can read the bid, anywhere."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="conflict_declarations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    conflict = models.BooleanField()
    details = models.TextField(blank=True, help_text="What the conflict is (required when there is one).")
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["declared_at", "id"]
        constraints = [models.UniqueConstraint(fields=["bid", "person"], name="uniq_conflict_declaration")]

    def __str__(self) -> str:
        return f"Conflict declaration {self.pk}"
