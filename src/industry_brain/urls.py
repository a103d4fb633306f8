from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from industry_brain.core.health import healthz

# The platform's own error pages (Chinese pages for people, JSON for the API), with DEBUG off.
handler403 = "industry_brain.core.views.permission_denied"
handler404 = "industry_brain.core.views.page_not_found"
handler500 = "industry_brain.core.views.server_error"

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("industry_brain.accounts.urls")),
    path("", include("industry_brain.core.urls")),
    path("enterprises/", include("industry_brain.enterprises.urls")),
    path("chains/", include("industry_brain.chains.urls")),
    path("projects/", include("industry_brain.projects.urls")),
    path("demands/", include("industry_brain.demands.urls")),
    path("cultivation/", include("industry_brain.cultivation.urls")),
    path("factories/", include("industry_brain.factories.urls")),
    path("supply/", include("industry_brain.supply.urls")),
    path("matchmaking/", include("industry_brain.matchmaking.urls")),
    path("brains/", include("industry_brain.brains.urls")),
    path("monitoring/", include("industry_brain.monitoring.urls")),
    path("policies/", include("industry_brain.policies.urls")),
    path("imports/", include("industry_brain.core.import_urls")),
    path("api/v1/", include("industry_brain.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# Uploaded files have no public URL: /files/<name> (core.files) checks sign-in and scope, with DEBUG or without.
