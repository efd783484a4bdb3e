"""The demo's bids: a submitted one with a valid receipt and a draft, loaded once."""

from trellis.bids import selectors
from trellis.bids.models import Bid, Receipt
from trellis.demo.bids import OPPORTUNITY
from trellis.demo.loader import load


def test_the_demo_loads_its_bids_once(demo_db):
    """The open befriending round has a submitted bid and a draft (the evaluation story's bids are tested with it)."""
    bids = Bid.objects.filter(opportunity__title=OPPORTUNITY)
    assert sorted(bids.values_list("status", flat=True)) == ["draft", "submitted"]
    assert selectors.receipt_verifies(Receipt.objects.get(bid__in=bids))
    everything = (Bid.objects.count(), Receipt.objects.count())
    load()
    assert bids.count() == 2 and Receipt.objects.filter(bid__in=bids).count() == 1
    assert (Bid.objects.count(), Receipt.objects.count()) == everything
