"""A work team's enterprise list reads its ecosystem's stored member rows (`EcosystemMember`): the same rows in the
same order as the plain restricted query for every role, filter and sort, on the page and in the API; the rows
follow the membership and enterprise services, the chain statistics refresh repairs rows written around them, and
the list takes the plain path while they are stale. A firm is a member of an ecosystem, chain or node once its
membership is confirmed: the list's ecosystem, chain and node filters (page, API, export) count confirmed memberships
only, compared here with the plain confirmed-only query while proposed and rejected memberships lie beside them."""

import datetime as dt
import importlib
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict

from industry_brain.chains import services as chain_services
from industry_brain.chains.choices import MembershipStatus
from industry_brain.chains.models import ChainMembership
from industry_brain.core.pagination import DeferredJoinPaginator
from industry_brain.enterprises import selectors, services
from industry_brain.enterprises.filtersets import EnterpriseFilterSet
from industry_brain.enterprises.models import EcosystemMember, Enterprise
from industry_brain.enterprises.tables import EnterpriseTable
from industry_brain.testing import ALL_ROLES, make_chain, make_enterprise

pytestmark = pytest.mark.django_db

DISTRICTS = ["330106", "330109", "330102"]
INDUSTRIES = ["39", "27", "36"]
TIERS = ["", "specialised", "little_giant", ""]


@pytest.fixture
def crowd(world):
    """Forty more firms: members of the team's ecosystem (some in two of its nodes or two of its chains), of another
    ecosystem, proposed or rejected only, or in no chain; repeated names (ties broken by id), missing founding dates,
    every tier, three districts and industries."""
    nodes = list(world.chain.nodes.order_by("pk"))
    second = make_chain(world.ecosystem, "sensor", "传感器")
    other = world.other_chain.nodes.order_by("pk").first()
    firms = []
    for i in range(40):
        e = make_enterprise(f"杭州群测{i % 13:02d}号电子有限公司", DISTRICTS[i % 3], INDUSTRIES[i % 4 % 3],
                            above=i % 3 == 0, figures=False)
        Enterprise.objects.filter(pk=e.pk).update(top_tier=TIERS[i % 4],
                                                  founded_on=None if i % 5 == 0 else dt.date(2000 + i % 7, 1, 1))
        kind = i % 6
        if kind in (0, 1, 2):
            ChainMembership.objects.create(enterprise=e, node=nodes[i % 3])
        if kind == 1:
            ChainMembership.objects.create(enterprise=e, node=nodes[(i + 1) % 3])
        if kind == 2:
            ChainMembership.objects.create(enterprise=e, node=second.nodes.order_by("pk").first())
        if kind == 3:
            ChainMembership.objects.create(enterprise=e, node=other)
        if kind == 4:
            ChainMembership.objects.create(enterprise=e, node=nodes[0], status=MembershipStatus.PROPOSED)
            ChainMembership.objects.create(enterprise=e, node=nodes[1], status=MembershipStatus.REJECTED)
        firms.append(e)
    services.ecosystem_members_sync()
    return firms


def _queries(world):
    """Filters and sorts of the list, each alone and combined (the first node holds proposals, the second rejected
    memberships: `crowd`'s kind 4)."""
    node, rejected = world.chain.nodes.order_by("pk")[:2]
    return [{"node": rejected.pk}, {"chain": world.chain.pk, "district": "330106"},
            {"ecosystem": world.ecosystem.pk, "chain": world.chain.pk, "node": node.pk},
            {"ecosystem": world.ecosystem.pk, "tier": "specialised", "sort": "-founded_on"},
            {}, {"district": "330106"}, {"industry": "39"}, {"is_above_scale": "true"},
            {"is_above_scale": "false"}, {"tier": ["specialised", "little_giant"]}, {"tier": "little_giant"},
            {"ecosystem": world.ecosystem.pk}, {"ecosystem": world.other_ecosystem.pk}, {"chain": world.chain.pk},
            {"node": node.pk}, {"search": "群测"}, {"search": "群测01"}, {"search": "西测"},
            {"district": "330109", "is_above_scale": "true", "tier": "specialised"},
            {"sort": "-founded_on"}, {"sort": "founded_on"}, {"sort": "district"}, {"sort": "-top_tier"},
            {"sort": "uscc"}, {"sort": "-name"}, {"sort": "industry"}, {"sort": "-is_above_scale"},
            {"district": "330106", "sort": "-founded_on"}, {"tier": "specialised", "sort": "-name"}]


