"""Opportunities: grant rounds, tenders, market engagement and frameworks, with their lots, eligibility
checklist, evaluation criteria, documents and clarification questions; and providers' alert subscriptions.

The rules live in ``trellis.opportunities.domain`` (pure Python); the status history is the audit log.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from trellis.core.models import BaseModel, Person
from trellis.opportunities.domain.criteria import Scale
from trellis.opportunities.domain.kinds import Kind
from trellis.opportunities.domain.lifecycle import PUBLIC_STATUSES, Status, status_shown
from trellis.opportunities.domain.methodology import Exclusion, PriceMethod, TieBreak
from trellis.organisations.domain.accreditation import EVIDENCE_LABELS, EvidenceKind
from trellis.organisations.models import UploadedDocument


class Opportunity(BaseModel):
    """One commissioning exercise, from its place on the forward plan to its award."""

    reference = models.CharField(max_length=40, unique=True, help_text="For example NB-2026-0007.")
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="opportunities")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=[(k.value, k.label) for k in Kind])
    status = models.CharField(
        max_length=20, choices=[(s.value, s.label) for s in Status], default=Status.DRAFT.value, db_index=True
    )
    summary = models.TextField(blank=True, help_text="A short, plain description for the forward plan.")
    specification = models.TextField(blank=True, help_text="The outcomes sought, not how to deliver them.")
    outcomes = models.TextField(blank=True, help_text="One outcome per line.")
    estimated_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Whole-life value including VAT, in pounds.",
    )
    duration_months = models.PositiveSmallIntegerField(null=True, blank=True)
    service_types = models.ManyToManyField("organisations.ServiceType", blank=True, related_name="opportunities")
    wards = models.ManyToManyField("places.Ward", blank=True, related_name="opportunities")
    consortium_bids_invited = models.BooleanField(default=False)

    framework = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="call_offs",
        help_text="For a call-off: the awarded framework it is made under.",
    )
    route_decision = models.ForeignKey(
        "routes.RouteDecision", null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    route = models.CharField(max_length=40, blank=True)
    regime = models.CharField(max_length=20, blank=True)

    planned_publish_on = models.DateField(null=True, blank=True, help_text="When it is expected to be published.")
    published_at = models.DateTimeField(null=True, blank=True)
    questions_close_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True, help_text="The deadline for bids (server time).")
    award_expected_on = models.DateField(null=True, blank=True)
    service_starts_on = models.DateField(null=True, blank=True)
    stages = models.JSONField(default=list, blank=True, help_text="Competitive flexible stages, in order.")
    stage_index = models.PositiveSmallIntegerField(default=0, help_text="Which of the stages it is in (from 0).")
    stage_history = models.JSONField(
        default=list, blank=True, help_text="Each finished submission stage: its stage, deadline and closing time."
    )
    show_bid_count_before_opening = models.BooleanField(default=False)

    # The assessment methodology, published with the criteria (see domain/methodology.py).
    price_method = models.CharField(
        max_length=30, choices=[(m.value, m.label) for m in PriceMethod], default=PriceMethod.RELATIVE_TO_LOWEST.value
    )
    exclusion_rule = models.CharField(
        max_length=10, choices=[(e.value, e.label) for e in Exclusion], default=Exclusion.EXCLUDE.value
    )
    tie_break = models.CharField(
        max_length=20, choices=[(t.value, t.label) for t in TieBreak], default=TieBreak.HIGHEST_QUALITY.value
    )
    min_quality_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="The least share of the quality marks a bid must reach, in per cent (blank for none).",
    )

    status_reason = models.TextField(blank=True, help_text="Why it was cancelled or not awarded.")
    closed_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True, help_text="Deadline reminders already sent (days).")

    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name_plural = "opportunities"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "closes_at"]),
            models.Index(fields=["place", "status"]),
            models.Index(fields=["planned_publish_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    def status_shown(self, audience: str = "") -> tuple[str, str]:
        """The label and tag colour of its status; ``audience="public"`` as the public see it (planned until
        published)."""
        return status_shown(self.status, public=audience == "public")

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def outcome_lines(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]


class Lot(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "number"], name="uniq_lot_number")]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class EligibilityItem(models.Model):
    """One line of the published checklist providers read before deciding to bid."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="eligibility_items")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    essential = models.BooleanField(default=True)
    evidence_kind = models.CharField(
        max_length=40,
        blank=True,
        choices=[(k.value, EVIDENCE_LABELS[k]) for k in EvidenceKind],
        help_text="Accreditation evidence that shows an organisation meets it (blank when only a confirmation does).",
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Criterion(models.Model):
    """An evaluation criterion, published with its weight and scale from day one."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=0)
    section = models.CharField(max_length=120, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)], help_text="Per cent"
    )
    scale = models.CharField(max_length=20, choices=[(s.value, s.label) for s in Scale], default=Scale.ZERO_FIVE.value)
    word_limit = models.PositiveIntegerField(null=True, blank=True)
    min_mark = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, help_text="The least mark a bid must reach (if any)."
    )
    is_price = models.BooleanField(default=False)
    template = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"

    @property
    def scale_label(self) -> str:
        return Scale(self.scale).label


def document_upload_to(instance: OpportunityDocument, filename: str) -> str:
    return f"opportunities/{instance.opportunity_id}/{uuid.uuid4().hex}-{filename}"


class OpportunityDocument(UploadedDocument):
    """A published document (specification, pricing schedule, draft contract). Checked by content on upload."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_upload_to, max_length=300)

    def __str__(self) -> str:
        return self.title


class ClarificationStatus(models.TextChoices):
    ASKED = "asked", "Asked"
    ANSWERED = "answered", "Answered, not yet published"
    PUBLISHED = "published", "Answer published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Clarification(models.Model):
    """A provider's question and the authority's answer. Published answers never say who asked."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="clarifications")
    asked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    asking_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ClarificationStatus.choices, default=ClarificationStatus.ASKED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["opportunity", "status"])]

    def __str__(self) -> str:
        return self.question[:80]


class FrameworkMember(models.Model):
    """A provider appointed to an awarded framework: only its people may bid for the framework's call-offs."""

    framework = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(default=timezone.now)
    appointed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["appointed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "organisation"], name="uniq_framework_member"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.framework}"


class StageParticipant(models.Model):
    """A provider chosen at a shortlist, dialogue or negotiation step: only these may submit to the next stage."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_participants")
    stage_index = models.PositiveSmallIntegerField(help_text="The index of the step at which it was chosen.")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["stage_index", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "stage_index", "organisation"], name="uniq_stage_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} at stage {self.stage_index + 1} of {self.opportunity}"


class ConflictsAssessment(models.Model):
    """The conflicts assessment prepared before the tender notice and kept under review (Procurement Act 2023 s.83).
    Never edited: each review is a new row, and the latest stands."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="conflicts_assessments")
    conflicts = models.TextField(help_text="The conflicts of interest, actual or potential, identified (or none).")
    mitigation = models.TextField(blank=True, help_text="The steps taken, or to be taken, to mitigate them.")
    declarations_sought = models.BooleanField(
        default=False, help_text="Everyone who can influence the procurement was asked to declare."
    )
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Conflicts assessment {self.pk} of {self.opportunity}"


class AlertSubscription(models.Model):
    """What a person wants to hear about: new opportunities for these service types and wards.

    Empty service types or wards mean any."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="opportunity_alerts")
    service_types = models.ManyToManyField("organisations.ServiceType", blank=True, related_name="+")
    wards = models.ManyToManyField("places.Ward", blank=True, related_name="+")
    email = models.BooleanField(default=True, help_text="Send an e-mail as well as an in-app message.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Alerts for {self.person}"
