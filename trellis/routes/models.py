"""The route advisor's data: the cost assumptions behind the cost of competing, and decision records.

The rules themselves live in ``trellis.routes.domain`` (pure Python); these tables only hold what an
administrator may tune (cost assumptions) and what people decided (decision records).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from trellis.core.models import BaseModel, Person


class CostAssumption(models.Model):
    """One default behind the cost of competing (a day rate, staff days for a stage, a bid cost by size band).

    Seeded from the engine's dated data table; an administrator may change the value, and must say
    what it assumes and where it comes from."""

    key = models.CharField(max_length=80, unique=True)
    value = models.DecimalField(max_digits=16, decimal_places=4)
    unit = models.CharField(max_length=60, blank=True)
    assumption = models.TextField(help_text="What this number assumes, in plain English.")
    source = models.TextField(help_text="Where the number comes from.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} {self.unit}".strip()


class RouteDecision(BaseModel):
    """A commissioner's choice of route for a need, with the facts and the advice as they were.

    Records are never changed: revising a decision saves a new record that supersedes the old one."""

    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="route_decisions")
    need_title = models.CharField(max_length=200)
    need_description = models.TextField(blank=True)
    facts = models.JSONField(help_text="The facts about the need, as given to the advisor.")
    advice = models.JSONField(help_text="The advisor's whole answer at the time.")
    recommended_route = models.CharField(max_length=40)
    chosen_route = models.CharField(max_length=40)
    rationale = models.TextField(blank=True, help_text="Why this route was chosen.")
    cost_assumptions = models.JSONField(default=list, help_text="The cost assumptions used, as they were.")
    decided_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="route_decisions")
    decided_at = models.DateTimeField(default=timezone.now)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["place", "decided_at"])]

    def __str__(self) -> str:
        return self.need_title

    @property
    def follows_advice(self) -> bool:
        return self.chosen_route == self.recommended_route
