from django.urls import include, path

from . import views

app_name = "cultivation"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("export/", views.StatisticsExportView.as_view(), name="statistics_export"),
    path("pool/", views.PoolView.as_view(), name="pool"),
    path("card/", views.MyCardView.as_view(), name="my_card"),
    path("card/<int:pk>/", views.CardView.as_view(), name="card"),
    path("rule-sets/", views.RuleSetListView.as_view(), name="ruleset_list"),
    path("rule-sets/new/", views.RuleSetCreateView.as_view(), name="ruleset_new"),
    path("rule-sets/<int:pk>/", views.RuleSetDetailView.as_view(), name="ruleset_detail"),
    path("rule-sets/<int:pk>/rules/new/", views.RuleEditView.as_view(), name="rule_new"),
    path("rule-sets/<int:pk>/rules/<int:rule_pk>/", views.RuleEditView.as_view(), name="rule_edit"),
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.RoundCreateView.as_view(), name="round_new"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("figures/", include("industry_brain.cultivation.urls_figures")),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
]
