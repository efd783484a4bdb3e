"""A checklist item may name the accreditation evidence that shows an organisation meets it: saved with the item,
offered on the edit page, shown on the published opportunity; a kind that does not exist is refused, naming the row,
and nothing is saved."""

from __future__ import annotations

import re

import pytest

from trellis.core.errors import ValidationFailed
from trellis.opportunities import services
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403

pytestmark = pytest.mark.django_db

ITEMS = [
    {"text": "A constituted community group", "essential": True},
    {"text": "Has a safeguarding policy", "essential": True, "evidence_kind": "safeguarding_policy"},
]


def test_an_item_keeps_the_evidence_that_shows_it(draft, commissioner):
    services.eligibility_set(actor=commissioner, opportunity=draft, items=ITEMS)
    assert [(i.text, i.evidence_kind) for i in draft.eligibility_items.all()] == [
        ("A constituted community group", ""),
        ("Has a safeguarding policy", "safeguarding_policy"),
    ]


def test_an_unknown_kind_of_evidence_is_refused_and_nothing_is_saved(draft, commissioner):
    before = [(i.text, i.evidence_kind) for i in draft.eligibility_items.all()]
    with pytest.raises(ValidationFailed) as refused:
        services.eligibility_set(
            actor=commissioner, opportunity=draft, items=[ITEMS[0], {**ITEMS[1], "evidence_kind": "horoscope"}]
        )
    assert refused.value.errors == {
        "eligibility-1-evidence_kind": ["Choose a kind of evidence from the list, or none."]
    }
    assert [(i.text, i.evidence_kind) for i in draft.eligibility_items.all()] == before


def test_the_edit_page_offers_the_kinds_and_the_public_page_names_the_one_chosen(client, draft, commissioner):
    client.force_login(commissioner)
    page = client.get(f"/opportunities/{draft.public_id}/edit/eligibility/").content.decode()
    assert "Accreditation evidence that shows it" in page
    assert '<option value="safeguarding_policy">Safeguarding policy</option>' in page
    services.eligibility_set(actor=commissioner, opportunity=draft, items=ITEMS)
    page = client.get(f"/opportunities/{draft.public_id}/edit/eligibility/").content.decode()
    assert re.search(r'<option value="safeguarding_policy" selected>Safeguarding policy</option>', page)
    detail = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(f"/opportunities/{draft.public_id}/").content.decode())
    )
    assert (
        "Has a safeguarding policy Essential Met by verified evidence in the directory: Safeguarding policy." in detail
    )


def test_the_api_publishes_the_evidence_that_meets_each_item(client, published):
    from trellis.opportunities.models import EligibilityItem

    first = published.eligibility_items.first()
    EligibilityItem.objects.filter(pk=first.pk).update(evidence_kind="public_liability_insurance")
    body = client.get(f"/api/v1/opportunities/{published.public_id}").json()
    assert [i["evidence_kind"] for i in body["eligibility"]] == ["public_liability_insurance", "", ""]
