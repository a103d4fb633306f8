from django.urls import path

from .views import ProgressReportImportView, ProjectViewSet, SupervisionViewSet, WarningRuleViewSet, WarningViewSet

routes = [
    ("projects", ProjectViewSet, "project"),
    ("warnings", WarningViewSet, "warning"),
    ("warning-rules", WarningRuleViewSet, "warning-rule"),
    ("supervisions", SupervisionViewSet, "supervision"),
]
urlpatterns = [
    path("progress-reports/import/", ProgressReportImportView.as_view(), name="progress-report-import"),
]
