from django.urls import path

from . import views

app_name = "demands"
urlpatterns = [
    path("", views.DemandListView.as_view(), name="demand_list"),
    path("new/", views.DemandCreateView.as_view(), name="demand_add"),
    path("export/", views.DemandExportView.as_view(), name="demand_export"),
    path("stats/", views.DemandStatsView.as_view(), name="demand_stats"),
    path("stats/export/", views.DemandStatsExportView.as_view(), name="demand_stats_export"),
    path("<int:pk>/", views.DemandDetailView.as_view(), name="demand_detail"),
    path("<int:pk>/<slug:action>/", views.DemandActionView.as_view(), name="demand_action"),
    path("cohandling/<int:pk>/answer/", views.CohandleAnswerView.as_view(), name="cohandling_answer"),
    path("cadres/", views.CadreListView.as_view(), name="cadre_list"),
    path("cadres/<int:pk>/", views.CadreDetailView.as_view(), name="cadre_detail"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment_list"),
    path("assignments/import/", views.AssignmentImportView.as_view(), name="assignment_import"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", views.VisitCreateView.as_view(), name="visit_add"),
    path("alerts/", views.SystemicAlertListView.as_view(), name="alert_list"),
    path("alerts/<int:pk>/", views.SystemicAlertDetailView.as_view(), name="alert_detail"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
]
