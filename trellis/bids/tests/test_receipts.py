"""Receipts: canonical content, its SHA-256, verification, numbers."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.bids.domain import receipts


def content(**changes):
    base = dict(
        bid="b1",
        opportunity="NB-2026-0007",
        organisation="GB-CHC-1234567",
        lot=None,
        answers={1: "We will reduce loneliness.", 2: "We are based in Mill Hill."},
        documents=[{"sha256": "a" * 64, "title": "Safeguarding policy"}],
        budget={"cost_centres": [{"name": "Befriending", "direct_costs": "60000"}]},
        price=Decimal("66000.00"),
        declarations={"no_collusion": {"agreed": True, "by": 3, "at": "2026-01-01T10:00:00+00:00"}},
        consortium=[{"organisation": "GB-CHC-1", "role": "Lead", "share_percent": Decimal("100")}],
    )
    base.update(changes)
    return receipts.submitted_content(**base)


def test_hash_verifies_and_is_stable():
    digest = receipts.content_hash(content())
    assert len(digest) == 64
    assert receipts.verify(content(), digest)
    assert receipts.verify(content(), digest.upper())
    # Order and number formatting do not matter: the content is the same.
    same = content(answers={2: "We are based in Mill Hill.", 1: "We will reduce loneliness."}, price=Decimal("66000"))
    assert receipts.content_hash(same) == digest


@pytest.mark.parametrize(
    "change",
    [
        {"answers": {1: "We will reduce loneliness!", 2: "We are based in Mill Hill."}},
        {"documents": [{"sha256": "b" * 64, "title": "Safeguarding policy"}]},
        {"documents": []},
        {"budget": {"cost_centres": [{"name": "Befriending", "direct_costs": "60001"}]}},
        {"price": Decimal("66000.01")},
        {"declarations": {}},
        {"consortium": [{"organisation": "GB-CHC-1", "role": "Lead", "share_percent": Decimal("99")}]},
        {"lot": 2},
        {"organisation": "GB-CHC-7654321"},
    ],
)
def test_any_change_in_content_changes_the_hash(change):
    digest = receipts.content_hash(content())
    assert not receipts.verify(content(**change), digest)


def test_canonical_json_is_sorted_compact_utf8():
    assert receipts.canonical({"b": 1, "a": "café"}) == '{"a":"café","b":"1"}'.encode()


def test_receipt_numbers():
    assert receipts.receipt_number("NB-2026-0007", 3) == "R-NB-2026-0007-0003"
    assert receipts.parse_receipt_number("R-NB-2026-0007-0003") == ("NB-2026-0007", 3)
    assert receipts.parse_receipt_number("R-NB-2026-0007-12345") == ("NB-2026-0007", 12345)
    assert receipts.parse_receipt_number("NB-2026-0007") is None
    with pytest.raises(ValueError):
        receipts.receipt_number("NB-2026-0007", 0)


@given(st.dictionaries(st.integers(min_value=1, max_value=50), st.text(max_size=40), max_size=6), st.text(max_size=40))
def test_changing_any_answer_changes_the_hash(answers, extra):
    digest = receipts.content_hash(content(answers=answers))
    assert receipts.verify(content(answers=dict(answers)), digest)
    changed = dict(answers)
    key = next(iter(answers), 1)
    changed[key] = changed.get(key, "") + extra + "·"
    assert not receipts.verify(content(answers=changed), digest)


def test_values_that_are_not_json_are_kept_as_their_text():
    from datetime import date

    signed = content(declarations={"no_collusion": {"agreed": True, "by": 3, "at": date(2026, 1, 1)}})
    assert signed["declarations"]["no_collusion"]["at"] == "2026-01-01"
