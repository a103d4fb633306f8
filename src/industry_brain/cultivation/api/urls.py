from .views import (
    CultivationPoolViewSet,
    RecognitionApplicationViewSet,
    RecognitionRoundViewSet,
    TierCardViewSet,
    TierEvaluationViewSet,
    TierFiguresViewSet,
    TierRuleSetViewSet,
)

routes = [
    ("tier-rule-sets", TierRuleSetViewSet, "tier-rule-set"),
    ("tier-evaluations", TierEvaluationViewSet, "tier-evaluation"),
    ("cultivation-pool", CultivationPoolViewSet, "cultivation-pool"),
    ("tier-cards", TierCardViewSet, "tier-card"),
    ("tier-figures", TierFiguresViewSet, "tier-figures"),
    ("recognition-rounds", RecognitionRoundViewSet, "recognition-round"),
    ("recognition-applications", RecognitionApplicationViewSet, "recognition-application"),
]
urlpatterns: list = []
