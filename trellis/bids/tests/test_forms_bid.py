"""The bid forms on their own: what they accept, and the errors they give, each naming its field."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from trellis.bids.domain import bidding
from trellis.bids.domain.fcr import CostInput
from trellis.bids.forms.bid import (
    AnswersForm,
    ConsortiumForm,
    DeclarationsForm,
    PriceForm,
    StartBidForm,
    budget_initial,
)
from trellis.bids.forms.fcr import FullCostForms


def criterion(pk, name, *, limit=None, is_price=False):
    return SimpleNamespace(
        pk=pk,
        name=name,
        description="",
        weight=Decimal("25.00"),
        scale_label="0 to 5",
        word_limit=limit,
        is_price=is_price,
    )


def test_answers_form_has_a_box_per_written_question_and_none_for_the_price():
    form = AnswersForm(criteria=[criterion(1, "Outcomes", limit=3), criterion(2, "Price", is_price=True)])
    assert list(form.fields) == ["answer_1"]
    assert form.fields["answer_1"].help_text == "Weight: 25%. Scored on the 0 to 5 scale. Up to 3 words."


def test_answers_form_refuses_an_answer_over_its_limit_but_accepts_blank_drafts():
    criteria = [criterion(1, "Outcomes", limit=3), criterion(2, "Local links")]
    form = AnswersForm({"answer_1": "one two three four", "answer_2": ""}, criteria=criteria)
    assert not form.is_valid()
    assert form.errors["answer_1"] == ["Your answer to “Outcomes” must be 3 words or fewer. It is 4 words: cut 1."]
    blank = AnswersForm({"answer_1": "", "answer_2": ""}, criteria=criteria)
    assert blank.is_valid() and blank.answers() == {1: "", 2: ""}
    assert "(optional)" not in str(blank)


def test_answers_form_maps_the_services_field_names_to_its_own():
    form = AnswersForm(criteria=[criterion(7, "Outcomes")])
    assert form.field_map()[bidding.answer_field(7)] == "answer_7"


def test_price_form_reads_pounds_as_typed_and_names_the_field_when_wrong():
    assert PriceForm({"price": "£12,500.50"}).is_valid()
    form = PriceForm({"price": "£12,500.50"})
    form.is_valid()
    assert form.cleaned_data["price"] == Decimal("12500.50")
    for bad, message in (("lots", "must be an amount of money"), ("-5", "£0 or more"), ("1.234", "2 decimal places")):
        form = PriceForm({"price": bad})
        assert not form.is_valid()
        assert message in form.errors["price"][0] and "Your bid price" in form.errors["price"][0]


def test_declarations_form_names_each_statement_not_ticked():
    form = DeclarationsForm({"declarations": ["no_collusion", "information_true", "conflicts_declared"]})
    assert not form.is_valid()
    assert form.errors["declarations"] == [f"Tick to confirm: “{bidding.DECLARATIONS['full_cost']}”"]
    assert DeclarationsForm({"declarations": list(bidding.DECLARATIONS)}).is_valid()
    assert DeclarationsForm({}).errors["declarations"] == ["Tick every statement to confirm it is true."]


def test_consortium_form_checks_each_share_is_a_percentage():
    members = [SimpleNamespace(pk=1, name="Lead"), SimpleNamespace(pk=2, name="Partner")]
    form = ConsortiumForm(
        {"role_1": "Leads", "share_1": "150", "role_2": "", "share_2": "40"}, members=members, roles={}
    )
    assert not form.is_valid()
    assert form.errors["share_1"] == ["Lead’s share must be a number from 0 to 100."]
    assert form.errors["role_2"] == ["Enter what Partner will do."]
    good = ConsortiumForm(
        {"role_1": "Leads", "share_1": "60%", "role_2": "Outreach", "share_2": "40"}, members=members, roles={}
    )
    assert good.is_valid()
    assert [r["share_percent"] for r in good.roles()] == [Decimal("60"), Decimal("40")]
    assert good.field_map()["roles-1-share_percent"] == "share_2"


def test_start_form_with_one_organisation_hides_the_choice_and_shows_errors_above_the_form():
    org = SimpleNamespace(pk=5, name="Brookfield")
    form = StartBidForm({"organisation": "9"}, organisations=[org], lots=[])
    assert not form.is_valid()
    assert "organisation" not in form.errors and form.non_field_errors()
    lot = SimpleNamespace(pk=3, number=1, title="North")
    form = StartBidForm({"organisation": "5"}, organisations=[org], lots=[lot])
    assert form.errors["lot"] == ["Select the lot you are bidding for."]


def test_a_saved_budget_comes_back_into_the_calculator_forms_unchanged():
    budget = {
        "cost_centres": [{"name": "Scheme", "direct_costs": 70000.0, "drivers": {"headcount": 3}, "price": 80000.5}],
        "overheads": [{"name": "Rent", "amount": 12000.0, "driver": "headcount"}],
        "driver_totals": {"headcount": 6},
    }
    initial = budget_initial(budget)
    assert initial["centre-0-direct_costs"] == "70000" and initial["centre-0-price"] == "80000.5"
    forms = FullCostForms({**initial, "centres": "1", "overheads": "1"}, centres=1, overheads=1)
    assert forms.is_valid()
    assert forms.costs == CostInput.from_dict(budget)
    assert budget_initial({}) == {}
