"""Statuses as people see them: the labels and colours of the lifecycles, drawn by the one ``status_tag``."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from trellis.bids.domain import lifecycle as bid_lifecycle
from trellis.bids.models import Bid
from trellis.opportunities.domain import lifecycle
from trellis.opportunities.models import Opportunity

OPPORTUNITY_TAGS = {
    "draft": ("Draft", "grey"),
    "approved": ("Approved, not yet published", "blue"),
    "published": ("Open", "green"),
    "closed": ("Closed", "yellow"),
    "under_evaluation": ("Under evaluation", "yellow"),
    "awarded": ("Awarded", "purple"),
    "not_awarded": ("Not awarded", "red"),
    "cancelled": ("Cancelled", "red"),
}
BID_TAGS = {"draft": ("Draft", "blue"), "submitted": ("Submitted", "green"), "withdrawn": ("Withdrawn", "grey")}
OWN_BID_TAGS = {
    "draft": ("Draft: not submitted", "blue"),
    "submitted": ("Submitted", "green"),
    "withdrawn": ("Withdrawn: not submitted", "grey"),
}


def render(source: str, **context) -> str:
    return Template("{% load trellis %}" + source).render(Context(context))


@pytest.mark.parametrize(("status", "shown"), OPPORTUNITY_TAGS.items())
def test_every_opportunity_status_has_its_label_and_colour(status, shown):
    assert lifecycle.status_shown(status) == shown


@pytest.mark.parametrize(("status", "shown"), OPPORTUNITY_TAGS.items())
def test_the_public_see_an_unpublished_opportunity_only_as_planned(status, shown):
    expected = ("Planned", "grey") if status in {"draft", "approved"} else shown
    assert lifecycle.status_shown(status, public=True) == expected


def test_every_status_is_covered():
    assert set(OPPORTUNITY_TAGS) == {s.value for s in lifecycle.Status}
    assert set(BID_TAGS) == set(OWN_BID_TAGS) == {s.value for s in bid_lifecycle.BidStatus}


@pytest.mark.parametrize(("status", "shown"), BID_TAGS.items())
def test_every_bid_status_has_its_label_and_colour(status, shown):
    assert bid_lifecycle.status_shown(status) == shown
    assert bid_lifecycle.status_shown(status, own=True) == OWN_BID_TAGS[status]


def test_an_unknown_status_is_an_error_not_a_blank_tag():
    with pytest.raises(ValueError, match="'lost'"):
        lifecycle.status_shown("lost")
    with pytest.raises(ValueError, match="'lost'"):
        bid_lifecycle.status_shown("lost")


@pytest.mark.parametrize("status", OPPORTUNITY_TAGS)
def test_the_tag_draws_an_opportunity_in_its_colour(status):
    label, colour = OPPORTUNITY_TAGS[status]
    html = render("{% status_tag opp %}", opp=Opportunity(status=status))
    assert html == f'<strong class="govuk-tag govuk-tag--{colour}">{label}</strong>'


def test_the_tag_draws_an_opportunity_for_the_public():
    assert render('{% status_tag opp "public" %}', opp=Opportunity(status="approved")) == (
        '<strong class="govuk-tag govuk-tag--grey">Planned</strong>'
    )
    assert render('{% status_tag opp "public" %}', opp=Opportunity(status="published")) == (
        '<strong class="govuk-tag govuk-tag--green">Open</strong>'
    )


def test_the_tag_draws_a_bid_for_others_and_for_its_bidder_with_an_id():
    assert render("{% status_tag bid %}", bid=Bid(status="withdrawn")) == (
        '<strong class="govuk-tag govuk-tag--grey">Withdrawn</strong>'
    )
    assert render('{% status_tag bid "own" "bid-status" %}', bid=Bid(status="draft")) == (
        '<strong class="govuk-tag govuk-tag--blue" id="bid-status">Draft: not submitted</strong>'
    )
