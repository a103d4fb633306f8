from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("add/", views.ProjectFormView.as_view(), name="project_add"),
    path("map/", views.ProjectMapView.as_view(), name="project_map"),
    path("map/card/<int:pk>/", views.ProjectMapCardView.as_view(), name="project_map_card"),
    path("map/districts/", views.ProjectMapDistrictsView.as_view(), name="project_map_districts"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("warnings/", views.WarningListView.as_view(), name="warning_list"),
    path("supervisions/", views.SupervisionListView.as_view(), name="supervision_list"),
    path("supervisions/<int:pk>/", views.SupervisionDetailView.as_view(), name="supervision_detail"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/evaluate/", views.EvaluateNowView.as_view(), name="evaluate"),
    path("rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("reports/import/", views.ProgressReportImportView.as_view(), name="report_import"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/edit/", views.ProjectFormView.as_view(), name="project_edit"),
    path("<int:pk>/milestone/", views.MilestoneRecordView.as_view(), name="milestone_record"),
    path("<int:pk>/report/", views.ProgressReportCreateView.as_view(), name="report_create"),
]
