from django.urls import path

from .views import AttractionTargetViewSet, ChainGapsView, EventViewSet, IntentionViewSet, ListingViewSet

routes = [
    ("listings", ListingViewSet, "listing"),
    ("events", EventViewSet, "event"),
    ("intentions", IntentionViewSet, "intention"),
    ("attraction-targets", AttractionTargetViewSet, "attraction-target"),
]
urlpatterns: list = [path("chains/<int:pk>/gaps/", ChainGapsView.as_view(), name="chain-gaps")]
