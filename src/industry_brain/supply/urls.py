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
    path("enterprises/<int:pk>/profile/", views.ProfileEditView.as_view(), name="profile_edit"),
    path("enterprises/<int:pk>/inputs/", views.BomLineEditView.as_view(), name="bom_edit"),
    path("links/<int:pk>/", views.LinkEditView.as_view(), name="link_edit"),
    path("recovery/<str:kind>/<int:pk>/", views.RecoveryEditView.as_view(), name="recovery_edit"),
    path("match-reviews/", views.MatchReviewListView.as_view(), name="match_review_list"),
    path("match-reviews/<int:pk>/<str:action>/", views.MatchDecideView.as_view(), name="match_decide"),
    path("emergencies/", views.EmergencyListView.as_view(), name="emergency_list"),
    path("emergencies/<int:pk>/", views.EmergencyDetailView.as_view(), name="emergency_detail"),
]
