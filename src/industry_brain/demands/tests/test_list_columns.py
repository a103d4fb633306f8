"""The demand lists read only the columns they show (the page's table, the API's fields) and the API reads each
page's timelines as tuples: for every role and filter, the same rows and the same answer as the plain reads
(every column, the timeline prefetched as model instances), with a flat number of queries."""

import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from industry_brain.demands import selectors, services
from industry_brain.demands.api.serializers import DemandSerializer
from industry_brain.demands.filtersets import DemandFilterSet
from industry_brain.demands.models import Demand, DemandStep
from industry_brain.demands.tables import DemandTable
from industry_brain.testing import ALL_ROLES

from .helpers import accepted, in_progress, raise_demand, resolved

pytestmark = pytest.mark.django_db

FILTERS = ["", "status=in_progress", "status=resolved&status=closed", "district=330106", "category=logistics",
           "category=labour.recruitment", "overdue=false", "search=通行", "flagged=true"]


@pytest.fixture
def several(world):
    """Demands of both firms in every state, transferred, co-handled, raised by the cadre, with and without a
    department, chain and project: the columns the lists show take every kind of value."""
    a = resolved(world, raise_demand(world))
    services.demand_rate(actor=world.user("enterprise"), demand=a, satisfaction="dissatisfied", comment="仍有问题")
    b = in_progress(world, raise_demand(world, code="labour.recruitment", title="招工难", description="一线工人短缺"))
    services.demand_cohandle_open(actor=world.user("department"), demand=b, department=world.other_department,
                             request="请协助")
    c = accepted(world, raise_demand(world, user_key="enterprise_other", code="finance.loan", title="贷款",
                                     description="授信额度"), department=world.other_department)
    services.demand_transfer(actor=world.user("district_other"), demand=c, department=world.department,
                             reason="职能")
    raise_demand(world, user_key="cadre", enterprise=world.ent_xihu, urgency="urgent")
    raise_demand(world, user_key="enterprise_other")
    return Demand.objects.count()


def _plain(user, query: str):
    """The list as read before: every column, the related rows whole, the timeline prefetched."""
    from django.db.models import Prefetch
    from django.http import QueryDict

    qs = Demand.objects.restrict(user, "view").select_related(
        "enterprise", "category", "category__parent", "category_root", "department", "district").prefetch_related(
        Prefetch("steps", queryset=DemandStep.objects.order_by("at", "id")))
    fs = DemandFilterSet(QueryDict(query), queryset=qs)
    assert fs.is_valid(), fs.errors
    return fs.qs.order_by("-submitted_at", "-id")


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_list_api_answers_as_the_plain_read(api, world, several, role):
    user = world.user(role)
    client = api.as_user(user)
    request = Request(RequestFactory().get("/api/v1/demands/"))
    request.user = user
    for query in FILTERS:
        answer = client.get(f"/api/v1/demands/?page_size=100&{query}").json()
        plain = DemandSerializer(list(_plain(user, query)), many=True, context={"request": request}).data
        assert answer["results"] == plain, (role, query)
        assert answer["count"] == len(plain)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_list_page_shows_what_the_plain_read_shows(client, world, several, role):
    from django.http import QueryDict

    user = world.user(role)
    client.force_login(user)
    for query in FILTERS:
        context = client.get(f"/demands/?{query}").context
        shown = list(context["table"].body())
        plain = list(DemandTable(list(_plain(user, query)), request=None).body())
        assert shown == plain, (role, query)
        only = DemandFilterSet(QueryDict(query), queryset=Demand.objects.restrict(user, "view").only(
            *selectors.PAGE_LIST_FIELDS)).qs
        assert only.count() == len(plain)


def test_the_api_list_reads_no_deferred_column(api, world, several, django_assert_max_num_queries):
    """A column the serializer needs but the list left out would be read once per row."""
    client = api.as_user(world.user("city"))
    with django_assert_max_num_queries(6):
        r = client.get("/api/v1/demands/?page_size=100")
    assert r.json()["count"] == several and all(row["timeline"] for row in r.json()["results"])
