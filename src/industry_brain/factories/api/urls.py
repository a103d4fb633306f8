from .views import FactoryApplicationViewSet, FactoryViewSet

routes = [
    ("factory-applications", FactoryApplicationViewSet, "factory-application"),
    ("factories", FactoryViewSet, "factory"),
]
urlpatterns: list = []
