"""Bids URLs, composed from each area's views module."""

from trellis.bids.views import bid, bid_sections, fcr, opening

app_name = "bids"
urlpatterns = fcr.urlpatterns + bid.urlpatterns + bid_sections.urlpatterns + opening.urlpatterns
