"""The enterprise list stays bounded as the registry grows: a fixed number of queries per page and per API
call whatever the number of rows, search that finds the same rows through its indexes, deep pages that are
exactly the plain slice, and sorts whose ties follow the sort direction."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industry_brain.core.pagination import DeferredJoinPaginator
from industry_brain.enterprises.models import Enterprise
from industry_brain.testing import make_enterprise

pytestmark = pytest.mark.django_db


def _queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def crowd(world):
    """Sixty more enterprises in two districts, half of them in the team's chain."""
    node = world.chain.nodes.get(segment="upstream")
    return [make_enterprise(f"杭州群测{i:02d}号电子有限公司", "330106" if i % 2 else "330109", above=i % 3 == 0,
                            node=node if i % 2 else None, figures=False) for i in range(60)]


@pytest.mark.parametrize("role", ["city", "district", "chain_team"])
def test_list_page_issues_the_same_queries_for_one_row_and_for_many(client, world, crowd, role,
                                                                    django_assert_max_num_queries):
    client.force_login(world.user(role))
    one = _queries(client, f"/enterprises/?search={world.ent_xihu.uscc}")
    with django_assert_max_num_queries(one):
        response = client.get("/enterprises/?per_page=200")
    assert len(response.context["page_obj"].object_list) > 30


@pytest.mark.parametrize("role", ["city", "district", "chain_team"])
def test_list_api_issues_the_same_queries_for_one_row_and_for_many(api, world, crowd, role,
                                                                   django_assert_max_num_queries):
    client = api.as_user(world.user(role))
    one = _queries(client, f"/api/v1/enterprises/?search={world.ent_xihu.uscc}")
    with django_assert_max_num_queries(one):
        data = client.get("/api/v1/enterprises/?page_size=200").json()
    assert data["count"] > 30 and len(data["results"]) == data["count"]


def test_list_page_query_count_is_fixed(client, world, crowd, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(DeferredJoinPaginator, "deep_offset", 20)
    client.force_login(world.user("city"))
    # session, user, count, page, and the four choice lists of the filter form
    # (the filter form's choices: districts, industries, ecosystems, chains and chain nodes, one query each)
    with django_assert_max_num_queries(9):
        client.get("/enterprises/")
    with django_assert_max_num_queries(10):  # a deep page reads its keys first, then its rows
        client.get("/enterprises/?per_page=10&page=6")


def _search(api, world, term) -> set[str]:
    data = api.as_user(world.user("city")).get("/api/v1/enterprises/", {"search": term, "page_size": 1000}).json()
    return {row["name"] for row in data["results"]}


def test_search_by_name_fragment_finds_the_same_rows_however_long_the_fragment(api, world):
    make_enterprise("杭州银正汽车部件有限公司", "330109", "36")
    make_enterprise("杭州正银汽车部件有限公司", "330109", "36")
    make_enterprise("宁波Acme银正Robotics有限公司", "330109", "34")
    assert _search(api, world, "银正") == {"杭州银正汽车部件有限公司", "宁波Acme银正Robotics有限公司"}
    assert _search(api, world, "银正汽车") == {"杭州银正汽车部件有限公司"}
    assert _search(api, world, "  银正汽车 ") == {"杭州银正汽车部件有限公司"}
    assert _search(api, world, "acme") == {"宁波Acme银正Robotics有限公司"}  # Latin letters: any case
    assert _search(api, world, "ROBOT") == {"宁波Acme银正Robotics有限公司"}
    assert _search(api, world, "汽") == {"杭州银正汽车部件有限公司", "杭州正银汽车部件有限公司"}


def test_search_by_credit_code_prefix_and_whole_code(api, world):
    code = world.ent_xihu.uscc
    assert _search(api, world, code[:8]) >= {world.ent_xihu.name}
    assert _search(api, world, code[:17].lower()) == {world.ent_xihu.name}
    assert _search(api, world, code.lower()) == {world.ent_xihu.name}
    assert _search(api, world, code) == {world.ent_xihu.name}


def test_an_eighteen_character_name_is_searched_as_a_name(api, world):
    name = "杭州十八个字的测试名称电子科技有限公司"[:18]
    make_enterprise(name + "x")
    assert len(name) == 18
    assert _search(api, world, name) == {name + "x"}


def test_a_deep_page_holds_exactly_the_rows_of_the_plain_slice(world, crowd):
    qs = Enterprise.objects.select_related("district").order_by("-is_above_scale", "-pk")
    plain = [e.pk for e in qs]
    paginator = DeferredJoinPaginator(qs, 7)
    paginator.deep_offset = 0
    pages = [[e.pk for e in paginator.page(n).object_list] for n in paginator.page_range]
    assert [pk for page in pages for pk in page] == plain
    assert paginator.page(3).object_list[0].district.name  # related rows still joined


def test_descending_sort_breaks_ties_by_id_descending(client, world, crowd):
    client.force_login(world.user("city"))
    rows = list(client.get("/enterprises/?sort=-is_above_scale&per_page=200").context["page_obj"].object_list)
    keys = [(e.is_above_scale, e.pk) for e in rows]
    assert keys == sorted(keys, reverse=True)
    rows = list(client.get("/enterprises/?sort=district&per_page=200").context["page_obj"].object_list)
    keys = [(e.district_id, e.pk) for e in rows]
    assert keys == sorted(keys)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram and pattern indexes are PostgreSQL's")
def test_search_indexes_exist_on_postgresql(world):
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'enterprises_enterprise'")
        names = {row[0] for row in cur.fetchall()}
    assert {"enterprise_name_trgm_idx", "enterprise_uscc_prefix_idx"} <= names
