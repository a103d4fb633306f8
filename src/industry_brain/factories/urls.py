from django.urls import path

from . import views

app_name = "factories"
urlpatterns = [
    path("", views.FactoryListView.as_view(), name="factory_list"),
    path("applications/", views.ApplicationListView.as_view(), name="application_list"),
    path("applications/new/", views.ApplicationCreateView.as_view(), name="application_new"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
]
