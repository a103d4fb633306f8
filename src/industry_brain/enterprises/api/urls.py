from .views import EnterpriseViewSet

routes = [("enterprises", EnterpriseViewSet, "enterprise")]
