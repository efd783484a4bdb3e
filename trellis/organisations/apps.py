from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "trellis.organisations"
    label = "organisations"
    verbose_name = "Provider directory"
