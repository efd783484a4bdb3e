"""The demo's commissioning: six opportunities in varied states, one from a saved route decision, plus the three of
the evaluation story (each from its own decision), loaded once."""

from collections import Counter

from django.core import mail

from trellis.core.models import AuditEvent, Notification
from trellis.core.services import audit_verify
from trellis.demo import loader
from trellis.opportunities import selectors
from trellis.opportunities.models import AlertSubscription, Clarification, Opportunity
from trellis.routes.models import RouteDecision


def test_demo_opportunities_in_varied_states_loaded_once(demo_db):
    assert Opportunity.objects.count() == 6 + 3  # commissioning's six, and the evaluation story's three
    states = Counter(Opportunity.objects.values_list("status", flat=True))
    assert states == {"published": 2, "approved": 1, "draft": 1, "under_evaluation": 2, "closed": 1, "awarded": 2}
    kinds = set(Opportunity.objects.values_list("kind", flat=True))
    assert kinds == {"grant_round", "competitive_flexible", "open_tender", "framework", "market_engagement"}

    assert Opportunity.objects.filter(route_decision__isnull=False).count() == RouteDecision.objects.count() == 4
    from_decision = Opportunity.objects.get(title="Community mental health support for adults")
    decision = RouteDecision.objects.get(need_title="Community mental health support for adults")
    assert from_decision.route_decision == decision and from_decision.route == decision.chosen_route
    assert from_decision.estimated_value == 1_200_000 and from_decision.lots.count() == 3
    assert from_decision.stages == ["expression_of_interest", "shortlist", "tender", "dialogue", "final_tender"]

    grants = Opportunity.objects.get(title__startswith="Tackling loneliness")
    assert grants.lots.count() == 2 and grants.eligibility_items.count() == 4
    assert {c.template for c in grants.criteria.all()} >= {"local_connectedness", "user_involvement", "collaboration"}
    assert sum(c.weight for c in grants.criteria.all()) == 100
    assert len(selectors.clarifications_published(grants)) == 2
    assert Clarification.objects.filter(opportunity=grants, status="asked").count() == 1
    assert grants.documents.count() == 1

    for published in Opportunity.objects.filter(status="published"):
        assert selectors.publication_check(published, now=published.published_at).ready
    draft = Opportunity.objects.get(status="draft")
    assert not selectors.publication_check(draft).ready  # a draft still being written
    assert [o.title for o in selectors.forward_plan()][:2] == [
        "Community mental health support for adults",
        "Tackling loneliness: three-year befriending grants",
    ]
    assert AlertSubscription.objects.count() == 4
    assert audit_verify()[1] is None
    assert not mail.outbox and not Notification.objects.exists()

    events = AuditEvent.objects.count()
    again = loader.load()
    assert again.opportunities_created == 0
    assert Opportunity.objects.count() == 9 and RouteDecision.objects.count() == 4
    assert AuditEvent.objects.count() == events
