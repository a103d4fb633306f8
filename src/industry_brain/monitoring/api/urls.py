from django.urls import path

from .views import BriefingViewSet, IndicatorView, MonthlyReportImportView, MonthlyReportViewSet, PositionView

routes = [
    ("monthly-reports", MonthlyReportViewSet, "monthly-report"),
    ("briefings", BriefingViewSet, "briefing"),
]
urlpatterns = [
    path("monthly-reports/import/", MonthlyReportImportView.as_view(), name="monthly-report-import"),
    path("indicators/", IndicatorView.as_view(), name="indicators"),
    path("monitoring/position/", PositionView.as_view(), name="monitoring-position"),
]