# The membership filters and the memberships they stand for, in the plain confirmed-only query.
MEMBERSHIP_FILTERS = {"ecosystem": "node__chain__ecosystem", "chain": "node__chain", "node": "node"}


def _confirmed(**where):
    return ChainMembership.objects.filter(status=MembershipStatus.CONFIRMED, **where).values("enterprise_id")


def _plain(user, query) -> list[int]:
    """The list as the plain restricted query gives it: `restrict(user, "view")` narrowed to the firms with a
    confirmed membership in the chosen ecosystem, chain or node (written out here, not the FilterSet's), the other
    filters by the FilterSet, ordered by the sort column with ties broken by id in the same direction."""
    qs = Enterprise.objects.restrict(user, "view")
    for key, lookup in MEMBERSHIP_FILTERS.items():
        if key in query:
            qs = qs.filter(pk__in=_confirmed(**{lookup: query[key]}))
    data = QueryDict(urlencode({k: v for k, v in query.items() if k != "sort" and k not in MEMBERSHIP_FILTERS},
                               doseq=True))
    fs = EnterpriseFilterSet(data, queryset=qs)
    assert fs.is_valid(), fs.errors
    order = EnterpriseTable.ordering_for(query.get("sort"))
    return list(fs.qs.order_by(order, "-pk" if order.startswith("-") else "pk").values_list("pk", flat=True))


def _page(client, query) -> list[int]:
    response = client.get("/enterprises/", {**query, "per_page": 200})
    assert response.status_code == 200
    return [e.pk for e in response.context["page_obj"].object_list]


def _drop_proposals():
    """Leave only confirmed memberships (the filters' rows must not change)."""
    ChainMembership.objects.exclude(status=MembershipStatus.CONFIRMED).delete()


def _api(api_client, query) -> tuple[list[int], int]:
    data = api_client.get("/api/v1/enterprises/", {**query, "page_size": 1000}).json()
    return [row["id"] for row in data["results"]], data["count"]


@pytest.mark.parametrize("proposals", [True, False], ids=["with-proposals", "confirmed-only"])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_filter_and_sort_lists_the_plain_querys_rows_in_its_order(client, api, world, crowd, role,
                                                                             proposals):
    if not proposals:
        _drop_proposals()
    user = world.user(role)
    client.force_login(user)
    api_client = api.as_user(user)
    for query in _queries(world):
        expected = _plain(user, query)
        response = client.get("/enterprises/", {**query, "per_page": 200})
        assert [e.pk for e in response.context["page_obj"].object_list] == expected, query
        assert response.context["paginator"].count == len(expected), query
        if "sort" not in query:
            assert _api(api_client, query) == (expected, len(expected)), query


