from django.urls import path

from . import views

app_name = "brains"
urlpatterns = [
    path("", views.BrainListView.as_view(), name="brain_list"),
    path("new/", views.BrainFormView.as_view(), name="brain_create"),
    path("<int:pk>/", views.BrainDetailView.as_view(), name="brain_detail"),
    path("<int:pk>/edit/", views.BrainFormView.as_view(), name="brain_edit"),
    path("<int:pk>/<str:action>/", views.BrainFirmActionView.as_view(), name="brain_action"),
]
