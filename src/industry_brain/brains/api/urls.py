from .views import BrainViewSet

routes = [("brains", BrainViewSet, "brain")]
urlpatterns: list = []
