"""/api/v1/: one router; each app lists its viewsets in `<app>/api/urls.py` (`routes`, `urlpatterns`)."""

from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

APPS = ["core", "accounts", "enterprises", "chains", "projects", "demands", "cultivation", "factories", "supply",
        "matchmaking", "brains", "monitoring", "policies"]

router = DefaultRouter(trailing_slash=True)
extra = []
for app in APPS:
    module = import_module("industry_brain.core.reference_urls" if app == "core" else f"industry_brain.{app}.api.urls")
    for prefix, viewset, basename in getattr(module, "routes", []):
        router.register(prefix, viewset, basename=basename)
    extra += getattr(module, "urlpatterns", [])

urlpatterns = [*extra, path("", include(router.urls))]
