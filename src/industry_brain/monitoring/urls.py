from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.CockpitView.as_view(), name="cockpit"),
    path("district/<str:key>/", views.CockpitView.as_view(), {"dimension": "district"}, name="cockpit_district"),
    path("ecosystem/<str:key>/", views.CockpitView.as_view(), {"dimension": "ecosystem"}, name="cockpit_ecosystem"),
    path("breakdown/<str:dimension>/<str:key>/", views.BreakdownView.as_view(), name="breakdown"),
    path("indicators/", views.IndicatorTableView.as_view(), name="indicators"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report_add"),
    path("reports/import/", views.ReportImportView.as_view(), name="report_import"),
    path("reports/<int:pk>/correct/", views.ReportCorrectView.as_view(), name="report_correct"),
    path("completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("position/", views.PositionView.as_view(), name="position"),
    path("briefings/", views.BriefingListView.as_view(), name="briefing_list"),
    path("briefings/<int:pk>/", views.BriefingDetailView.as_view(), name="briefing_detail"),
]
