from django.urls import path

from . import views

app_name = "factories"
urlpatterns = [path("", views.FactoryListView.as_view(), name="factory_list")]
