from trellis.places.views import profile

app_name = "places"
urlpatterns = profile.urlpatterns
