"""The evaluation's setting-up pages: starting it from the opportunity, the overview, the rules, the panel and
starting scoring. Officers set it up; anyone else gets 403 or 404 and nothing changes; bad input is named on
the page and nothing is saved."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from trellis.core.models import AuditEvent
from trellis.evaluation import services
from trellis.evaluation.models import Evaluation, PanelMember
from trellis.evaluation.tests.fixtures import *  # noqa: F403
from trellis.evaluation.tests.fixtures import AFTER
from trellis.evaluation.tests.pages import field_error, summary, text

pytestmark = pytest.mark.django_db


def start_url(opportunity) -> str:
    return f"/evaluation/opportunity/{opportunity.public_id}/"


def page(evaluation, rest: str = "") -> str:
    return f"/evaluation/{evaluation.public_id}/{rest}"


def _state(evaluation) -> tuple:
    """Everything the setting-up pages could change."""
    evaluation.refresh_from_db()
    members = sorted(
        (m.person_id, m.role, m.is_moderator, tuple(sorted(c.pk for c in m.criteria.all())))
        for m in PanelMember.objects.filter(evaluation=evaluation)
    )
    rules = (evaluation.state, evaluation.divergence_threshold, evaluation.price_envelope)
    return rules, tuple(members)


# Starting ----------------------------------------------------------------------------------------------------------


def test_an_officer_starts_the_evaluation_from_the_opportunity(client, two_bids, published, procurement_officer):
    client.force_login(procurement_officer)
    manage = client.get(f"/opportunities/{published.public_id}/manage/")
    assert manage.status_code == 200
    assert f'href="{start_url(published)}">Set up the evaluation' in manage.content.decode()

    start = client.get(start_url(published))
    assert start.status_code == 200
    assert "Start setting up the evaluation" in text(start)
    assert "declaring whether they have a conflict of interest" in text(start)

    response = client.post(start_url(published))
    evaluation = Evaluation.objects.get(opportunity=published)
    assert response.status_code == 302 and response["Location"] == page(evaluation)
    assert AuditEvent.objects.filter(verb="evaluation.started").count() == 1
    assert evaluation.created_by == procurement_officer

    again = client.get(start_url(published))
    assert again.status_code == 302 and again["Location"] == page(evaluation)
    assert (
        f'href="{start_url(published)}">Go to the evaluation'
        in client.get(f"/opportunities/{published.public_id}/manage/").content.decode()
    )


def test_the_evaluation_cannot_start_before_the_bids_are_under_evaluation(client, published, procurement_officer):
    client.force_login(procurement_officer)
    response = client.get(start_url(published))
    assert response.status_code == 200
    assert "Start setting up the evaluation" not in text(response)
    assert "once the bids are opened and the opportunity is under evaluation" in text(response)
    refused = client.post(start_url(published))
    assert refused.status_code == 200
    assert "Start the opportunity's evaluation" in summary(refused)
    assert not Evaluation.objects.exists()
    assert "Set up the evaluation" not in text(client.get(f"/opportunities/{published.public_id}/manage/"))


def test_only_officers_may_start_an_evaluation(client, two_bids, published, provider_admin, outsider):
    for person in (provider_admin, outsider):
        client.force_login(person)
        assert client.get(start_url(published)).status_code == 403
        refused = client.post(start_url(published))
        assert refused.status_code == 403
        assert "Only the council's commissioners and procurement officers" in text(refused)
    client.logout()
    assert client.post(start_url(published)).status_code == 302  # to sign in
    assert not Evaluation.objects.exists()
    assert not AuditEvent.objects.filter(verb="evaluation.started").exists()


def test_people_off_the_panel_get_403_or_404_on_every_page_and_change_nothing(
    client, evaluation, two_bids, provider_admin, other_provider_admin, outsider, evaluator_a, procurement_officer
):
    member = PanelMember.objects.get(evaluation=evaluation, person=evaluator_a)
    mine, _ = two_bids
    setup_posts = {
        page(evaluation, "rules/"): {"divergence_percent": "30", "price_envelope": "on"},
        page(evaluation, "panel/"): {"person": str(outsider.pk), "role": "external_expert", "is_moderator": "on"},
        page(evaluation, f"panel/{member.pk}/remove/"): {},
        page(evaluation, "start-scoring/"): {},
    }  # fmt: skip
    before = _state(evaluation)
    for person in (provider_admin, other_provider_admin, outsider, evaluator_a):
        client.force_login(person)
        for url in (page(evaluation), page(evaluation, "rules/"), page(evaluation, "panel/")):
            status = client.get(url).status_code
            assert status == (200 if person == evaluator_a else 404), (person, url)
        for url, data in setup_posts.items():
            assert client.post(url, data).status_code in (403, 404), (person, url)
    assert _state(evaluation) == before

    services.evaluation_move(actor=procurement_officer, evaluation=evaluation, move="start_scoring", now=AFTER)
    for person in (provider_admin, outsider):
        client.force_login(person)
        for rest in (f"bids/{mine.public_id}/declare/", f"bids/{mine.public_id}/"):
            assert client.get(page(evaluation, rest)).status_code == 404, (person, rest)
            assert client.post(page(evaluation, rest), {"conflict": "no", "action": "submit"}).status_code == 404
    assert not mine.conflict_declarations.exists()


# The overview ------------------------------------------------------------------------------------------------------


def test_the_overview_shows_the_state_rules_and_panel(client, evaluation, procurement_officer):
    client.force_login(procurement_officer)
    response = client.get(page(evaluation))
    assert response.status_code == 200
    body = text(response)
    assert "Setting up the panel" in body
    assert evaluation.opportunity.reference in body and evaluation.opportunity.title in body
    assert "Relative to the lowest price" in body  # the default price method, in words
    assert "The higher quality score wins" in body
    for name in ("Ada Marsh", "Ben Okafor", "Cath Doyle", "Tom Whitaker"):
        assert name in body
    assert "Citizen commissioner" in body and "External expert" in body
    assert "Start scoring" in body
    assert f'href="{page(evaluation, "rules/")}"' in response.content.decode()
    assert f'href="{page(evaluation, "panel/")}"' in response.content.decode()


def test_officers_see_progress_but_never_the_marks(client, scoring, two_bids, commissioner, evaluator_b, quality):
    mine, _ = two_bids
    services.conflict_declare(actor=evaluator_b, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    services.marks_save(
        actor=evaluator_b,
        evaluation=scoring,
        bid=mine,
        marks={c.pk: (4, "A private reason from Ben") for c in quality},
        submit=True,
        now=AFTER,
    )
    client.force_login(commissioner)
    body = text(client.get(page(scoring)))
    assert "Scoring and moderation" in body
    assert "Brookfield Community Pantry 1 of 3" in body  # two evaluators and the citizen mark it
    assert "Hollin Bank Carers' Centre 0 of 3" in body
    assert "A private reason from Ben" not in body
    assert "Start scoring" not in body


def test_a_member_sees_each_bid_as_a_number_until_declaring_then_their_progress(
    client, scoring, two_bids, evaluator_a, quality
):
    mine, theirs = two_bids
    client.force_login(evaluator_a)
    response = client.get(page(scoring))
    body = text(response)
    assert "Bid 1 Not declared" in body and "Bid 2 Not declared" in body
    assert "Brookfield" not in body and "Hollin Bank" not in body
    assert f'href="{page(scoring, f"bids/{mine.public_id}/declare/")}"' in response.content.decode()

    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    services.conflict_declare(
        actor=evaluator_a, evaluation=scoring, bid=theirs, conflict=True, details="I am a trustee.", now=AFTER
    )
    body = text(client.get(page(scoring)))
    # a conflict with one bidder recuses the member from every bid in the lot (here the whole opportunity)
    assert "Bid 1 Recused: a conflict with a bidder in this lot" in body
    assert "Bid 2 Conflict declared: recused" in body
    assert "Brookfield" not in body and "Hollin Bank" not in body


def test_a_member_with_no_conflict_follows_their_progress(client, scoring, two_bids, evaluator_a, quality):
    mine, _ = two_bids
    client.force_login(evaluator_a)
    for bid in two_bids:
        services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=bid, conflict=False, now=AFTER)
    assert "Brookfield Community Pantry Not marked yet" in text(client.get(page(scoring)))
    services.marks_save(actor=evaluator_a, evaluation=scoring, bid=mine, marks={quality[0].pk: (3, "Fair")})
    assert "Brookfield Community Pantry Marks in draft" in text(client.get(page(scoring)))
    services.marks_save(
        actor=evaluator_a, evaluation=scoring, bid=mine, marks={c.pk: (3, "Fair") for c in quality}, submit=True
    )
    assert "Brookfield Community Pantry Marks submitted See the panel’s marks" in text(client.get(page(scoring)))


def test_starting_scoring_without_a_moderator_names_what_is_missing(
    client, setting_up, procurement_officer, citizen, user_involvement
):
    services.panel_member_set(
        actor=procurement_officer, evaluation=setting_up, person=citizen, role="citizen_commissioner",
        criteria=[user_involvement.pk], now=AFTER,
    )  # fmt: skip
    client.force_login(procurement_officer)
    before = _state(setting_up)
    response = client.post(page(setting_up, "start-scoring/"))
    assert response.status_code == 200
    errors = summary(response)
    assert f"{page(setting_up, 'panel/')} Choose a moderator for the panel." in errors
    assert "Nobody on the panel marks “Meeting the outcomes”." in errors
    assert _state(setting_up) == before


def test_starting_scoring_fixes_the_panel(client, evaluation, procurement_officer):
    client.force_login(procurement_officer)
    response = client.post(page(evaluation, "start-scoring/"))
    assert response.status_code == 302 and response["Location"] == page(evaluation)
    evaluation.refresh_from_db()
    assert evaluation.state == "scoring"
    body = text(client.get(page(evaluation)))
    assert "Scoring has started" in body and "Start scoring" not in body
    assert client.post(page(evaluation, "start-scoring/")).status_code == 403


# The rules ---------------------------------------------------------------------------------------------------------


GOOD_RULES = {"divergence_percent": "20", "price_envelope": "on"}


def test_the_rules_page_shows_the_published_methodology_and_saves_the_panel_settings(
    client, setting_up, procurement_officer
):
    opportunity = setting_up.opportunity
    opportunity.tie_break = "lowest_price"  # as if published that way
    opportunity.min_quality_percent = Decimal("40")
    opportunity.save(update_fields=["tie_break", "min_quality_percent"])
    client.force_login(procurement_officer)
    form = client.get(page(setting_up, "rules/"))
    assert form.status_code == 200
    body = text(form)
    assert "score = max points × lowest price ÷ bid price" in body  # the published method, with its formula
    assert "The lower price wins" in body and "40% of the available quality marks" in body
    assert 'name="price_method"' not in form.content.decode()  # published: shown, never edited here
    assert 'value="25"' in form.content.decode()  # the default threshold, as a percentage
    response = client.post(page(setting_up, "rules/"), GOOD_RULES)
    assert response.status_code == 302 and response["Location"] == page(setting_up)
    setting_up.refresh_from_db()
    assert setting_up.divergence_threshold == Decimal("0.2")
    assert setting_up.price_envelope is True
    body = text(client.get(page(setting_up)))
    assert "more than 20% of the scale apart" in body


def test_bad_settings_are_named_and_nothing_is_saved(client, setting_up, procurement_officer):
    client.force_login(procurement_officer)
    before = _state(setting_up)
    response = client.post(page(setting_up, "rules/"), {**GOOD_RULES, "divergence_percent": "12.5"})
    assert response.status_code == 200
    assert "divergence threshold as a whole number from 1 to 100" in field_error(response, "id_divergence_percent")
    assert "#id_divergence_percent" in summary(response)
    assert _state(setting_up) == before
    assert not AuditEvent.objects.filter(verb="evaluation.rules_set").exists()


def test_the_rules_are_read_only_once_scoring_starts(client, scoring, procurement_officer):
    client.force_login(procurement_officer)
    response = client.get(page(scoring, "rules/"))
    assert response.status_code == 200
    assert "fixed once scoring has started" in text(response)
    assert "Save the settings" not in text(response) and "<form" not in response.content.decode().split("<main")[1]
    before = _state(scoring)
    assert client.post(page(scoring, "rules/"), GOOD_RULES).status_code == 403
    assert _state(scoring) == before


# The panel ---------------------------------------------------------------------------------------------------------


def test_adding_changing_and_removing_a_panel_member(client, setting_up, procurement_officer, evaluator_a, quality):
    client.force_login(procurement_officer)
    form = client.get(page(setting_up, "panel/"))
    assert form.status_code == 200
    assert "Ada Marsh" in text(form) and "Nobody is on the panel yet" in text(form)
    assert "Meeting the outcomes (50%)" in text(form)

    added = client.post(
        page(setting_up, "panel/"),
        {"person": str(evaluator_a.pk), "role": "external_expert", "criteria": [str(c.pk) for c in quality]},
    )
    assert added.status_code == 302
    member = PanelMember.objects.get(evaluation=setting_up, person=evaluator_a)
    assert member.role == "external_expert" and not member.is_moderator
    assert {c.pk for c in member.criteria.all()} == {c.pk for c in quality}

    change = client.get(page(setting_up, f"panel/?change={member.pk}"))
    assert re.search(rf'value="{evaluator_a.pk}"[^>]*selected', change.content.decode())
    client.post(
        page(setting_up, "panel/"),
        {"person": str(evaluator_a.pk), "role": "officer", "criteria": [str(quality[0].pk)], "is_moderator": "on"},
    )
    member.refresh_from_db()
    assert member.role == "officer" and member.is_moderator
    assert [c.pk for c in member.criteria.all()] == [quality[0].pk]
    assert PanelMember.objects.filter(evaluation=setting_up).count() == 1

    removed = client.post(page(setting_up, f"panel/{member.pk}/remove/"))
    assert removed.status_code == 302
    assert not PanelMember.objects.filter(evaluation=setting_up).exists()
    assert "Ada Marsh is no longer on the panel" in text(client.get(removed["Location"]))


def test_bad_panel_input_is_named_and_changes_nothing(
    client, setting_up, procurement_officer, evaluator_a, provider_admin, quality
):
    client.force_login(procurement_officer)
    empty = client.post(page(setting_up, "panel/"), {})
    assert field_error(empty, "id_person") == "Choose the person to put on the panel."
    assert field_error(empty, "id_role") == "Choose what the person is on the panel as."

    provider = client.post(page(setting_up, "panel/"), {"person": str(provider_admin.pk), "role": "officer"})
    assert field_error(provider, "id_person") == "Choose the person to put on the panel from the list."

    wrong_role = client.post(
        page(setting_up, "panel/"),
        {"person": str(evaluator_a.pk), "role": "citizen_commissioner", "criteria": [str(quality[0].pk)]},
    )
    assert wrong_role.status_code == 200
    assert "must be a citizen commissioner" in field_error(wrong_role, "id_person")
    assert "#id_person" in summary(wrong_role)

    nothing_to_do = client.post(page(setting_up, "panel/"), {"person": str(evaluator_a.pk), "role": "officer"})
    assert field_error(nothing_to_do, "id_criteria") == (
        "Choose the criteria this person marks (or make them the moderator)."
    )
    assert not PanelMember.objects.exists()
    assert not AuditEvent.objects.filter(verb="evaluation.panel_member_set").exists()


def test_the_panel_is_read_only_once_scoring_starts(client, scoring, procurement_officer, outsider, evaluator_a):
    client.force_login(procurement_officer)
    response = client.get(page(scoring, "panel/"))
    assert response.status_code == 200
    assert "Ada Marsh" in text(response) and "Remove" not in text(response)
    member = PanelMember.objects.get(evaluation=scoring, person=evaluator_a)
    before = _state(scoring)
    assert client.post(page(scoring, f"panel/{member.pk}/remove/")).status_code == 403
    assert client.post(page(scoring, "panel/"), {"person": str(outsider.pk), "role": "officer"}).status_code == 403
    assert _state(scoring) == before


def test_a_platform_admin_is_not_offered_the_evaluation(client, two_bids, published, platform_admin):
    """Platform admins run the platform; they may read the Manage page but take no part in an evaluation."""
    client.force_login(platform_admin)
    manage = client.get(f"/opportunities/{published.public_id}/manage/")
    assert manage.status_code == 200 and "evaluation-link" not in manage.content.decode()
    assert client.post(start_url(published)).status_code in (403, 404)
    assert not Evaluation.objects.exists()
