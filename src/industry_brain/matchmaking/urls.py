from django.urls import path

from . import views

app_name = "matchmaking"
urlpatterns = [
    path("", views.ListingListView.as_view(), name="listing_list"),
    path("listings/new/", views.ListingCreateView.as_view(), name="listing_create"),
    path("listings/<int:pk>/", views.ListingDetailView.as_view(), name="listing_detail"),
    path("listings/<int:pk>/<str:action>/", views.ListingActionView.as_view(), name="listing_action"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/new/", views.EventCreateView.as_view(), name="event_create"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event_detail"),
    path("events/<int:pk>/<str:action>/", views.EventActionView.as_view(), name="event_action"),
    path("intentions/", views.IntentionListView.as_view(), name="intention_list"),
    path("intentions/<int:pk>/", views.IntentionDetailView.as_view(), name="intention_detail"),
    path("intentions/<int:pk>/<str:action>/", views.IntentionActionView.as_view(), name="intention_action"),
    path("targets/", views.TargetListView.as_view(), name="target_list"),
    path("targets/<int:pk>/", views.TargetDetailView.as_view(), name="target_detail"),
    path("targets/<int:pk>/<str:action>/", views.TargetActionView.as_view(), name="target_action"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("gaps/", views.GapOverviewView.as_view(), name="gap_overview"),
    path("gaps/<int:pk>/", views.GapDetailView.as_view(), name="gap_detail"),
]