def test_proposed_and_rejected_memberships_make_no_member_until_the_city_confirms(client, api, world, crowd):
    """A firm proposed to one node and rejected from another (`crowd`'s kind 4) is in no filter's list, whatever
    the role, although the memberships of any status name it; confirming the proposal adds it to the ecosystem's,
    the chain's and that node's lists (page, API and counts, stored rows still read), not to the rejected node's."""
    node, rejected = world.chain.nodes.order_by("pk")[:2]
    firm = crowd[4]
    filters = {"ecosystem": world.ecosystem.pk, "chain": world.chain.pk, "node": node.pk}
    queries = [({key: value}, True) for key, value in filters.items()] + [({"node": rejected.pk}, False)]
    for query, _ in queries:  # memberships of any status name the firm there: the test can fail
        (key, value), = query.items()
        assert ChainMembership.objects.filter(enterprise=firm, **{MEMBERSHIP_FILTERS[key]: value}).exists(), query

    def check(member: bool):
        for role in ALL_ROLES:
            user = world.user(role)
            client.force_login(user)
            api_client = api.as_user(user)
            for query, confirmable in queries:
                expected = _plain(user, query)
                assert _page(client, query) == expected, (role, query)
                assert _api(api_client, query) == (expected, len(expected)), (role, query)
                if role == "city":
                    assert (firm.pk in expected) is (member and confirmable), query

    check(member=False)
    proposal = ChainMembership.objects.get(enterprise=firm, node=node, status=MembershipStatus.PROPOSED)
    chain_services.membership_confirm(actor=world.user("city"), membership=proposal)
    assert selectors.reads_ecosystem_rows(selectors.enterprise_list(
        user=world.user("city"), params={"ecosystem": str(world.ecosystem.pk)}))
    check(member=True)


def test_a_reader_filtering_by_an_ecosystem_reads_its_rows_while_they_are_its_confirmed_members(world, crowd):
    """The ecosystem filter and the stored rows both count confirmed memberships: the filtered list reads the rows
    whenever they match those memberships (decision 53's check), proposals and rejections beside them or not. The
    chain and node filters are never read from the rows; stale rows send the list the plain way until repaired."""
    ecosystem = {"ecosystem": str(world.ecosystem.pk)}
    node = world.chain.nodes.order_by("pk").first()
    outsider = crowd[5]  # kind 5: in no chain
    assert ChainMembership.objects.exclude(status=MembershipStatus.CONFIRMED).exists()
    for role in ("city", "district"):
        user = world.user(role)
        rows = selectors.enterprise_list(user=user, params=ecosystem)
        assert selectors.stored_rows_ecosystem(rows) == world.ecosystem.pk
        for params in ({"ecosystem": "x"}, {}, {"chain": str(world.chain.pk)}, {"node": str(node.pk)}):
            assert not selectors.reads_ecosystem_rows(selectors.enterprise_list(user=user, params=params)), params
    # A proposal from outside the rows changes neither the rows nor the list: still read from the rows.
    ChainMembership.objects.create(enterprise=outsider, node=node, status=MembershipStatus.PROPOSED)
    assert selectors.reads_ecosystem_rows(selectors.enterprise_list(user=world.user("city"), params=ecosystem))
    assert outsider.pk not in _plain(world.user("city"), ecosystem)
    # A confirmed membership written around the services: the rows are stale, the list is the plain query's.
    ChainMembership.objects.filter(enterprise=outsider).update(status=MembershipStatus.CONFIRMED)
    selectors.memberships_changed()  # a queryset update is unseen by the signals for up to ROWS_CHECK_SECONDS
    rows = selectors.enterprise_list(user=world.user("city"), params=ecosystem)
    assert not selectors.reads_ecosystem_rows(rows)
    assert outsider.pk in EnterpriseFilterSet(QueryDict(f"ecosystem={world.ecosystem.pk}"), queryset=rows).qs \
        .values_list("pk", flat=True)
    services.ecosystem_members_sync()
    assert selectors.reads_ecosystem_rows(selectors.enterprise_list(user=world.user("city"), params=ecosystem))


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_stored_rows_and_the_live_path_list_the_same_firms(client, api, world, crowd, monkeypatch, role):
    """Every list that reads the stored rows (a team's, an ecosystem filter's) gives the same page, API rows and
    counts when the live path answers instead (the check made to fail), with proposals and rejections present."""
    user = world.user(role)
    client.force_login(user)
    api_client = api.as_user(user)
    queries = [q for q in _queries(world) if "ecosystem" in q or role == "chain_team"]
    stored = {}
    for i, query in enumerate(queries):
        reads = selectors.reads_ecosystem_rows(selectors.enterprise_list(
            user=user, params={k: str(v) for k, v in query.items() if k == "ecosystem"}))
        assert reads, query  # the team's list always, anyone's filtered by an ecosystem
        response = client.get("/enterprises/", {**query, "per_page": 200})
        stored[i] = ([e.pk for e in response.context["page_obj"].object_list], response.context["paginator"].count,
                     _api(api_client, query) if "sort" not in query else None)
    monkeypatch.setattr(selectors, "ecosystem_rows_current", lambda **kwargs: False)
    for i, query in enumerate(queries):
        assert not selectors.reads_ecosystem_rows(selectors.enterprise_list(
            user=user, params={k: str(v) for k, v in query.items() if k == "ecosystem"}))
        response = client.get("/enterprises/", {**query, "per_page": 200})
        live = ([e.pk for e in response.context["page_obj"].object_list], response.context["paginator"].count,
                _api(api_client, query) if "sort" not in query else None)
        assert live == stored[i], query
        assert live[0] == _plain(user, query), query


