from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.ItemListView.as_view(), name="item_list"),
    path("mine/", views.MyPoliciesView.as_view(), name="my_policies"),
    path("policy/<int:pk>/", views.PolicyDetailView.as_view(), name="policy_detail"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("standings/<int:pk>/", views.EligibilityDetailView.as_view(), name="eligibility_detail"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path("ledger/import/", views.LedgerImportPageView.as_view(), name="ledger_import"),
]
