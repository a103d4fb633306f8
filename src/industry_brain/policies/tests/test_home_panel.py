"""The bureaus' home panel of policy benefits: its counts and its "to pay" list, read from the partial indexes of
the standings (to pay, to publish), keep counting and ordering as before, and its query count stays flat."""

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from industry_brain.policies.models import Eligibility, RuleVersion
from industry_brain.policies.panels import policy_home_panel
from industry_brain.testing import make_enterprise

from .helpers import ABOVE_SCALE, make_item

pytestmark = pytest.mark.django_db

STATES = [  # (status, result, superseded) of the crafted standings
    ("candidate", True, False), ("candidate", True, True), ("candidate", None, False), ("candidate", False, False),
    ("confirmed", True, False), ("payable", True, False), ("paid", True, False), ("held", True, False),
    ("notified", True, False),
]


def _standings(world, n_firms: int, **owner):
    item = make_item(world, conditions=ABOVE_SCALE, **owner)
    version = RuleVersion.objects.filter(item=item).first()
    now = timezone.now()
    rows = []
    for k in range(n_firms):
        firm = make_enterprise(f"面板测试企业{item.pk}-{k:03d}", figures=False)
        status, result, _superseded = STATES[k % len(STATES)]
        rows.append(Eligibility(item=item, enterprise=firm, version=version, result=result, status=status,
                                computed_at=now, as_of=dt.date(2026, 1, 1),
                                confirmed_at=now - dt.timedelta(days=n_firms - k)
                                if status in ("confirmed", "payable", "paid") else None))
    rows = Eligibility.objects.bulk_create(rows)
    for k, row in enumerate(rows):
        if STATES[k % len(STATES)][2]:
            row.superseded_by = rows[0]
            row.save(update_fields=["superseded_by"])
    return item


def _panel(user):
    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as ctx:
        panel = policy_home_panel(request)
    return panel, len(ctx.captured_queries)


def _expected():
    rows = Eligibility.objects.all()
    return [rows.filter(status="candidate", result=True, superseded_by__isnull=True).count(),
            rows.filter(status__in=["confirmed", "payable"]).count(), rows.filter(status="held").count()]


def test_the_city_panel_counts_and_lists_as_the_plain_queries(world):
    _standings(world, 18)
    panel, _n = _panel(world.user("city"))
    assert [s["value"] for s in panel["stats"]] == _expected() == [2, 4, 2]
    to_pay = sorted((e for e in Eligibility.objects.select_related("enterprise", "item")
                     if e.status in ("confirmed", "payable")), key=lambda e: e.confirmed_at)[:8]
    assert [i["text"] for i in panel["items"]] == [f"{e.enterprise.name} · {e.item.name}" for e in to_pay]


def test_the_panel_asks_as_many_queries_for_many_standings_as_for_few(world):
    _standings(world, 9)
    _panel_few, few = _panel(world.user("city"))
    _standings(world, 45)
    panel, many = _panel(world.user("city"))
    assert many == few
    assert len(panel["items"]) == 8 and [s["value"] for s in panel["stats"]] == _expected()


def test_the_status_filter_lists_each_standing_once_without_distinct(world, api):
    _standings(world, 18)
    expected = set(Eligibility.objects.filter(status__in=["confirmed", "payable"]).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        r = api.as_user(world.user("city")).get("/api/v1/policy-eligibility/?status=confirmed&status=payable"
                                                "&page_size=100")
    assert r.status_code == 200
    assert sorted(row["id"] for row in r.json()["results"]) == sorted(expected) and r.json()["count"] == 4
    assert not [q["sql"] for q in ctx.captured_queries if "policies_eligibility" in q["sql"] and "DISTINCT" in q["sql"]]


@pytest.mark.parametrize("role", ["department", "district"])
def test_an_owners_panel_counts_and_lists_its_own_items_as_the_plain_queries(world, role):
    """A department or district bureau reads the standings of its own policies' items (listed first, then read by
    item and confirmation time), the same rows as filtering by the policy's owner."""
    mine = _standings(world, 18, **({"district": world.xihu.district_id} if role == "district" else {}))
    _standings(world, 18, department=world.other_department)  # another owner's: never on this panel
    user = world.user(role)
    panel, _n = _panel(user)
    rows = Eligibility.objects.filter(item=mine)
    assert [s["value"] for s in panel["stats"]] == [
        rows.filter(status="candidate", result=True, superseded_by__isnull=True).count(),
        rows.filter(status__in=["confirmed", "payable"]).count(), rows.filter(status="held").count()] == [2, 4, 2]
    to_pay = rows.filter(status__in=["confirmed", "payable"]).select_related("enterprise", "item").order_by(
        "confirmed_at")[:8]
    assert [i["text"] for i in panel["items"]] == [f"{e.enterprise.name} · {e.item.name}" for e in to_pay]
