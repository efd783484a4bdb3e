"""A held document's review status, as its tag shows it: the label and colour come from the accreditation rules."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from trellis.organisations.domain.accreditation import review_status_shown
from trellis.organisations.models import EvidenceDocument, EvidenceStatus


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("pending", ("Awaiting verification", "blue")),
        ("verified", ("Verified", "green")),
        ("rejected", ("Not accepted", "red")),
        ("", ("Awaiting verification", "blue")),
    ],
)
def test_each_review_status_has_its_label_and_colour(status, shown):
    assert review_status_shown(status) == shown


def test_every_review_status_is_shown_with_the_label_the_admin_uses():
    for status in EvidenceStatus:
        assert review_status_shown(status.value)[0] == status.label


def test_the_tag_draws_a_document_in_its_colour():
    html = Template("{% load trellis %}{% status_tag doc %}").render(
        Context({"doc": EvidenceDocument(status="rejected")})
    )
    assert html == '<strong class="govuk-tag govuk-tag--red">Not accepted</strong>'
