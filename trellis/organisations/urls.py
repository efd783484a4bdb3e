"""Directory URLs, composed from each area's views module."""

from trellis.organisations.views import directory, imports, partners, profile

app_name = "organisations"
# Order matters: fixed paths before the catch-all organisation slug.
urlpatterns = imports.urlpatterns + partners.urlpatterns + profile.urlpatterns + directory.urlpatterns
