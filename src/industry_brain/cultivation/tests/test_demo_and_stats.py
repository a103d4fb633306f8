"""The demo's recognition totals come from the engine, a round is left in public notice with an objection, and
the statistics speak in the source's style."""

import pytest

from industry_brain.core.context import acting_as
from industry_brain.cultivation import tier_stats
from industry_brain.cultivation.demo import TARGETS, seed_cultivation
from industry_brain.cultivation.models import RecognitionApplication, TierEvaluation
from industry_brain.demo.foundation import seed_foundation
from industry_brain.enterprises.models import Recognition

pytestmark = pytest.mark.django_db


def test_demo_recognitions_are_the_engines_verdicts():
    with acting_as(None, label="test:seed"):
        result = seed_foundation(scale="tiny", seed=7)
        seed_cultivation(scale="tiny", seed=7, users=result["users"])
    run_id = TierEvaluation.objects.order_by("-run_id").values_list("run_id", flat=True).first()
    applicants = set(RecognitionApplication.objects.values_list("enterprise_id", flat=True))
    for tier in TARGETS:
        eligible = set(TierEvaluation.objects.filter(run_id=run_id, tier=tier, eligible=True)
                       .values_list("enterprise_id", flat=True))
        recognised = set(Recognition.objects.filter(tier=tier).values_list("enterprise_id", flat=True))
        expected = eligible - applicants if tier == "little_giant" else eligible
        assert recognised == expected, tier
    assert Recognition.objects.filter(tier="little_giant").exists()
    apps = RecognitionApplication.objects.all()
    assert apps and all(a.status == "publicised" and a.precheck_eligible for a in apps)
    assert apps.order_by("pk").first().objections.filter(status="open").count() == 1
    city = result["users"]["city_admin"]
    lg = next(s for s in tier_stats.tier_statistics(user=city, year=2025) if s["tier"] == "little_giant")
    assert lg["sentence"] == f"2025年新增国家专精特新“小巨人”企业{lg['new']}家，累计{lg['total']}家"
    assert lg["total"] == len(set(Recognition.objects.filter(tier="little_giant").values_list("enterprise_id",
                                                                                              flat=True)))
    assert tier_stats.tier_statistics(user=result["users"]["dept_transport"], year=2025)[2]["total"] == 0
