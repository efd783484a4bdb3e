from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "trellis.organisations"
    label = "organisations"
    verbose_name = "Provider directory"

    def ready(self) -> None:
        from trellis.organisations import import_tasks  # noqa: F401  (registers the import task with Huey)
