"""The demand detail page reads its demand by primary key without ORDER BY or LIMIT (a cheap plan) and reads the
similar-demand flags and systemic alerts only for those who may compare firms; for every role it shows the same
demand as the plain restricted read, and the similar-demands section exactly when the role may compare."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industry_brain.core.permissions import can
from industry_brain.demands.models import Demand, SystemicAlert
from industry_brain.testing import ALL_ROLES

from .helpers import LOGISTICS_TEXT_2, raise_demand, resolved

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(world):
    raise_demand(world)
    demand = resolved(world, raise_demand(world, description=LOGISTICS_TEXT_2))
    assert demand.flags.exists()
    return demand


@pytest.mark.parametrize("role", ALL_ROLES)
def test_detail_page_shows_the_plain_restricted_demand_and_similar_demands_only_to_who_may_compare(
        client, world, flagged, role):
    user = world.user(role)
    plain = Demand.objects.restrict(user, "view").filter(pk=flagged.pk).first()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"/demands/{flagged.pk}/")
    if plain is None:
        assert r.status_code == 404
        return
    assert r.status_code == 200
    shown = r.context["object"]
    assert shown.pk == plain.pk and shown.title == plain.title and shown.status == plain.status
    assert shown.enterprise.name == plain.enterprise.name and shown.category == plain.category
    html = r.content.decode()
    may_compare = can(user, "view_similar", plain)
    assert ('id="similar"' in html) == may_compare
    flag_reads = [q["sql"] for q in ctx.captured_queries if '"demands_demandflag"' in q["sql"]]
    alert_reads = [q["sql"] for q in ctx.captured_queries if '"demands_systemicalert"' in q["sql"]]
    if may_compare:
        assert flag_reads and f"#{flagged.flags.get().similar_to_id}" in html
    else:
        assert not flag_reads and not alert_reads
    demand_reads = [q["sql"] for q in ctx.captured_queries
                    if q["sql"].startswith('SELECT "demands_demand"."id", "demands_demand"."created"')]
    assert len(demand_reads) == 1 and "LIMIT" not in demand_reads[0] and "ORDER BY" not in demand_reads[0]


def test_the_enterprise_sees_no_similar_demands_section_even_with_flags(client, world, flagged):
    client.force_login(world.user("enterprise"))
    html = client.get(f"/demands/{flagged.pk}/").content.decode()
    assert 'id="similar"' not in html
    client.force_login(world.user("city"))
    assert 'id="similar"' in client.get(f"/demands/{flagged.pk}/").content.decode()


def test_the_pages_alerts_cost_no_query_each(client, world, flagged, django_assert_num_queries):
    """The systemic alerts a demand belongs to are listed by place and category (a category with its parent): read
    with the alerts, so the page asks as many queries with a district and a chain alert as with none."""
    client.force_login(world.user("city"))
    url = f"/demands/{flagged.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    day, alerts = dt.date(2026, 11, 2), []
    for kind, place in (("district", {"district_id": "330106"}), ("chain", {"chain": world.chain})):
        alert = SystemicAlert.objects.create(scope_kind=kind, category=flagged.category, window_start=day,
                                             window_end=day, enterprise_count=3, **place)
        alert.demands.add(flagged)
        alerts.append(alert)
    with django_assert_num_queries(len(before.captured_queries)):
        r = client.get(url)
    html = r.content.decode()
    assert all(f'href="{a.get_absolute_url()}"' in html for a in alerts)
    assert world.chain.name in html and str(flagged.category) in html
