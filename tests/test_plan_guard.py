"""Plan guard (PostgreSQL): the queries behind the main lists use their indexes for every role.

Each list page and list API is requested as each role on a small seeded world; every SELECT on a large table is
explained with sequential scans priced out (`industry_brain.testing.plan_guard`). A query that can only be
answered by reading a whole large table fails here, in `make test`, before any benchmark runs. The last test
shows the guard catching a dropped index.
"""

import pytest
from django.db import connection

from industry_brain.testing.plan_guard import LARGE_TABLES, page_sequential_scans

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's (the production "
                                                                          "database); SQLite has no planner to guard")]

LISTS = [
    "/enterprises/",
    "/enterprises/?search=电子",
    "/enterprises/?search=西测",
    "/enterprises/?search=9133",
    "/enterprises/?district=330106&is_above_scale=true",
    "/enterprises/?sort=-founded_on",
    "/enterprises/?tier=little_giant&sort=industry",
    "/api/v1/enterprises/",
    "/api/v1/enterprises/?search=西测",
    "/api/v1/enterprises/?district=330106",
    "/projects/",
    "/api/v1/projects/",
    "/demands/",
    "/api/v1/demands/",
    "/demands/?search=通行",
    "/api/v1/demands/?search=通行",
]


@pytest.fixture
def seeded(db):
    """The tiny demo data set (about 1,000 enterprises, their projects and demands and the contract's accounts), so
    that the planner's statistics look like a registry's and not like an empty table's."""
    from industry_brain.core.context import acting_as
    from industry_brain.demo.demands import seed_demands
    from industry_brain.demo.foundation import seed_foundation
    from industry_brain.demo.projects import seed_projects

    with acting_as(None, label="command:seed_demo"):
        users = seed_foundation(scale="tiny", seed=2022)["users"]
        seed_projects(scale="tiny", seed=2022, users=users)
        seed_demands(scale="tiny", seed=2022, users=users)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


ACCOUNTS = ["city_admin", "xihu_officer", "chain_iot", "dept_transport", "cadre_demo", "enterprise_demo"]


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_main_lists_use_their_indexes_for_every_role(seeded):
    from industry_brain.accounts.models import User

    problems = []
    for username in ACCOUNTS:
        client = _client_for(User.objects.get(username=username))
        checked = 0
        for url in LISTS:
            if client.get(url).status_code != 200:
                continue  # not this role's list (404/403 is the scope tests' business)
            problems += [f"{username} {url}: {scan}" for scan in page_sequential_scans(client, url)]
            checked += 1
        assert checked == len(LISTS) or username != "city_admin", "the city bureau reads every main list"
        assert checked > 0, username
    assert not problems, "\n".join(problems)


def test_chain_pages_use_their_indexes_for_every_role(seeded):
    """The chain page (node counts, outputs and each node's largest members) of the chain with the most members
    reads memberships by node and firms by key for every role."""
    from django.db.models import Count

    from industry_brain.accounts.models import User
    from industry_brain.chains.models import Chain

    chain = Chain.objects.annotate(n=Count("nodes__memberships")).order_by("-n", "pk").first()
    problems = []
    for username in ACCOUNTS:
        client = _client_for(User.objects.get(username=username))
        url = f"/chains/{chain.pk}/"
        assert client.get(url).status_code == 200, username
        problems += [f"{username} {url}: {scan}" for scan in page_sequential_scans(client, url)]
    assert not problems, "\n".join(problems)


def test_the_guard_catches_a_dropped_index(seeded):
    from industry_brain.accounts.models import User

    client = _client_for(User.objects.get(username="city_admin"))
    url = "/enterprises/?district=330106"
    assert page_sequential_scans(client, url) == []
    with connection.cursor() as cur:  # DDL is transactional on PostgreSQL: the test's rollback restores them
        cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'enterprises_enterprise' "
                    "AND indexdef ~ '\\(district_id[,) ]'")
        names = [name for (name,) in cur.fetchall()]
        assert names, "the district indexes of the registry"
        for name in names:
            cur.execute(f'DROP INDEX "{name}"')
    scans = page_sequential_scans(client, url)
    assert any(s.table == "enterprises_enterprise" for s in scans), scans


def test_the_chain_teams_list_reads_its_ecosystems_stored_rows(seeded):
    """A work team's enterprise list is a range of its ecosystem's stored rows (enterprises.EcosystemMember, read by
    (ecosystem, column, firm) indexes), and the guard catches the stored rows' indexes dropped (with its firm index
    left, the planner walks the registry's own sort index and probes the rows by firm: no sequential scan to see,
    so that one goes too)."""
    from django.test.utils import CaptureQueriesContext

    from industry_brain.accounts.models import User

    client = _client_for(User.objects.get(username="chain_iot"))
    url = "/enterprises/?sort=-founded_on"
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert any("enterprises_ecosystemmember" in q["sql"] and "ORDER BY" in q["sql"] for q in ctx.captured_queries)
    assert page_sequential_scans(client, url) == []
    with connection.cursor() as cur:  # DDL is transactional on PostgreSQL: the test's rollback restores them
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the seeded rows' deferred FK checks, before the ALTER
        cur.execute("ALTER TABLE enterprises_ecosystemmember DROP CONSTRAINT ecomember_unique")
        cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'enterprises_ecosystemmember' "
                    "AND indexdef ~ '\\((ecosystem|enterprise)_id'")
        names = [name for (name,) in cur.fetchall()]
        assert names, "the (ecosystem, column, firm) indexes of the stored rows"
        for name in names:
            cur.execute(f'DROP INDEX "{name}"')
    scans = page_sequential_scans(client, url)
    assert any(s.table == "enterprises_ecosystemmember" for s in scans), scans


