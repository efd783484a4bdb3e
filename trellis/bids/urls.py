"""Bids URLs, composed from each area's views module."""

from trellis.bids.views import fcr

app_name = "bids"
urlpatterns = fcr.urlpatterns
