from django.contrib import admin
from django.urls import include, path

from trellis.api import api

handler400 = "trellis.core.views.pages.bad_request"
handler403 = "trellis.core.views.pages.forbidden"
handler404 = "trellis.core.views.pages.not_found"
handler500 = "trellis.core.views.pages.server_error"

urlpatterns = [
    path("", include("trellis.core.urls")),
    path("directory/", include("trellis.organisations.urls")),
    path("places/", include("trellis.organisations.sector_profile_urls")),
    path("routes/", include("trellis.routes.urls")),
    path("opportunities/", include("trellis.opportunities.urls")),
    path("bids/", include("trellis.bids.urls")),
    path("evaluation/", include("trellis.evaluation.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
