"""Route advisor URLs, composed from the flow and the decision records."""

from trellis.routes.views import decisions, flow

app_name = "routes"
urlpatterns = flow.urlpatterns + decisions.urlpatterns
