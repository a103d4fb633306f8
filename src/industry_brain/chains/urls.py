from django.urls import path

from . import actions, views

app_name = "chains"
urlpatterns = [
    path("", views.EcosystemListView.as_view(), name="ecosystem_list"),
    path("ecosystems/<int:pk>/", views.EcosystemDetailView.as_view(), name="ecosystem_detail"),
    path("<int:pk>/", views.ChainDetailView.as_view(), name="chain_detail"),
    path("<int:pk>/panels/", views.ChainPanelsView.as_view(), name="chain_panels"),
    path("<int:pk>/masters/<slug:action>/", actions.ChainMasterActionView.as_view(), name="chain_master_action"),
    path("<int:pk>/memberships/<slug:action>/", views.MembershipActionView.as_view(), name="membership_action"),
]
