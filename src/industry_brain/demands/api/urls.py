from .views import (
    AssignmentViewSet,
    CadreViewSet,
    DemandCategoryViewSet,
    DemandViewSet,
    NotificationViewSet,
    SystemicAlertViewSet,
    VisitViewSet,
)

routes = [
    ("cadres", CadreViewSet, "cadre"),
    ("assignments", AssignmentViewSet, "assignment"),
    ("visits", VisitViewSet, "visit"),
    ("demand-categories", DemandCategoryViewSet, "demand-category"),
    ("demands", DemandViewSet, "demand"),
    ("systemic-alerts", SystemicAlertViewSet, "systemic-alert"),
    ("notifications", NotificationViewSet, "notification"),
]
urlpatterns: list = []
