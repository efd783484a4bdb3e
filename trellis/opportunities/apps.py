from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "trellis.opportunities"
    label = "opportunities"
    verbose_name = "Opportunities"
