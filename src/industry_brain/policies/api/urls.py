from django.urls import path

from .views import (
    EligibilityViewSet,
    LedgerEntryViewSet,
    LedgerImportView,
    PolicyItemViewSet,
    PolicyMetricsView,
    PolicyViewSet,
)

routes = [
    ("policies", PolicyViewSet, "policy"),
    ("policy-items", PolicyItemViewSet, "policy-item"),
    ("policy-eligibility", EligibilityViewSet, "policy-eligibility"),
    ("burden-reduction", LedgerEntryViewSet, "burden-reduction"),
]
urlpatterns = [
    path("burden-reduction/import/", LedgerImportView.as_view(), name="burden-reduction-import"),
    path("policy-metrics/", PolicyMetricsView.as_view(), name="policy-metrics"),
]
