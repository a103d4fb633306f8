from django.urls import path

from .views import (
    AnalyseView,
    BomLineViewSet,
    EmergencyViewSet,
    ExternalFirmViewSet,
    FirmProfileViewSet,
    MatchReviewViewSet,
    MaterialViewSet,
    PrescreenView,
    RecoveryEstimateViewSet,
    RiskCardView,
    ScenarioViewSet,
    SupplyLinkViewSet,
)

routes = [
    ("materials", MaterialViewSet, "material"),
    ("external-firms", ExternalFirmViewSet, "external-firm"),
    ("supply-links", SupplyLinkViewSet, "supply-link"),
    ("firm-profiles", FirmProfileViewSet, "firm-profile"),
    ("bom-lines", BomLineViewSet, "bom-line"),
    ("recovery-estimates", RecoveryEstimateViewSet, "recovery-estimate"),
    ("match-reviews", MatchReviewViewSet, "match-review"),
    ("scenarios", ScenarioViewSet, "scenario"),
    ("emergencies", EmergencyViewSet, "emergency"),
]
urlpatterns = [
    path("supply-risk/analyse/", AnalyseView.as_view(), name="supply-risk-analyse"),
    path("supply-prescreen/", PrescreenView.as_view(), name="supply-prescreen"),
    path("enterprises/<int:pk>/risk-card/", RiskCardView.as_view(), name="enterprise-risk-card"),
]
