"""Pages of background import jobs (core.imports)."""

from django.urls import path

from .imports import ImportJobView

app_name = "imports"
urlpatterns = [
    path("<int:pk>/", ImportJobView.as_view(), name="job"),
]
