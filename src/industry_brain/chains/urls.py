from django.urls import path

from . import views

app_name = "chains"
urlpatterns = [
    path("", views.EcosystemListView.as_view(), name="ecosystem_list"),
    path("ecosystems/<int:pk>/", views.EcosystemDetailView.as_view(), name="ecosystem_detail"),
    path("<int:pk>/", views.ChainDetailView.as_view(), name="chain_detail"),
]
