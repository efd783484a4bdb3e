"""The demo's bids: a submitted one with a valid receipt and a draft, loaded once."""

import pytest

from trellis.bids import selectors
from trellis.bids.models import Bid, Receipt
from trellis.demo.loader import load


@pytest.mark.django_db
def test_the_demo_loads_its_bids_once():
    load()
    assert sorted(Bid.objects.values_list("status", flat=True)) == ["draft", "submitted"]
    assert selectors.receipt_verifies(Receipt.objects.get())
    load()
    assert Bid.objects.count() == 2 and Receipt.objects.count() == 1
