from django.contrib.auth.decorators import login_required
from django.urls import path

from .autocomplete import autocomplete_view
from .files import serve_private_file
from .views import HomeView, district_boundaries_view

app_name = "core"
urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("geo/districts.geojson", login_required(district_boundaries_view), name="district_boundaries"),
    path("files/<path:name>", serve_private_file, name="private_file"),
    path("autocomplete/<slug:source>/", login_required(autocomplete_view), name="autocomplete"),
]
