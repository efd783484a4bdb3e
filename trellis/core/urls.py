from django.urls import path

from trellis.core.views import pages

app_name = "core"
urlpatterns = [
    path("", pages.home, name="home"),
    path("account/", pages.dashboard, name="dashboard"),
    path("inbox/", pages.inbox, name="inbox"),
    path("inbox/read/", pages.inbox_mark_read, name="inbox_mark_read"),
    path("accessibility/", pages.accessibility, name="accessibility"),
]