def test_the_guard_catches_the_demand_search_index_dropped(seeded):
    """A demand search of two or more characters finds its candidates by the bigram index (demands migration 0010);
    without it the count reads every demand's text."""
    from industry_brain.accounts.models import User

    client = _client_for(User.objects.get(username="city_admin"))
    url = "/api/v1/demands/?search=通行"
    assert page_sequential_scans(client, url) == []
    with connection.cursor() as cur:  # rolled back with the test
        cur.execute("DROP INDEX demand_search_bigram_idx")
    scans = page_sequential_scans(client, url)
    assert any(s.table == "demands_demand" for s in scans), scans


def _department_keys_plan(department_id: int) -> list[dict]:
    """The scans of demands in the plan of a department's deep page of keys (the API's order), with sorts, bitmap
    scans and sequential scans priced out: can an index give the department's demands already in order?"""
    import json

    from industry_brain.demands.models import Demand

    keys = Demand.objects.filter(department_id=department_id).order_by("-submitted_at", "-id").values_list(
        "pk", flat=True)[1000:1050]
    sql, params = keys.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_sort = off")
        cur.execute("SET LOCAL enable_incremental_sort = off")
        cur.execute("SET LOCAL enable_bitmapscan = off")
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        raw = cur.fetchone()[0]
        for name in ("enable_seqscan", "enable_sort", "enable_incremental_sort", "enable_bitmapscan"):
            cur.execute(f"SET LOCAL {name} = on")
    plan = (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]
    nodes, todo = [], [plan]
    while todo:
        node = todo.pop()
        todo += node.get("Plans", [])
        if node.get("Relation Name") == "demands_demand":
            nodes.append(node)
    return nodes


def test_a_departments_deep_page_steps_over_its_own_index(seeded):
    """A department's deep page (dept_transport's list, or `?department=`) reads its keys from the (department,
    -submitted_at, -id) index, an index condition on the department, instead of walking every demand's recent-first
    index and skipping the other departments' rows; dropping that index shows as the walk with a filter."""
    from industry_brain.accounts.models import User

    department = User.objects.get(username="dept_transport").organisation_id
    nodes = _department_keys_plan(department)
    assert [n.get("Index Name") for n in nodes] == ["demand_department_recent_idx"], nodes
    assert "department_id" in nodes[0].get("Index Cond", ""), nodes
    with connection.cursor() as cur:  # rolled back with the test
        cur.execute("DROP INDEX demand_department_recent_idx")
    nodes = _department_keys_plan(department)
    assert any("Index Cond" not in n and "department_id" in n.get("Filter", "") for n in nodes), nodes


def _map_scans(client) -> list:
    """The whole-table reads behind a cold map answer (the cache emptied first: a cached answer runs no query)."""
    from django.core.cache import cache

    cache.clear()
    return page_sequential_scans(client, "/api/v1/projects/map/")


def test_the_map_reads_its_located_index_for_every_role(seeded):
    """The map writes the located projects only (not the reserve projects without a site): PostgreSQL finds them by
    the partial index of projects migration 0006 for every role instead of reading every project, and without that
    index the city's map is a whole-table read again."""
    from industry_brain.accounts.models import User

    problems = []
    for username in ACCOUNTS:
        client = _client_for(User.objects.get(username=username))
        problems += [f"{username}: {scan}" for scan in _map_scans(client)]
    assert not problems, "\n".join(problems)
    city = _client_for(User.objects.get(username="city_admin"))
    with connection.cursor() as cur:  # rolled back with the test
        cur.execute("DROP INDEX project_map_located_idx")
    scans = _map_scans(city)
    assert any(s.table == "projects_project" for s in scans), scans


HOME_TABLES = (*LARGE_TABLES, "enterprises_recognition")


def test_every_roles_home_page_uses_its_indexes(seeded):
    """Each role's home page (its inbox with every module's panels) reads no large table whole; the renewal
    reminders of a district's firms read the recognitions in their window from the index of enterprises migration
    0008, and without it they walk every recognition of the firm index to test its end date (decision 69)."""
    from industry_brain.accounts.models import User

    problems = []
    for username in ACCOUNTS:
        client = _client_for(User.objects.get(username=username))
        problems += [f"{username}: {scan}" for scan in page_sequential_scans(client, "/", HOME_TABLES)]
    assert not problems, "\n".join(problems)
    district = _client_for(User.objects.get(username="xihu_officer"))
    with connection.cursor() as cur:  # rolled back with the test
        cur.execute("DROP INDEX recognition_firm_until_idx")
    scans = page_sequential_scans(district, "/", HOME_TABLES)
    assert any(s.table == "enterprises_recognition" for s in scans), scans