def test_the_whole_rows_are_counted_and_paged_from_the_rows_alone_and_nothing_else_is(world, crowd):
    team = selectors.enterprise_list(user=world.user("chain_team"))
    city = selectors.enterprise_list(user=world.user("city"), params={"ecosystem": str(world.ecosystem.pk)})
    for rows in (team, city):
        ordered = rows.order_by(*selectors.list_ordering(rows, ["-founded_on", "-pk"]))
        assert ordered._rows_alone() is not None
        plain = list(Enterprise.objects.filter(pk__in=list(rows.values_list("pk", flat=True)))
                     .order_by("-founded_on", "-pk").values_list("pk", flat=True))
        assert list(ordered.values_list("pk", flat=True)) == plain
        assert list(ordered.values_list("pk", flat=True)[3:9]) == plain[3:9]
        assert ordered.count() == len(plain) and ordered[:5].count() == 5
        # Filters on the copied columns are conditions on the rows too: counted and paged from them alone.
        for query in ("district=330106", "industry=39&is_above_scale=true", "tier=specialised&tier=little_giant",
                      "is_above_scale=false&district=330109"):
            narrowed = EnterpriseFilterSet(QueryDict(query), queryset=ordered).qs
            assert narrowed._rows_alone() is not None, query
            expected = list(EnterpriseFilterSet(QueryDict(query), queryset=Enterprise.objects.filter(pk__in=plain)).qs
                            .order_by("-founded_on", "-pk").values_list("pk", flat=True))
            assert expected and narrowed.count() == len(expected), query
            assert list(narrowed.values_list("pk", flat=True)) == expected, query
            assert list(narrowed.values_list("pk", flat=True)[1:3]) == expected[1:3], query
        # Any other condition, an unordered list or another order: counted and paged as the list itself.
        assert ordered.filter(name__contains="群测")._rows_alone() is None
        assert rows.order_by("name")._rows_alone() is None
        node = world.chain.nodes.order_by("pk").first()
        for query in ("search=群测", f"node={node.pk}", f"chain={world.chain.pk}"):
            narrowed = EnterpriseFilterSet(QueryDict(query), queryset=ordered).qs
            assert narrowed._rows_alone() is None, query
            assert narrowed.count() == len(EnterpriseFilterSet(QueryDict(query), queryset=Enterprise.objects.filter(
                pk__in=plain)).qs), query


def test_the_team_reads_the_stored_rows_and_the_rows_are_its_scope(world, crowd):
    user = world.user("chain_team")
    rows = selectors.enterprise_list(user=user)
    assert selectors.reads_ecosystem_rows(rows)
    assert set(rows.values_list("pk", flat=True)) == set(Enterprise.objects.restrict(user, "view").values_list(
        "pk", flat=True))
    assert rows.count() > 20
    for role in ALL_ROLES:  # nobody else: their scopes are not an ecosystem's members
        if role != "chain_team":
            assert not selectors.reads_ecosystem_rows(selectors.enterprise_list(user=world.user(role))), role


