from django.apps import AppConfig


class RoutesConfig(AppConfig):
    name = "trellis.routes"
    label = "routes"
    verbose_name = "Commissioning routes"
