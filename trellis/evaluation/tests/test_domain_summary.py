"""``build_summary``: the assessment summary each bidder gets, from a hand-built scheme and a real ``evaluate`` result.

The scheme: a pass or fail gate (safeguarding), delivery 50% and social value 20% (both marked 0 to 5), price 30%
relative to the lowest price. The agreed marks:

    Alpha   gate pass, delivery 4 → 4 ÷ 5 × 50 = 40, social value 3 → 12; quality 52; £100,000
    Beta    gate pass, delivery 5 → 50,           social value 4 → 16; quality 66; £120,000
    Gamma   gate fail, delivery 2 → 20,           social value 2 → 8;  quality 28; £80,000

With the "exclude" rule Gamma is out, so the lowest compared price is Alpha's: Alpha 30 price points (total 82),
Beta 30 × 100,000 ÷ 120,000 = 25 (total 91). Beta wins; Alpha is 2nd of 2 ranked.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain import BidInput, CriterionSpec, EvaluationInput, Exclusion, Scheme, evaluate
from trellis.evaluation.domain.summary import NO_REASON, Kind, Outcome, build_summary, ordinal
from trellis.opportunities.domain.criteria import Scale

D = Decimal
CRITERIA = (
    CriterionSpec("safeguarding", "Safeguarding policy", "Eligibility", D(0), Scale.PASS_FAIL),
    CriterionSpec("delivery", "Delivery plan", "Quality", D(50), Scale.ZERO_FIVE),
    CriterionSpec("social", "Social value", "Social value", D(20), Scale.ZERO_FIVE),
    CriterionSpec("price", "Price", "Price", D(30), Scale.ZERO_HUNDRED, is_price=True),
)
AGREED = {
    "Alpha": {"safeguarding": D(1), "delivery": D(4), "social": D(3)},
    "Beta": {"safeguarding": D(1), "delivery": D(5), "social": D(4)},
    "Gamma": {"safeguarding": D(0), "delivery": D(2), "social": D(2)},
}
PRICES = {"Alpha": D(100000), "Beta": D(120000), "Gamma": D(80000)}
NAMES = {"Alpha": "Alpha Care CIC", "Beta": "Beta Trust", "Gamma": "Gamma Group"}
IDS = {"Alpha": "GB-CIC-111", "Beta": "GB-CHC-222", "Gamma": "GB-COH-333"}
RATIONALES = {
    bid: {key: f"{bid} {key}: the answer shows the evidence in section {i}." for i, key in enumerate(marks)}
    for bid, marks in AGREED.items()
}


def scheme(**changes) -> Scheme:
    return Scheme(criteria=changes.pop("criteria", CRITERIA), **changes)


def result(the_scheme: Scheme | None = None, consensus=None, marks=None):
    the_scheme = the_scheme or scheme()
    consensus = AGREED if consensus is None else consensus
    data = EvaluationInput(
        scheme=the_scheme,
        bids=tuple(BidInput(key, PRICES[key]) for key in consensus),
        marks=marks or {"Ann": consensus, "Bob": consensus},
        consensus=consensus,
    )
    return evaluate(data)


def summary_for(bidder, winner="Beta", the_scheme=None, the_result=None, **kw):
    the_scheme = the_scheme or scheme()
    return build_summary(the_scheme, the_result or result(the_scheme), RATIONALES, bidder, winner, NAMES, IDS, **kw)


def test_the_engine_result_is_the_one_worked_out_above():
    found = result()
    assert found.winner == "Beta"
    assert found.bid("Beta").total == pytest.approx(91)
    assert found.bid("Alpha").total == pytest.approx(82)
    assert found.bid("Gamma").excluded


def test_an_unsuccessful_tender_gets_its_own_scores_and_the_winners_criterion_by_criterion():
    summary = summary_for("Alpha")
    assert summary.outcome is Outcome.NOT_SUCCESSFUL
    assert summary.title == "Assessment summary" and summary.noun == "tender"
    assert summary.outcome_text == (
        "Your tender has not been successful. It was ranked 2nd of 2, with 82 points out of 100. "
        "The successful tender, from Beta Trust, scored 91."
    )
    assert summary.reasons == ()
    own = {line.key: line for line in summary.bidder.lines}
    assert [line.key for line in summary.bidder.lines] == ["safeguarding", "delivery", "social", "price"]
    assert (own["delivery"].mark_text, own["delivery"].points_text) == ("4 out of 5 (Good)", "40 of 50")
    assert own["delivery"].reason == RATIONALES["Alpha"]["delivery"]
    assert (own["social"].mark_text, own["social"].points_text) == ("3 out of 5 (Acceptable)", "12 of 20")
    assert (own["safeguarding"].mark_text, own["safeguarding"].points, own["safeguarding"].kind) == (
        "Pass",
        None,
        Kind.GATE,
    )
    assert (own["price"].mark_text, own["price"].points_text) == ("£100,000", "30 of 30")
    assert "lowest price" in own["price"].reason
    # The winning tender: identified, with its own scores and reasons.
    assert summary.winner is not None and not summary.bidder_is_winner
    assert (summary.winner.supplier.name, summary.winner.supplier.identifier) == ("Beta Trust", "GB-CHC-222")
    theirs = {line.key: line for line in summary.winner.lines}
    assert theirs["delivery"].points_text == "50 of 50"
    assert theirs["delivery"].reason == RATIONALES["Beta"]["delivery"]
    assert theirs["price"].points == pytest.approx(25)
    assert summary.winner.total_text == "91 out of 100" and summary.winner.rank_text == "1st"


def test_sub_totals_are_by_section_out_of_the_sections_weight():
    summary = summary_for("Alpha")
    subtotals = {s.section: (s.points, s.weight) for s in summary.bidder.subtotals}
    assert subtotals == {
        "Quality": (pytest.approx(40), D(50)),
        "Social value": (pytest.approx(12), D(20)),
        "Price": (pytest.approx(30), D(30)),
    }
    assert summary.bidder.quality_points == pytest.approx(52) and summary.bidder.quality_weight == D(70)
    assert [s.section for s in summary.sections] == ["Quality", "Social value", "Price"]


def test_a_criterion_without_a_section_is_a_sub_total_by_itself():
    unsectioned = scheme(
        criteria=(
            *CRITERIA[:3],
            CriterionSpec("price", "Value for money", "", D(30), Scale.ZERO_HUNDRED, is_price=True),
        )
    )
    summary = summary_for("Alpha", the_scheme=unsectioned)
    assert [(s.section, s.weight) for s in summary.bidder.subtotals][-1] == ("Value for money", D(30))
    assert summary.bidder.subtotals[-1].points == pytest.approx(30)


def test_the_methodology_is_given_in_words_with_importance_and_the_scores_available():
    summary = summary_for("Alpha")
    words = {c.key: c for c in summary.criteria}
    assert words["delivery"].importance == "50% of the total score"
    assert words["delivery"].available == "Marks: a whole number from 0 to 5."
    assert "divided by 5 and multiplied by 50" in words["delivery"].how_scored
    assert words["delivery"].levels[0].label == "Excellent"
    assert words["safeguarding"].kind is Kind.GATE and words["safeguarding"].weight == 0
    assert "is excluded" in words["safeguarding"].how_scored
    assert words["price"].available == "From 0 to 30 points."
    assert "lowest price ÷ bid price" in words["price"].how_scored
    assert summary.price_method.startswith("Relative to the lowest price")
    assert summary.tie_break.startswith("The higher quality score wins")
    assert summary.minimum_quality == ""
    assert (summary.ranked, summary.assessed) == (2, 3)


def test_the_winner_is_told_it_has_been_successful():
    summary = summary_for("Beta")
    assert summary.outcome is Outcome.SUCCESSFUL and summary.bidder_is_winner
    assert summary.outcome_text == "Your tender has been successful."
    assert summary.bidder.total == pytest.approx(91)


def test_an_excluded_tender_is_given_the_reason():
    summary = summary_for("Gamma")
    assert summary.outcome is Outcome.EXCLUDED
    assert summary.reasons == ("Failed the pass or fail question “Safeguarding policy”.",)
    assert summary.bidder.total is None and summary.bidder.total_text == "Not ranked: excluded"
    price = next(line for line in summary.bidder.lines if line.kind is Kind.PRICE)
    assert price.points is None and price.points_text.startswith("Not scored")
    gate = summary.bidder.lines[0]
    assert (gate.mark_text, gate.passed) == ("Fail", False)
    assert summary.winner is not None and summary.winner.supplier.key == "Beta"


def test_a_failed_pass_or_fail_question_is_not_evaluated_further_even_when_failures_are_flagged():
    # Gamma failed the safeguarding gate. "Flag" keeps bids below a minimum mark ranked; a failed pass or fail
    # question still takes the tender out (Procurement Act 2023 s.19(2)(a)), and the summary says so.
    flagged = scheme(exclusion=Exclusion.FLAG)
    summary = summary_for("Gamma", the_scheme=flagged)
    assert summary.outcome is Outcome.EXCLUDED
    assert summary.reasons == ("Failed the pass or fail question “Safeguarding policy”.",)
    how = {c.key: c for c in summary.criteria}["safeguarding"].how_scored
    assert "is still ranked" in how and "not evaluated further" in how


def test_no_award_tells_every_bidder_why():
    summary = summary_for("Beta", winner=None, no_award_reason="Every bid was over the budget of £90,000.")
    assert summary.outcome is Outcome.NO_AWARD and summary.winner is None
    assert summary.outcome_text == "No contract is being awarded, so no tender has been successful."
    assert summary.reasons == ("Every bid was over the budget of £90,000.",)
    assert not summary.bidder_is_winner


def test_a_grant_round_gets_the_same_content_in_plain_words():
    summary = summary_for("Alpha", plain=True)
    assert summary.title == "Feedback on your application" and summary.noun == "application"
    assert summary.outcome_text.startswith("Your application has not been successful.")
    assert "The successful application, from Beta Trust" in summary.outcome_text
    no_award = summary_for("Alpha", winner=None, plain=True)
    assert no_award.outcome_text == "No grant is being awarded, so no application has been successful."


def test_addresses_and_email_of_the_winner_are_carried_when_given():
    summary = summary_for(
        "Alpha", addresses={"Beta": "1 High Street, Northbridge NB1 1AA"}, emails={"Beta": "bids@beta.example"}
    )
    assert summary.winner is not None
    assert summary.winner.supplier.address == "1 High Street, Northbridge NB1 1AA"
    assert summary.winner.supplier.email == "bids@beta.example"
    assert summary.bidder.supplier.address == ""


def test_a_missing_rationale_says_so_and_a_mean_mark_has_no_level():
    consensus = {bid: dict(marks) for bid, marks in AGREED.items()}
    del consensus["Alpha"]["social"]
    marks = {
        "Ann": {**AGREED, "Alpha": {**AGREED["Alpha"], "social": D(3)}},
        "Bob": {**AGREED, "Alpha": {**AGREED["Alpha"], "social": D(4)}},
    }
    the_result = result(consensus=consensus, marks=marks)
    rationales = {bid: dict(r) for bid, r in RATIONALES.items()}
    del rationales["Alpha"]["social"]
    summary = build_summary(scheme(), the_result, rationales, "Alpha", "Beta", NAMES, IDS)
    social = next(line for line in summary.bidder.lines if line.key == "social")
    assert social.mark_text == "3.5 out of 5"  # the mean of 3 and 4: between the published levels
    assert social.reason == NO_REASON
    assert social.points == pytest.approx(14)  # 3.5 ÷ 5 × 20


def test_a_tie_decided_by_the_tie_break_is_explained():
    # No price: delivery 60, social value 40. Alpha 4 and 4 → 48 + 32 = 80; Beta 5 and a mean of 2.5 → 60 + 20 = 80.
    # Equal quality, so the higher mark on delivery (the heaviest quality criterion) wins: Beta.
    criteria = (
        CriterionSpec("delivery", "Delivery plan", "Quality", D(60), Scale.ZERO_FIVE),
        CriterionSpec("social", "Social value", "Quality", D(40), Scale.ZERO_FIVE),
    )
    quality_only = scheme(criteria=criteria)
    consensus = {"Alpha": {"delivery": D(4), "social": D(4)}, "Beta": {"delivery": D(5)}}
    marks = {
        "Ann": {"Alpha": consensus["Alpha"], "Beta": {"delivery": D(5), "social": D(2)}},
        "Bob": {"Alpha": consensus["Alpha"], "Beta": {"delivery": D(5), "social": D(3)}},
    }
    the_result = result(quality_only, consensus=consensus, marks=marks)
    assert the_result.winner == "Beta"
    summary = build_summary(quality_only, the_result, RATIONALES, "Alpha", "Beta", NAMES, IDS)
    assert summary.bidder.total == pytest.approx(summary.winner.total)
    assert summary.reasons == ("It scored the same total as the successful one; the published tie-break rule decided.",)
    assert summary.price_method == ""


@pytest.mark.parametrize(
    ("difference", "reason"),
    [
        (1e-12, "the published tie-break rule decided"),  # equal as the ranking counts it: float noise only
        (0.004, "by less than the 0.01 of a point the totals are shown to"),  # shown equal, but lower
    ],
)
def test_a_total_equal_or_shown_equal_still_gets_its_reason(difference, reason):
    """reg 31(3)(c): the reason a tender is not being awarded, even when the totals print the same."""
    the_result = result()
    alpha, beta = the_result.bid("Alpha"), the_result.bid("Beta")
    assert beta.total is not None
    lowered = dataclasses.replace(alpha, total=beta.total - difference)
    bids = tuple(lowered if b.key == "Alpha" else b for b in the_result.bids)
    summary = summary_for("Alpha", the_result=dataclasses.replace(the_result, bids=bids))
    assert len(summary.reasons) == 1 and reason in summary.reasons[0]


def test_bad_input_names_the_field_and_prints_nothing(capsys):
    with pytest.raises(ValidationFailed) as exc:
        summary_for("Nobody", winner="Someone")
    assert set(exc.value.errors) == {"bidder", "winner"}
    assert "bidder" in exc.value.errors["bidder"][0] and "Nobody" in exc.value.errors["bidder"][0]
    assert "winner" in exc.value.errors["winner"][0] and "Someone" in exc.value.errors["winner"][0]
    with pytest.raises(ValidationFailed) as exc:
        summary_for("Alpha", winner="Gamma")
    assert exc.value.errors == {"winner": ["The winner “Gamma” was excluded, so it cannot be the winning bid."]}
    other = scheme(criteria=(CRITERIA[1], CriterionSpec("social", "Social value", "", D(50), Scale.ZERO_FIVE)))
    with pytest.raises(ValidationFailed) as exc:
        build_summary(other, result(), RATIONALES, "Alpha", "Beta", NAMES, IDS)
    assert list(exc.value.errors) == ["scheme"] and "scheme" in exc.value.errors["scheme"][0]
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
                    (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")],
)  # fmt: skip
def test_ordinals(n, text):
    assert ordinal(n) == text


def test_a_mark_between_the_levels_of_a_scale_is_shown_without_a_level():
    met = CriterionSpec("met", "Meets the specification", "Quality", D(70), Scale.MET_EXCEEDED)
    the_scheme = scheme(criteria=(met, CRITERIA[3]))
    # Ann found it not met (0), Bob exceeded (10) and the panel recorded no consensus: the mark used is the mean, 5,
    # which is none of the scale's levels (0, 7 and 10).
    marks = {
        "Ann": {"Alpha": {"met": D(0)}, "Beta": {"met": D(7)}},
        "Bob": {"Alpha": {"met": D(10)}, "Beta": {"met": D(7)}},
    }
    data = EvaluationInput(
        scheme=the_scheme, bids=(BidInput("Alpha", PRICES["Alpha"]), BidInput("Beta", PRICES["Beta"])), marks=marks
    )
    summary = build_summary(the_scheme, evaluate(data), RATIONALES, "Alpha", "Beta", NAMES, IDS)
    lines = {line.key: line for line in summary.bidder.lines}
    assert lines["met"].mark_text == "5 out of 10"
    winners = {line.key: line for line in summary.winner.lines}
    assert winners["met"].mark_text == "7 out of 10 (Met)"


def test_minimum_marks_and_the_minimum_quality_score_are_explained():
    delivery = CriterionSpec("delivery", "Delivery plan", "Quality", D(50), Scale.ZERO_FIVE, min_mark=D(2))
    the_scheme = scheme(criteria=(CRITERIA[0], delivery, *CRITERIA[2:]), min_quality_percent=D(40))
    summary = summary_for("Alpha", the_scheme=the_scheme)
    words = {c.key: c for c in summary.criteria}
    assert words["delivery"].how_scored.endswith(" A mark below 2 does not meet the minimum.")
    assert "A mark below" not in words["social"].how_scored
    assert summary.minimum_quality.startswith("A bid must score at least 40% of the quality points. A bid below it ")


def test_the_winners_reasons_can_be_withheld_from_the_others_and_they_are_told_why():
    summary = summary_for("Alpha", withheld={"delivery": "commercial_interests", "ignored": "not_a_ground"})
    theirs = {line.key: line for line in summary.winner.lines}
    # s.94: the reason is withheld, the marks and points are not
    assert theirs["delivery"].reason.startswith("Withheld: disclosing it would prejudice the commercial interests")
    assert "s.94" in theirs["delivery"].reason and theirs["delivery"].points_text == "50 of 50"
    assert theirs["social"].reason == RATIONALES["Beta"]["social"]
    assert summary.withheld == (
        "The successful tender's reasons for “Delivery plan” are withheld: disclosing it would prejudice the "
        "commercial interests of the supplier (Procurement Act 2023 s.94 (information that need not be disclosed)).",
    )
    # the winner itself always sees its own reasons
    own = summary_for("Beta", withheld={"delivery": "commercial_interests"})
    assert own.withheld == () and own.bidder.lines[1].reason == RATIONALES["Beta"]["delivery"]
