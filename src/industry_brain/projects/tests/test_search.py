"""The project search (`?search=`: a code's start, or a part of the name or the investor, ignoring case) finds
exactly the rows of the plain filter for every role, on the API and the list page, whether or not the database
answers it from the bigram and code indexes (PostgreSQL, migration 0005)."""

from decimal import Decimal

import pytest
from django.db.models import Q

from industry_brain.projects.models import Project
from industry_brain.testing.scope_matrix import build_scope_world

pytestmark = pytest.mark.django_db

ROLES = ["city", "district", "district_other", "chain_team", "department", "cadre", "enterprise", "enterprise_other"]


def _plain(user, value):
    """The filter as it was written before the indexes: three LIKEs on the restricted queryset."""
    return list(Project.objects.restrict(user, "view").filter(
        Q(code__istartswith=value) | Q(name__icontains=value) | Q(investor_name__icontains=value))
        .order_by("-total_investment", "code").values_list("pk", flat=True))


@pytest.fixture
def projects(db):
    world = build_scope_world()
    rows = [  # code, district, name, investor (none: the world's firm invests)
        ("XM3301062600101", "330106", "年产46万件充换电服务研发及生产基地项目", ""),
        ("XM3301062600102", "330106", "智能充换电装备产业园", "Acme 新能源（香港）有限公司"),
        ("xm3301092600103", "330109", "萧山 AI 算力中心 Phase II", "杭州 acme 科技"),
        ("XM3301092600104", "330109", "生物医药100%_中试基地", "深圳市某某投资"),
        ("QT3301062600105", "330106", "数字经济总部大楼", "ΣΙΓΜΑ Capital"),
    ]
    for i, (code, district, name, investor) in enumerate(rows):
        Project.objects.create(code=code, name=name, district_id=district, investor_name=investor,
                               enterprise=None if investor else world.ent_xihu, ecosystem=world.ecosystem,
                               total_investment=Decimal(10_000 + i), fixed_investment=Decimal(8_000),
                               stage="reserve", responsible_org=world.xihu)
    return world


VALUES = ["XM3301062600101", "xm33010", "XM", "Xm3301092600103", "充换电", "充换", "充", "产业园", "acme", "ACME",
          "Phase ii", "ai 算力", "100%", "%_", "_", "%", "σιγμα", "ΣΙΓΜΑ", "capital", "香港）", "不存在的项目",
          "  充换电  ", "QT", "3301"]


@pytest.mark.parametrize("role", ROLES)
def test_the_api_search_gives_the_plain_rows_for_every_role(api, projects, role):
    user = projects.user(role)
    client = api.as_user(user)
    found_any = 0
    for value in VALUES:
        response = client.get("/api/v1/projects/", {"search": value, "page_size": 1000})
        assert response.status_code == 200, value
        plain = _plain(user, value.strip())
        assert [r["id"] for r in response.json()["results"]] == plain, value
        assert response.json()["count"] == len(plain), value
        found_any += len(plain)
    if Project.objects.restrict(user, "view").exists():  # the comparison must have found rows to mean anything
        assert found_any > 0


def test_the_list_page_search_gives_the_plain_rows(client, projects):
    from industry_brain.projects.filtersets import ProjectFilterSet

    user = projects.user("city")
    for value in VALUES:
        rows = ProjectFilterSet({"search": value}, queryset=Project.objects.restrict(user, "view")).qs
        assert sorted(rows.values_list("pk", flat=True)) == sorted(_plain(user, value.strip())), value
    client.force_login(user)
    page = client.get("/projects/", {"search": "acme"}).content.decode()
    assert "智能充换电装备产业园" in page and "萧山 AI 算力中心 Phase II" in page and "数字经济总部大楼" not in page
