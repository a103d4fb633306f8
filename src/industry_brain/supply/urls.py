from django.urls import path

from . import views

app_name = "supply"
urlpatterns = [
    path("", views.ScenarioListView.as_view(), name="scenario_list"),
    path("scenarios/<int:pk>/", views.ScenarioDetailView.as_view(), name="scenario_detail"),
    path("scenarios/<int:pk>/run/", views.ScenarioRunView.as_view(), name="scenario_run"),
    path("scenarios/<int:pk>/export/", views.ScenarioExportView.as_view(), name="scenario_export"),
    path("scenarios/<int:pk>/results/<int:row>/raise-demand/", views.RaiseDemandView.as_view(),
         name="scenario_raise_demand"),
    path("scenarios/<int:pk>/results/<int:row>/post-need/", views.PostNeedView.as_view(), name="scenario_post_need"),
    path("compare/", views.ScenarioCompareView.as_view(), name="scenario_compare"),
    path("enterprises/<int:pk>/risk-card/", views.RiskCardPageView.as_view(), name="risk_card"),
    path("links/import/", views.LinkImportView.as_view(), name="link_import"),
    path("emergencies/", views.EmergencyListView.as_view(), name="emergency_list"),
    path("emergencies/<int:pk>/", views.EmergencyDetailView.as_view(), name="emergency_detail"),
]
