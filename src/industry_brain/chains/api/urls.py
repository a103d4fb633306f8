from .views import ChainViewSet, EcosystemViewSet

routes = [("ecosystems", EcosystemViewSet, "ecosystem"), ("chains", ChainViewSet, "chain")]
