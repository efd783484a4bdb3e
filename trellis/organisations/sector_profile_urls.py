"""The local sector profile's URLs. The project mounts them under /places/: the profile is a place's page."""

from trellis.organisations.views import sector_profile

app_name = "sector_profile"
urlpatterns = sector_profile.urlpatterns
