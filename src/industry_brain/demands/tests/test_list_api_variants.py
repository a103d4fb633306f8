"""The demand list API's rows and counts for every variant the benchmark times (benchmarks/bench_demands.py
`list_variants`) and every role equal the plain answer: the role's restricted queryset narrowed by plainly written
filters (a LIKE for the search, without the bigram index's pairs), in the API's order, sliced to the page.

Runs on SQLite and PostgreSQL (where the search finds its candidates by `ib_name_bigrams`); every page reads its
keys first, then its rows by key."""

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

pytestmark = pytest.mark.django_db

ACCOUNTS = ["city_admin", "xihu_officer", "chain_iot", "dept_transport", "cadre_demo", "enterprise_demo"]


@pytest.fixture
def seeded(db):
    """The tiny demo data set: the contract's accounts and a few thousand demands with their steps and flags."""
    from industry_brain.core.context import acting_as
    from industry_brain.demo.demands import seed_demands
    from industry_brain.demo.foundation import seed_foundation
    from industry_brain.demo.projects import seed_projects

    with acting_as(None, label="command:seed_demo"):
        users = seed_foundation(scale="tiny", seed=2022)["users"]
        seed_projects(scale="tiny", seed=2022, users=users)
        seed_demands(scale="tiny", seed=2022, users=users)


def _variants(visible: int, page_size: int = 50) -> list[tuple[dict, Q, int, int]]:
    """(query, the plain filter, page, page size) of each benchmark variant, plus searches of one, three and more
    characters, an ASCII one and a second page of a search, and the last page of 20 rows."""
    from industry_brain.accounts.models import Organisation
    from industry_brain.demands.models import Demand

    last = Demand.objects.order_by("-submitted_on").values_list("submitted_on", flat=True).first()
    transport = Organisation.objects.filter(name="杭州市交通运输局").values_list("pk", flat=True).first()
    pages = max(1, visible // page_size)
    today = timezone.localdate()
    overdue = Q(status__in=["accepted", "in_progress"], due_date__lt=today)
    group = Q(category__code="logistics") | Q(category__parent__code="logistics")
    labour = Q(category__code="labour") | Q(category__parent__code="labour")
    month = last.replace(day=1) if last else dt.date(2026, 1, 1)
    return [
        ({}, Q(), 1, 50),
        ({"page": min(3, pages)}, Q(), min(3, pages), 50),
        ({"page": max(1, pages // 2)}, Q(), max(1, pages // 2), 50),
        ({"page": max(1, visible // 20 - 1), "page_size": 20}, Q(), max(1, visible // 20 - 1), 20),
        ({"status": "in_progress"}, Q(status="in_progress"), 1, 50),
        ({"status": "resolved"}, Q(status="resolved"), 1, 50),
        ({"district": "330109"}, Q(district_id="330109"), 1, 50),
        ({"category": "logistics"}, group, 1, 50),
        ({"category": "finance.loan"}, Q(category__code="finance.loan"), 1, 50),
        ({"department": transport}, Q(department_id=transport), 1, 50),
        ({"overdue": "true"}, overdue, 1, 50),
        ({"flagged": "true"}, Q(is_flagged=True), 1, 50),
        ({"escalated": "true"}, Q(escalation_level__gt=0), 1, 50),
        ({"search": "通行"}, Q(search_text__contains="通行"), 1, 50),
        ({"search": "通"}, Q(search_text__contains="通"), 1, 50),
        ({"search": "通行受"}, Q(search_text__contains="通行受"), 1, 50),
        ({"search": "物流车辆通行"}, Q(search_text__contains="物流车辆通行"), 1, 50),
        ({"search": "Co"}, Q(search_text__contains="co"), 1, 50),
        ({"search": "有限公司", "page": 2}, Q(search_text__contains="有限公司"), 2, 50),
        ({"submitted_from": month.isoformat()}, Q(submitted_on__gte=month), 1, 50),
        ({"page_size": 200}, Q(), 1, 200),
        ({"district": "330106", "category": "labour", "status": "closed"},
         Q(district_id="330106", status="closed") & labour, 1, 50),
    ]


def test_list_api_rows_and_counts_equal_the_plain_query_for_every_role_and_variant(seeded):
    """Every page of the list reads its keys first, then the rows by key (api.views.DemandListPaginator)."""
    checked = _check_variants()
    assert checked >= len(ACCOUNTS) * 10


def _check_variants() -> int:
    from django.test import Client

    from industry_brain.accounts.models import User
    from industry_brain.demands.models import Demand

    checked = 0
    for username in ACCOUNTS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        visible = Demand.objects.restrict(user, "view").count()
        for query, where, page, size in _variants(visible):
            params = {k: v for k, v in query.items() if v is not None}
            response = client.get("/api/v1/demands/", params)
            plain = Demand.objects.restrict(user, "view").filter(where).order_by("-submitted_at", "-id")
            count = plain.count()
            if (page - 1) * size >= max(count, 1):
                assert response.status_code == 404, (username, query)
                continue
            assert response.status_code == 200, (username, query, response.content[:300])
            body = response.json()
            expected = list(plain.values_list("pk", flat=True)[(page - 1) * size:page * size])
            assert body["count"] == count, (username, query)
            assert [row["id"] for row in body["results"]] == expected, (username, query)
            checked += 1
    return checked


def test_the_searches_find_demands(seeded):
    """The fixture reaches the paths the search variants are there for: matches of one, two, three and more
    characters, and more than a page of them."""
    from industry_brain.demands.models import Demand

    assert Demand.objects.filter(search_text__contains="有限公司").count() > 50
    for value in ("通", "通行", "通行受", "物流车辆通行"):
        assert Demand.objects.filter(search_text__contains=value).exists(), value


def test_list_rows_are_the_detail_rows_for_every_role(seeded):
    """Each row of the list (related names read as columns of the page's rows, timelines read per page) is the
    demand as its detail shows it, less the detail's own fields: every contracted field, name and value."""
    from django.test import Client

    from industry_brain.accounts.models import User

    checked = 0
    for page in (1, 2):
        for username in ACCOUNTS:
            client = Client()
            client.force_login(User.objects.get(username=username))
            for query in ({"page_size": 12}, {"page_size": 12, "status": "in_progress"},
                          {"page_size": 12, "flagged": "true"}, {"page_size": 12, "search": "通行"}):
                response = client.get("/api/v1/demands/", {**query, "page": page})
                rows = response.json()["results"] if response.status_code == 200 else []
                for row in rows:
                    detail = client.get(f"/api/v1/demands/{row['id']}/").json()
                    detail.pop("similar")
                    detail.pop("cohandling")
                    assert row == detail, (username, row["id"])
                    checked += 1
    assert checked > 100
