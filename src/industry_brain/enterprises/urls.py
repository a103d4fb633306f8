from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("add/", views.EnterpriseFormView.as_view(), name="enterprise_add"),
    path("export/", views.EnterpriseExportView.as_view(), name="enterprise_export"),
    path("import/", views.EnterpriseImportView.as_view(), name="enterprise_import"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseFormView.as_view(), name="enterprise_edit"),
    path("<int:pk>/figures/<int:year>/verify/", views.FiguresVerifyView.as_view(), name="figures_verify"),
]
