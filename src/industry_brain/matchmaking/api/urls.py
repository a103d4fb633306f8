from .views import AttractionTargetViewSet, EventViewSet, IntentionViewSet, ListingViewSet

routes = [
    ("listings", ListingViewSet, "listing"),
    ("events", EventViewSet, "event"),
    ("intentions", IntentionViewSet, "intention"),
    ("attraction-targets", AttractionTargetViewSet, "attraction-target"),
]
urlpatterns: list = []
