from django.apps import AppConfig


class BidsConfig(AppConfig):
    name = "trellis.bids"
    label = "bids"
    verbose_name = "Bids"

    def ready(self) -> None:
        from trellis.bids import selectors
        from trellis.opportunities import selectors as opportunities

        # The framework panel (an earlier stage) offers the bidders it cannot import.
        opportunities.framework_candidates_from(selectors.framework_bidders)
