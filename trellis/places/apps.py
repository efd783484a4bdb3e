from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "trellis.places"
    label = "places"
    verbose_name = "Places and wards"