@pytest.mark.parametrize("role", ["chain_team", "city", "district"])
def test_a_deep_page_is_the_plain_slice(client, api, world, crowd, monkeypatch, role):
    monkeypatch.setattr(DeferredJoinPaginator, "deep_offset", 5)
    user = world.user(role)
    client.force_login(user)
    api_client = api.as_user(user)
    filters = {} if role == "chain_team" else {"ecosystem": world.ecosystem.pk}
    for query in ({**filters, "sort": sort} for sort in ("name", "-founded_on", "industry", "-uscc")):
        expected = _plain(user, query)
        for page in (2, 3):
            response = client.get("/enterprises/", {**query, "per_page": 5, "page": page})
            assert [e.pk for e in response.context["page_obj"].object_list] == expected[(page - 1) * 5:page * 5]
    expected = _plain(user, filters)
    data = api_client.get("/api/v1/enterprises/", {**filters, "page_size": 5, "page": 3}).json()
    assert [row["id"] for row in data["results"]] == expected[10:15]
    assert data["count"] == len(expected)


def _stored() -> set[tuple]:
    return set(EcosystemMember.objects.values_list("ecosystem_id", "enterprise_id", "name", "uscc", "district_id",
                                                   "industry_id", "is_above_scale", "top_tier", "founded_on"))


def _derived() -> set[tuple]:
    """What the rows must be: every confirmed member firm of each ecosystem with its current columns."""
    rows = set()
    for m in ChainMembership.objects.counted().select_related("node__chain", "enterprise"):
        e = m.enterprise
        rows.add((m.node.chain.ecosystem_id, e.pk, e.name, e.uscc, e.district_id, e.industry_id, e.is_above_scale,
                  e.top_tier, e.founded_on))
    return rows


def test_the_services_keep_the_rows_current(world, crowd):
    city = world.user("city")
    team = world.user("chain_team")
    node = world.chain.nodes.order_by("pk").last()
    outsider = crowd[5]  # kind 5: in no chain
    assert _stored() == _derived()

    chain_services.membership_add(actor=city, node=node, enterprise=outsider)
    assert (world.ecosystem.pk, outsider.pk) in {r[:2] for r in _stored()}
    assert _stored() == _derived()

    proposal = chain_services.membership_add(actor=team, node=node, enterprise=crowd[11])  # kind 5 too
    assert _stored() == _derived()  # a proposal counts for nothing yet
    chain_services.membership_confirm(actor=city, membership=proposal)
    assert (world.ecosystem.pk, crowd[11].pk) in {r[:2] for r in _stored()}

    services.enterprise_update(actor=city, enterprise=Enterprise.objects.get(pk=outsider.pk),
                               data={"name": "杭州改名电子有限公司", "district": "330102", "founded_on": None})
    assert _stored() == _derived()
    services.recognition_record(actor=city, enterprise=Enterprise.objects.get(pk=outsider.pk), tier="eagle",
                                level="city", year=2025)
    assert _stored() == _derived()
    services.figures_record(actor=city, enterprise=Enterprise.objects.get(pk=outsider.pk), year=2025,
                            values={"revenue": 100, "main_revenue": 50})
    assert _stored() == _derived()

    chain_services.membership_remove(actor=city, membership=ChainMembership.objects.get(node=node,
                                                                                        enterprise=outsider))
    assert outsider.pk not in {r[1] for r in _stored()}
    assert _stored() == _derived()


