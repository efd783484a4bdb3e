"""Evaluation: the panel that scores an opportunity's opened bids, their independent marks, the moderated consensus,
and the award decision with its standstill.

The rules live in ``trellis.evaluation.domain`` (the scoring engine and the workflow); every change is in the
audit log. Bid content is read only through ``trellis.evaluation.selectors``, which apply
``trellis.evaluation.permissions`` on top of the bids' own sealed rule.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from trellis.core.models import BaseModel, Person
from trellis.evaluation.domain.award import SUSPENSION_ENDINGS
from trellis.evaluation.domain.low_price import Outcome
from trellis.evaluation.domain.scheme import DEFAULT_DIVERGENCE
from trellis.evaluation.domain.workflow import PanelRole, State


class Evaluation(BaseModel):
    """The evaluation of one opportunity's final-stage bids. The assessment methodology (price method,
    disqualification rule, tie-break, minimum marks) is the one the opportunity published; the panel adds its own
    working settings: the divergence threshold and the price envelope."""

    opportunity = models.OneToOneField("opportunities.Opportunity", on_delete=models.PROTECT, related_name="evaluation")
    state = models.CharField(max_length=20, choices=[(s.value, s.label) for s in State], default=State.SETTING_UP.value)
    divergence_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=DEFAULT_DIVERGENCE,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="The spread of evaluators' marks, as a share of the scale, above which a criterion is flagged.",
    )
    price_envelope = models.BooleanField(
        default=False, help_text="Prices are opened to the quality evaluators only after quality is moderated."
    )
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Evaluation of opportunity {self.opportunity_id}"

    @property
    def state_label(self) -> str:
        return State(self.state).label


class PanelMember(models.Model):
    """A person on the panel, what they are there as, which criteria they mark, and whether they moderate."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="panel_places")
    role = models.CharField(max_length=30, choices=[(r.value, r.label) for r in PanelRole])
    criteria = models.ManyToManyField("opportunities.Criterion", blank=True, related_name="+")
    is_moderator = models.BooleanField(default=False)
    added_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "person"], name="uniq_panel_member")]

    def __str__(self) -> str:
        return f"Panel member {self.pk}"

    @property
    def role_label(self) -> str:
        return PanelRole(self.role).label


class ScoreSheet(models.Model):
    """One member's marks for one bid: drafted, then submitted (after which they cannot be changed)."""

    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="sheets")
    bid = models.ForeignKey("bids.Bid", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "bid"], name="uniq_score_sheet")]

    def __str__(self) -> str:
        return f"Score sheet {self.pk}"


class Mark(models.Model):
    """An independent mark for one criterion, with the justification the evaluator gives for it."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey("opportunities.Criterion", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=6, decimal_places=2)
    justification = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="uniq_mark")]

    def __str__(self) -> str:
        return f"Mark {self.pk}"


class ConsensusMark(models.Model):
    """The moderated mark for one bid and criterion, and the rationale the assessment summary quotes."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="consensus")
    bid = models.ForeignKey("bids.Bid", on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey("opportunities.Criterion", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=6, decimal_places=2)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bid", "criterion"], name="uniq_consensus_mark")]

    def __str__(self) -> str:
        return f"Consensus mark {self.pk}"


class AwardDecision(models.Model):
    """The recommendation and its approval: which bid wins (one per lot; none for no award), why, and the
    standstill. ``result`` keeps the engine's input and output at the time (per lot), so the published decision
    can be recomputed."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="decision")
    winning_bids = models.ManyToManyField("bids.Bid", blank=True, related_name="+")
    rationale = models.TextField()
    #: for no award: what every bidder is told (the rationale is internal: for the approver and the audit file)
    reason_for_bidders = models.TextField(blank=True)
    #: the winning tender's reasons withheld from the other bidders' summaries, ``{criterion id: ground}`` (s.94)
    withheld = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict)
    recommended_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recommended_at = models.DateTimeField()
    approved_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    #: the approver declared, when approving, no conflict of interest with any bidder (Procurement Act 2023 s.81)
    approver_declared_no_conflict = models.BooleanField(default=False)
    #: a mandatory standstill applies to the route (set at approval; it starts with the award notice)
    standstill_applies = models.BooleanField(default=False)
    standstill_reason = models.CharField(max_length=300, blank=True)
    #: the award notice that starts the standstill: its day, entered by an officer (#14 will publish it)
    award_notice_published_on = models.DateField(null=True, blank=True)
    award_notice_recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: mandatory, voluntary or none, once the notice is published
    standstill_kind = models.CharField(max_length=12, blank=True)
    standstill_last_day = models.DateField(null=True, blank=True)
    standstill_source = models.TextField(blank=True)
    exclusions_checked_on = models.DateField(null=True, blank=True)
    exclusions_checked_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    exclusions_note = models.TextField(blank=True)
    contract_entered_on = models.DateField(null=True, blank=True)
    contract_entered_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    #: the notice due after the contract (the contract details notice under the Act) and its last day
    contract_notice_name = models.CharField(max_length=100, blank=True)
    contract_notice_due = models.DateField(null=True, blank=True)
    contract_notice_source = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Award decision {self.pk}"

    @property
    def is_award(self) -> bool:
        return self.winning_bids.exists()


class Challenge(models.Model):
    """A claim against the award notified to the authority during the standstill: it suspends entry into the
    contract (Procurement Act 2023 s.101) until the court lifts the suspension or the claim is withdrawn."""

    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT, related_name="challenges")
    claimant = models.CharField(max_length=200)
    notified_on = models.DateField()
    summary = models.TextField()
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    ended_on = models.DateField(null=True, blank=True)
    #: how the suspension ended: ``lifted_by_court`` or ``withdrawn`` (``award.SUSPENSION_ENDINGS``)
    ended_how = models.CharField(max_length=20, blank=True)
    end_note = models.TextField(blank=True)
    ended_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["notified_on", "id"]

    def __str__(self) -> str:
        return f"Challenge {self.pk}"

    @property
    def stands(self) -> bool:
        return self.ended_on is None

    @property
    def ended_how_label(self) -> str:
        return SUSPENSION_ENDINGS.get(self.ended_how, "")


class LowPriceReview(models.Model):
    """The steps taken for a tender whose price may be abnormally low (Procurement Act 2023 s.19(4)–(5)): the
    supplier asked to explain by a day, its explanation, and the decision to accept or disregard the tender."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="low_price_reviews")
    bid = models.ForeignKey("bids.Bid", on_delete=models.PROTECT, related_name="+")
    asked_on = models.DateField()
    due_on = models.DateField()
    asked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    explanation = models.TextField(blank=True)
    received_on = models.DateField(null=True, blank=True)
    #: ``accepted`` or ``disregarded`` (``low_price.Outcome``); "" until decided
    outcome = models.CharField(max_length=12, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "bid"], name="uniq_low_price_review")]

    def __str__(self) -> str:
        return f"Low price review {self.pk}"

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome else ""
