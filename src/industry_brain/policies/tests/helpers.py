"""Builders for the policies tests."""

import datetime as dt

from django.utils import timezone

from industry_brain.policies import services
from industry_brain.policies.models import Policy, PolicyItem

_n = iter(range(1, 10_000))


def make_item(world, *, conditions, amount=None, exclusions=(), params=None, department=None, district=None,
              mode="auto", group="", budget_cap=None, tests=(), measure_kind="subsidy_paid", name=None,
              effective_from=dt.date(2022, 1, 1), confirm_days=10):
    k = next(_n)
    policy = Policy.objects.create(name=f"测试政策{k}", level="city",
                                   department=None if district else (department or world.department),
                                   district_id=district, published_on=dt.date(2026, 1, 1))
    item = PolicyItem.objects.create(policy=policy, code=f"T-{k}", name=name or f"测试事项{k}", kind="award",
                                     mode=mode, budget_year=timezone.localdate().year, budget_cap=budget_cap,
                                     exclusive_group=group, measure_kind=measure_kind,
                                     confirm_working_days=confirm_days)
    services.version_create(actor=world.user("city"), item=item, effective_from=effective_from,
                            conditions=conditions, exclusions=list(exclusions), amount=amount or {"fixed": 10},
                            params=params or {}, tests=list(tests))
    return item


ABOVE_SCALE = {"var": "is_above_scale", "op": "is_true"}