def test_rows_written_around_the_services_send_the_list_the_plain_way_until_the_refresh(client, world, crowd):
    user = world.user("chain_team")
    client.force_login(user)
    late = make_enterprise("杭州后补电子有限公司", "330106", node=world.chain.nodes.order_by("pk").first(),
                           figures=False)  # a membership written around the services
    assert not selectors.reads_ecosystem_rows(selectors.enterprise_list(user=user))
    assert late.pk in _page(client, {})
    assert _page(client, {}) == _plain(user, {})

    chain_services.ecosystem_stats_refresh()  # the hourly refresh repairs the rows
    assert _stored() == _derived()
    assert selectors.reads_ecosystem_rows(selectors.enterprise_list(user=user))
    assert _page(client, {}) == _plain(user, {})

    Enterprise.objects.filter(pk=late.pk).update(name="杭州再改电子有限公司")  # a copied column, around the services
    assert services.ecosystem_members_sync() == (1, 1)
    assert services.ecosystem_members_sync() == (0, 0)  # rows already right are left alone
    assert _stored() == _derived()


def test_the_migration_fills_the_rows_as_the_sync_does(world, crowd):
    fill = importlib.import_module("industry_brain.enterprises.migrations.0007_ecosystem_members").FILL
    expected = _stored()
    EcosystemMember.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(fill)
    assert _stored() == expected == _derived()


def test_the_check_is_kept_until_a_membership_node_or_chain_is_written(client, world, crowd):
    from django.test.utils import CaptureQueriesContext

    user = world.user("chain_team")
    client.force_login(user)
    ecosystem = world.ecosystem.pk
    assert selectors.ecosystem_rows_current(ecosystem_id=ecosystem)
    with CaptureQueriesContext(connection) as kept:
        assert selectors.ecosystem_rows_current(ecosystem_id=ecosystem)
    assert len(kept) == 0  # the positive answer is kept: no comparison on the next request

    gone = crowd[0]  # a member of one node only
    assert gone.pk in _page(client, {})
    ChainMembership.objects.get(enterprise=gone).delete()  # removed around the services (as the Django admin does)
    assert not selectors.ecosystem_rows_current(ecosystem_id=ecosystem)
    assert gone.pk not in _page(client, {})
    assert _page(client, {}) == _plain(user, {})

    services.ecosystem_members_sync(enterprises=[gone.pk])
    assert selectors.ecosystem_rows_current(ecosystem_id=ecosystem)
    node = world.chain.nodes.order_by("pk").first()
    node.save()  # a node saved (it could have moved to another chain): a new generation, compared again
    with CaptureQueriesContext(connection) as compared:
        assert selectors.ecosystem_rows_current(ecosystem_id=ecosystem)
    assert len(compared) == 1


@pytest.mark.parametrize("key", list(MEMBERSHIP_FILTERS))
def test_the_export_holds_the_confirmed_members_and_their_confirmed_places_only(client, world, crowd, key):
    """The export narrows by the same filters (confirmed members) and its chain places are confirmed ones: a firm
    rejected from one node and proposed to another shows neither."""
    import io

    from openpyxl import load_workbook

    nodes = list(world.chain.nodes.order_by("pk"))
    firm = crowd[10]  # kind 4: proposed to the first node, rejected from the second
    ChainMembership.objects.create(enterprise=firm, node=nodes[2])
    services.ecosystem_members_sync(enterprises=[firm.pk])
    value = {"ecosystem": world.ecosystem.pk, "chain": world.chain.pk, "node": nodes[2].pk}[key]
    client.force_login(world.user("city"))
    response = client.get("/enterprises/export/", {key: value})
    ws = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in ws[1]]
    rows = [dict(zip(headers, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    expected = Enterprise.objects.filter(pk__in=_plain(world.user("city"), {key: value})).order_by("name", "pk")
    assert [r["统一社会信用代码"] for r in rows] == list(expected.values_list("uscc", flat=True))
    assert crowd[4].uscc not in {r["统一社会信用代码"] for r in rows}  # proposed and rejected only
    place = next(r for r in rows if r["统一社会信用代码"] == firm.uscc)
    assert place["链上环节"] == nodes[2].name
