"""The policies demo data: about 40 items as rules whose stored cases hold, evaluated over the registry; the
year's ledger near 867.1亿元 with its breakdown and deferrals apart; the demo accounts' notices open."""

from decimal import Decimal

import pytest
from django.utils import timezone

from industry_brain.core.context import acting_as
from industry_brain.policies import rules, selectors
from industry_brain.policies.models import Eligibility, PolicyItem, RuleVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    from industry_brain.demo.foundation import seed_foundation
    from industry_brain.policies.demo import seed_policies

    with acting_as(None, label="test"):
        result = seed_foundation(scale="tiny", seed=2022)
        seed_policies(scale="tiny", seed=2022, users=result["users"])
    return result["users"]


def test_the_demo_catalogue_ledger_and_notices(seeded):
    assert 38 <= PolicyItem.objects.count() <= 45
    assert {k for k in PolicyItem.objects.values_list("kind", flat=True)} >= {"reduction", "award"}
    assert {m for m in PolicyItem.objects.values_list("mode", flat=True)} == {"auto", "quick", "apply"}
    for v in RuleVersion.objects.all():
        assert all(c["ok"] for c in rules.run_test_cases(v)), v
    summary = selectors.ledger_summary(user=seeded["city_admin"], year=timezone.localdate().year)
    assert abs(summary["total"] - Decimal("8671000")) < Decimal("1000")  # 867.1亿元 in 万元
    assert summary["deferrals"] > 0 and ("缓缴" in summary["sentence"] or "Deferrals" in summary["sentence"])
    assert len({r["kind"] for r in summary["by_kind"]}) == 8
    mine = Eligibility.objects.filter(enterprise=seeded["enterprise_demo"].enterprise, status="notified",
                                      item__policy__department=seeded["dept_transport"].organisation)
    assert mine.exists()
    from industry_brain.demands.models import Notification
    inbox = Notification.objects.filter(kind="policy_benefit")
    assert inbox.filter(recipient=seeded["enterprise_demo"]).count() == Eligibility.objects.filter(
        enterprise=seeded["enterprise_demo"].enterprise, status="notified").count()
    assert set(inbox.values_list("recipient__enterprise_id", flat=True)) <= set(
        Eligibility.objects.filter(status="notified").values_list("enterprise_id", flat=True))
    metrics = selectors.overall_metrics(user=seeded["city_admin"])
    assert metrics["paid"] > 0 and 0 < metrics["auto_share"] < 100 and metrics["expired"] > 0
    other = selectors.eligibility_list(user=seeded["enterprise_demo2"])
    assert not other.filter(enterprise=seeded["enterprise_demo"].enterprise).exists()
