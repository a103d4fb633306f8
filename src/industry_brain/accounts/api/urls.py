from django.urls import path

from .views import DepartmentViewSet, MeView, TokenView

routes = [("departments", DepartmentViewSet, "department")]
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
]
