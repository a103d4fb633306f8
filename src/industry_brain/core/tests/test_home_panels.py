"""The home panels' fast reads (a list with its total in one query, a panel's figures in one statement, scope-wide
figures kept per user under a data generation) give, for every role, the same figures and items as the plain
computation (every list read, every count asked); the home page's query count does not grow with the data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from industry_brain.core import home
from industry_brain.demands.models import Notification
from industry_brain.enterprises.models import Enterprise, Recognition
from industry_brain.matchmaking.models import Intention
from industry_brain.testing import ALL_ROLES, make_enterprise

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _period() -> dt.date:
    today = timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _grow(world, n: int, tag: str) -> None:
    """n more of everything the panels list or count, in both districts: firms on the ladder, above-scale firms
    without the month's report, recognitions about to expire, overdue deals of several owners, standings at each
    step of the policy pipeline, unread messages for every user."""
    from industry_brain.policies.models import Eligibility, RuleVersion
    from industry_brain.policies.tests.helpers import ABOVE_SCALE, make_item

    today = timezone.localdate()
    tiers = ["specialised", "little_giant", "eagle", ""]
    firms = []
    for k in range(n):
        firm = make_enterprise(f"杭州面板{tag}{k:02d}测试有限公司", "330106" if k % 2 else "330109", figures=False,
                               above=k % 3 != 0)
        Enterprise.objects.filter(pk=firm.pk).update(top_tier=tiers[k % len(tiers)])
        firms.append(firm)
        Recognition.objects.create(enterprise=firm, tier="specialised", level="provincial", year=2024,
                                   valid_until=today + dt.timedelta(days=(k * 7) % 120 - 60))
    owners = [world.user("city"), world.user("district"), world.user("chain_team"), world.user("cadre"), None]
    for k in range(n):
        Intention.objects.create(kind="order", buyer=firms[k], seller=firms[-1 - k], product=f"铜箔{tag}{k}",
                                 amount=Decimal(100), status="declared" if k % 2 else "signed",
                                 owner=owners[k % len(owners)], follow_up_due=today - dt.timedelta(days=k % 4 + 1))
    for owner in ({}, {"district": "330106"}):
        item = make_item(world, conditions=ABOVE_SCALE, **owner)
        version = RuleVersion.objects.filter(item=item).first()
        states = [("candidate", True), ("candidate", None), ("confirmed", True), ("payable", True), ("held", True),
                  ("notified", True)]
        now = timezone.now()
        Eligibility.objects.bulk_create([
            Eligibility(item=item, enterprise=firm, version=version, result=states[k % 6][1], status=states[k % 6][0],
                        computed_at=now, as_of=dt.date(2026, 1, 1),
                        confirmed_at=now - dt.timedelta(hours=k) if states[k % 6][0] in ("confirmed", "payable")
                        else None)
            for k, firm in enumerate(firms)])
    for role in ALL_ROLES:
        Notification.objects.bulk_create([Notification(recipient=world.user(role), kind="progress",
                                                       text=f"消息{tag}{k}", link="/") for k in range(n)])


@pytest.fixture
def filled(world):
    _grow(world, 11, "甲")
    cache.clear()
    return world


# The plain computations, as the panels read them before (every list read in full, every figure counted apart).

def _plain_registry(user):
    qs = Enterprise.objects.restrict(user, "change")
    return {"total": qs.count(), "above": qs.filter(is_above_scale=True).count(),
            **{t: qs.filter(top_tier=t).count() for t in
               ("specialised", "hidden_champion", "little_giant", "single_champion", "eagle", "kunpeng")}}


def _plain_recognitions(user):
    today = timezone.localdate()
    window = dt.timedelta(days=Recognition.RENEWAL_WINDOW_DAYS)
    qs = Recognition.objects.filter(enterprise__in=Enterprise.objects.restrict(user, "change").values("pk"),
                                    valid_until__gte=today - window, valid_until__lte=today + window)
    return qs.count(), [r.enterprise.name for r in qs.order_by("valid_until", "pk")[:8]]


def _plain_follow_up(user):
    from industry_brain.matchmaking import selectors

    late = selectors.follow_up_overdue(user=user)
    if user.role in ("chain_team", "cadre"):
        late = late.filter(owner=user)
    return late.count(), [f"{i.product} · {i.buyer.name}" for i in late.order_by("follow_up_due", "pk")[:5]]


def _plain_policy_counts(user):
    from industry_brain.policies import selectors
    from industry_brain.policies.models import PolicyItem

    qs = selectors.eligibility_list(user=user)
    if user.role == "department":
        qs = qs.filter(item__in=PolicyItem.objects.filter(policy__department_id=user.organisation_id))
    elif user.role == "district":
        qs = qs.filter(item__in=PolicyItem.objects.filter(policy__district_id=user.district_code))
    return [qs.filter(status="candidate", result=True, superseded_by__isnull=True).count(),
            qs.filter(status__in=["confirmed", "payable"]).count(), qs.filter(status="held").count()]


def _stat(panel, label):
    return next(s["value"] for s in panel["stats"] if str(s["label"]) == label)


def _every_role_matches_plain(world):
    from industry_brain.enterprises.panels import enterprise_home_panel, recognition_reminders_panel
    from industry_brain.matchmaking.panels import follow_up_panel
    from industry_brain.monitoring import selectors as monitoring_selectors
    from industry_brain.monitoring.panels import monitoring_home_panel
    from industry_brain.policies.panels import policy_home_panel

    for role in ALL_ROLES:
        user = world.user(role)
        request = _request(user)
        cache.clear()
        panel = enterprise_home_panel(request)
        if panel and panel["order"] == 50:
            plain = _plain_registry(user)
            assert [s["value"] for s in panel["stats"]] == [f"{v:,}" for v in plain.values()], role

        panel = recognition_reminders_panel(request)
        from industry_brain.core.permissions import can
        if can(user, "renew", Recognition):
            total, names = _plain_recognitions(user)
            if total:
                shown = [it["text"] for it in panel["items"]]
                assert len(shown) == len(names) and all(n in t for n, t in zip(names, shown, strict=True)), role
                assert panel["more"] == total - len(names), role
            else:
                assert panel is None, role
        else:
            assert panel is None, role

        panel = follow_up_panel(request)
        if role == "department":
            assert panel is None
        else:
            total, texts = _plain_follow_up(user)
            if total:
                assert panel["stats"][0]["value"] == total, role
                assert [it["text"] for it in panel["items"]] == texts, role
            else:
                assert panel is None, role

        panel = monitoring_home_panel(request)
        if panel and role != "enterprise" and role.split("_")[0] in ("city", "district"):
            missing = monitoring_selectors.missing_reports(user=user, period=_period()).count()
            assert panel["stats"][0]["value"] == f"{missing:,}", role

        panel = policy_home_panel(request)
        if panel and panel["order"] == 4:
            assert [s["value"] for s in panel["stats"]] == _plain_policy_counts(user), role


def test_every_role_sees_the_plain_figures_and_items(filled):
    _every_role_matches_plain(filled)
    # A firm's own account, the registry keepers' figures: at least the city's are not all zero.
    assert _plain_registry(filled.user("city"))["total"] > 0


def test_kept_figures_follow_a_saved_firm_and_are_never_shared_between_users(filled):
    from industry_brain.enterprises.panels import enterprise_home_panel

    city, xihu = filled.user("city"), filled.user("district")

    def figures(user):
        return {str(s["label"]): s["value"] for s in enterprise_home_panel(_request(user))["stats"]}

    before_city, before_xihu = figures(city), figures(xihu)
    assert before_city != before_xihu  # per user: the district's own count, not the city's kept one
    make_enterprise("杭州新登记测试有限公司", "330106", figures=False)  # a save starts a new generation
    after_city, after_xihu = figures(city), figures(xihu)
    assert after_city == {k: v for k, v in zip(after_city, (f"{x:,}" for x in _plain_registry(city).values()),
                                               strict=True)}
    assert after_xihu != before_xihu and after_city != before_city


def test_kept_figures_are_read_once_until_the_generation_changes(filled):
    from industry_brain.enterprises.panels import enterprise_home_panel

    request = _request(filled.user("city"))
    enterprise_home_panel(request)
    with CaptureQueriesContext(connection) as warm:
        enterprise_home_panel(request)
    assert not [q for q in warm.captured_queries if "enterprises_enterprise" in q["sql"]]
    home.figures_changed()
    with CaptureQueriesContext(connection) as cold:
        enterprise_home_panel(request)
    assert [q for q in cold.captured_queries if "enterprises_enterprise" in q["sql"]]


def test_rows_and_total_and_counts_equal_the_plain_reads(filled):
    qs = Recognition.objects.order_by("valid_until", "pk")
    for n in (1, 3, 100):
        rows, total = home.rows_and_total(qs, n)
        assert [r.pk for r in rows] == [r.pk for r in qs[:n]] and total == qs.count()
    assert home.rows_and_total(qs.filter(pk__lt=0), 5) == ([], 0)
    found = home.counts({"all": Enterprise.objects.all(), "xihu": Enterprise.objects.filter(district_id="330106"),
                         "none": Enterprise.objects.filter(pk__in=[])})
    assert found == {"all": Enterprise.objects.count(),
                     "xihu": Enterprise.objects.filter(district_id="330106").count(), "none": 0}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_home_page_query_count_does_not_grow_with_the_data(client, world, role):
    """One of each thing the panels list, then many more than any list shows: the same number of queries (the
    kept figures forgotten before each page, so both pages read them)."""
    _grow(world, 1, "乙")
    client.force_login(world.user(role))
    client.get("/")

    def page_queries():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    small = page_queries()
    _grow(world, 12, "丙")
    assert page_queries() <= small
