from django.apps import AppConfig


class BidsConfig(AppConfig):
    name = "trellis.bids"
    label = "bids"
    verbose_name = "Bids"
