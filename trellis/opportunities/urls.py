"""Opportunities URLs, composed from each area's views module."""

from trellis.opportunities.views import manage, public, questions

app_name = "opportunities"
# Order matters: fixed paths ("manage/", "new/", "alerts/") before the opportunity's own pages.
urlpatterns = manage.urlpatterns + questions.urlpatterns + public.urlpatterns
