"""The pure bidding rules: locks and deadlines, word limits, shares, declarations, budgets, what is missing."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.bids.domain import bidding
from trellis.bids.domain.bidding import (
    DECLARATIONS,
    BidStatus,
    CriterionRule,
    FlagLevel,
    ShareRow,
    answer_errors,
    budget_flags,
    count_words,
    format_deadline,
    lock_reason,
    missing_before_submit,
    price_errors,
    share_errors,
)
from trellis.core.errors import DeadlinePassed, InvalidTransition

DEADLINE = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)  # noon GMT = noon in London
SUMMER_DEADLINE = datetime(2026, 7, 3, 11, 0, tzinfo=UTC)  # noon BST
BEFORE = DEADLINE - timedelta(seconds=1)


class TestDeadlines:
    def test_format_shows_london_time(self):
        assert format_deadline(DEADLINE) == "12:00pm on Friday 6 March 2026"
        assert format_deadline(SUMMER_DEADLINE) == "12:00pm on Friday 3 July 2026"
        assert format_deadline(datetime(2026, 3, 6, 0, 5, tzinfo=UTC)) == "12:05am on Friday 6 March 2026"

    @pytest.mark.parametrize("status", ["draft", "withdrawn"])
    def test_draft_and_withdrawn_bids_can_be_edited_and_submitted_before_the_deadline(self, status):
        assert lock_reason(status, DEADLINE, BEFORE) is None
        assert lock_reason(status, DEADLINE, BEFORE, action="submit") is None

    def test_the_deadline_itself_is_too_late(self):
        for action in ("edit", "submit", "withdraw"):
            reason = lock_reason("draft", DEADLINE, DEADLINE, action=action)
            assert reason is not None and "12:00pm on Friday 6 March 2026" in reason

    def test_a_submitted_bid_is_withdrawn_before_it_is_changed(self):
        assert "withdraw it first" in lock_reason("submitted", DEADLINE, BEFORE)
        assert lock_reason("submitted", DEADLINE, BEFORE, action="withdraw") is None
        assert lock_reason("submitted", DEADLINE, BEFORE, action="submit") == "This bid has already been submitted."
        assert lock_reason("draft", DEADLINE, BEFORE, action="withdraw") == "Only a submitted bid can be withdrawn."

    def test_no_deadline_takes_no_bids(self):
        assert "no deadline" in lock_reason("draft", None, BEFORE)

    def test_check_raises_deadline_passed_naming_the_deadline(self):
        with pytest.raises(DeadlinePassed) as exc:
            bidding.check("draft", DEADLINE, DEADLINE + timedelta(minutes=1), action="submit")
        assert "12:00pm on Friday 6 March 2026" in exc.value.message
        assert exc.value.field == "deadline"
        with pytest.raises(InvalidTransition):
            bidding.check("submitted", DEADLINE, BEFORE, action="edit")
        bidding.check("draft", DEADLINE, BEFORE, action="submit")


class TestWords:
    @pytest.mark.parametrize(
        ("text", "words"),
        [("", 0), ("   ", 0), ("one", 1), ("one two\nthree\tfour", 4), ("don't stop-me now", 3), (None, 0)],
    )
    def test_count(self, text, words):
        assert count_words(text) == words

    def test_word_limits_name_the_field_and_say_how_many_to_cut(self):
        criteria = [CriterionRule(1, "Meeting the outcomes", word_limit=5), CriterionRule(2, "Other")]
        errors = answer_errors({1: "a b c d e f g", 2: "x " * 10_000}, criteria)
        assert list(errors) == ["answers-1"]
        assert "5 words or fewer" in errors["answers-1"][0] and "cut 2" in errors["answers-1"][0]
        assert answer_errors({1: "a b c d e"}, criteria) == {}

    def test_unknown_and_price_criteria_are_refused(self):
        criteria = [CriterionRule(1, "Quality"), CriterionRule(2, "Value for money", is_price=True)]
        errors = answer_errors({"9": "x", 2: "cheap", "abc": "y"}, criteria)
        assert set(errors) == {"answers-9", "answers-2", "answers-abc"}
        assert "price" in errors["answers-2"][0]

    def test_very_long_answers_are_refused_even_without_a_word_limit(self):
        errors = answer_errors({1: "x" * (bidding.MAX_ANSWER_CHARACTERS + 1)}, [CriterionRule(1, "Quality")])
        assert "characters or fewer" in errors["answers-1"][0]

    @given(st.lists(st.text(alphabet="ab ", max_size=8), max_size=30))
    def test_words_add_up_across_joined_pieces(self, pieces):
        assert count_words(" ".join(pieces)) == sum(count_words(p) for p in pieces)


class TestShares:
    def test_shares_must_total_100(self):
        rows = [ShareRow(1, "Lead and befriending", "60"), ShareRow(2, "Transport", "30")]
        assert share_errors(rows) == {"roles": ["The members' shares must add up to 100%. They add up to 90%."]}
        assert share_errors([*rows, ShareRow(3, "Training", "10")]) == {}
        assert share_errors([ShareRow(1, "All", Decimal("33.33")), ShareRow(2, "All", "66.67")]) == {}

    def test_every_row_problem_is_named(self):
        rows = [ShareRow(None, "", "abc"), ShareRow(2, "x" * 301, "120"), ShareRow(2, "Dup", "1.234")]
        errors = share_errors(rows)
        assert set(errors) == {
            "roles-0-organisation",
            "roles-0-role",
            "roles-0-share_percent",
            "roles-1-role",
            "roles-1-share_percent",
            "roles-2-organisation",
            "roles-2-share_percent",
        }

    def test_no_rows(self):
        assert "roles" in share_errors([])

    @given(st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=6))
    def test_accepted_exactly_when_the_total_is_100(self, shares):
        rows = [ShareRow(i + 1, "Delivery", str(s)) for i, s in enumerate(shares)]
        assert (share_errors(rows) == {}) == (sum(shares) == 100)


class TestPriceAndBudget:
    @pytest.mark.parametrize(
        ("raw", "value"),
        [("45000", Decimal("45000.00")), ("£45,000.50", Decimal("45000.50")), ("", None), (None, None)],
    )
    def test_prices(self, raw, value):
        assert price_errors(raw) == (value, {})

    @pytest.mark.parametrize("raw", ["lots", "-1", "0", "£0.00", "1.001", "1e12", "NaN"])
    def test_bad_prices_name_the_field(self, raw):
        value, errors = price_errors(raw)
        assert value is None and list(errors) == ["price"]

    def test_price_below_full_cost_is_a_warning(self):
        flags = budget_flags(price=Decimal("60000"), full_cost=Decimal("66400"), value=Decimal("90000"))
        assert [(f.field, f.level) for f in flags] == [("price", FlagLevel.WARNING)]
        assert "£6,400 below the full cost" in flags[0].message

    def test_above_the_opportunitys_value_is_flagged(self):
        flags = budget_flags(price=Decimal("95000"), full_cost=Decimal("91000"), value=Decimal("90000"))
        assert [(f.field, f.level) for f in flags] == [("price", FlagLevel.FLAG), ("budget", FlagLevel.FLAG)]

    def test_nothing_to_say(self):
        assert budget_flags(price=Decimal("70000"), full_cost=Decimal("66400"), value=Decimal("90000")) == []
        assert budget_flags(price=None, full_cost=None, value=None) == []


class TestReadiness:
    CRITERIA = (
        CriterionRule(1, "Meeting the outcomes", word_limit=3),
        CriterionRule(2, "Local connectedness"),
        CriterionRule(3, "Value for money", is_price=True),
    )
    SIGNED = {k: {"agreed": True, "by": 1, "at": "2026-01-01T00:00:00+00:00"} for k in DECLARATIONS}

    def test_everything_missing_is_named(self):
        missing = missing_before_submit(
            criteria=self.CRITERIA, answers={}, declarations={}, price=None, budget_required=True, has_budget=False
        )
        assert [m.field for m in missing] == ["answers-1", "answers-2", "price", "budget", "declarations"]

    def test_a_complete_bid_has_nothing_missing(self):
        missing = missing_before_submit(
            criteria=self.CRITERIA,
            answers={1: "We will", 2: "We are local"},
            declarations=self.SIGNED,
            price=Decimal(1),
            budget_required=True,
            has_budget=True,
        )
        assert missing == []

    def test_over_long_blank_and_partly_signed(self):
        declarations = dict(self.SIGNED)
        declarations["no_collusion"] = {"agreed": False}
        missing = missing_before_submit(
            criteria=self.CRITERIA,
            answers={1: "far too many words here", 2: "   "},
            declarations=declarations,
            price=Decimal(1),
            budget_required=False,
            has_budget=False,
        )
        assert [m.field for m in missing] == ["answers-1", "answers-2", "declarations"]

    def test_a_consortium_needs_shares_totalling_100(self):
        kwargs = dict(
            criteria=(),
            answers={},
            declarations=self.SIGNED,
            price=Decimal(1),
            budget_required=False,
            has_budget=False,
            consortium=True,
        )
        assert [m.field for m in missing_before_submit(**kwargs)] == ["roles"]
        rows = [ShareRow(1, "Lead", "50"), ShareRow(2, "Partner", "50")]
        assert missing_before_submit(**kwargs, share_rows=rows) == []

    def test_declarations_are_plain_english_and_unknown_keys_are_refused(self):
        assert set(DECLARATIONS) == {"no_collusion", "information_true", "conflicts_declared", "full_cost"}
        assert bidding.declaration_errors(["no_collusion"]) == {}
        assert "declarations" in bidding.declaration_errors(["bribe_accepted"])
        assert bidding.unsigned_declarations(self.SIGNED) == []


def test_statuses_match_the_models():
    from trellis.bids.models import BidStatus as ModelStatus

    assert {s.value for s in BidStatus} == set(ModelStatus.values)


def test_an_answer_that_is_not_text_is_refused_by_name():
    errors = answer_errors({1: ["a", "list"]}, [CriterionRule(1, "Quality")])
    assert errors == {"answers-1": ["Enter your answer to “Quality” as text."]}


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("£1,250.50", Decimal("1250.50")),
        (" 40% ", Decimal("40")),
        (12, Decimal("12")),
        (None, None),
        (True, None),
        ("forty", None),
        ("NaN", None),
        ("Infinity", None),
    ],
)
def test_amounts_and_shares_are_read_from_what_people_type(raw, value):
    assert bidding.parse_decimal(raw) == value
