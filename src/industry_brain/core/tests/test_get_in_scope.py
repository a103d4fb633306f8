"""`get_in_scope` (every detail page's read) answers exactly what `.first()` of the restricted queryset answered:
the same object for an in-scope pk, 404 for an out-of-scope or missing one and for an action the role lacks, for
every scoped model, role and action, while reading without ORDER BY or LIMIT (decision 61: those made PostgreSQL
plan a detail read far longer than it ran)."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from industry_brain.core.querysets import ACTIONS, RestrictedQuerySet
from industry_brain.testing import ALL_ROLES
from industry_brain.testing.scope_matrix import build_scope_world

pytestmark = pytest.mark.django_db

# What the detail pages read, with the relations they join.
DETAIL_READS = [
    ("demands.Demand", ("enterprise", "category", "category__parent", "department", "district", "handler", "cadre",
                        "visit", "chain", "chain_node")),
    ("projects.Project", ("district", "enterprise", "ecosystem", "chain", "industry", "responsible_org")),
    ("enterprises.Enterprise", ("district", "industry", "industry__section")),
    ("projects.SupervisionOrder", ("project", "project__district", "warning__rule", "unit")),
    ("matchmaking.Event", ("chain",)),
]


def _reference(qs, user, pk, action):
    """The read as it was: the restricted queryset's `.first()` (ORDER BY … LIMIT 1), None standing for 404."""
    return qs.restrict(user, action).filter(pk=pk).first()


def _answer(qs, user, pk, action):
    try:
        return qs.get_in_scope(user, pk, action)
    except Http404:
        return None


def _same(found, expected) -> bool:
    if expected is None or found is None:
        return found is expected
    fields = [f.attname for f in type(expected)._meta.concrete_fields]
    return type(found) is type(expected) and \
        [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]


@pytest.fixture
def full_world(db):
    """The scope world with a demand (and its co-handling task), a project with a warning and a supervision order,
    a visit, an alert and an event of the team's chain that two firms registered for (so that a firm's event scope,
    `public | registered`, joins more than one registration row)."""
    from industry_brain.matchmaking.models import Event, Registration

    world = build_scope_world()
    for name in ("demand", "cohandling", "supervision", "visit", "alert", "chain_master", "proposal"):
        getattr(world, name)
    event = Event.objects.create(name="对接会（测试）", chain=world.chain, date=dt.date(2025, 6, 1), place="滨江",
                                 organiser="专班", status="open")
    for firm in (world.ent_xihu, world.ent_xiaoshan):
        Registration.objects.create(event=event, enterprise=firm)
    Event.objects.create(name="筹备中的对接会（测试）", chain=world.other_chain, date=dt.date(2025, 7, 1), place="萧山",
                         organiser="专班")
    world.event = event
    return world


def _scoped_models():
    for model in apps.get_models():
        if isinstance(model._default_manager.all(), RestrictedQuerySet) and getattr(model, "scope", None):
            yield model


def test_every_scoped_model_role_and_action_gets_what_first_gave(full_world):
    users = [full_world.user(r) for r in ALL_ROLES] + [AnonymousUser()]
    checked = in_scope = out_of_scope = 0
    for model in _scoped_models():
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True)[:20])
        if not pks or not isinstance(pks[0], int):
            continue
        for pk in [*pks, max(pks) + 1000]:  # every row there is, and one that is missing
            for user in users:
                for action in ACTIONS:
                    qs = model._default_manager.all()
                    expected = _reference(qs, user, pk, action)
                    assert _same(_answer(qs, user, pk, action), expected), (model, pk, user, action)
                    checked += 1
                    in_scope += expected is not None
                    out_of_scope += expected is None and pk in pks
    # the matrix must hold both answers, in-scope and out-of-scope rows, or it proves nothing
    assert checked > 1000 and in_scope > 100 and out_of_scope > 100


@pytest.mark.parametrize("label,related", DETAIL_READS, ids=[d[0] for d in DETAIL_READS])
def test_detail_reads_with_joins_get_the_same_object_for_every_role(full_world, label, related):
    model = apps.get_model(label)
    pks = list(model._base_manager.values_list("pk", flat=True))
    assert pks
    for role in ALL_ROLES:
        user = full_world.user(role)
        for pk in [*pks, max(pks) + 1000]:
            for action in ("view", "change"):
                qs = model._default_manager.select_related(*related)
                assert _same(_answer(qs, user, pk, action), _reference(qs, user, pk, action)), (role, pk, action)


def test_an_out_of_scope_pk_an_action_the_role_lacks_and_a_missing_pk_are_404(full_world):
    from industry_brain.enterprises.models import Enterprise

    own, other = full_world.ent_xihu, full_world.ent_xiaoshan
    firm, district = full_world.user("enterprise"), full_world.user("district")
    assert Enterprise.objects.get_in_scope(firm, own.pk) == own
    assert Enterprise.objects.get_in_scope(district, own.pk, "change") == own
    for user, pk, action in [(firm, other.pk, "view"),  # another firm
                             (district, other.pk, "change"),  # another district's firm
                             (firm, own.pk, "delete"),  # an action the role lacks, on its own firm
                             (district, 987654321, "view"),  # missing
                             (AnonymousUser(), own.pk, "view")]:
        assert _reference(Enterprise.objects.all(), user, pk, action) is None
        with pytest.raises(Http404):
            Enterprise.objects.get_in_scope(user, pk, action)


def test_a_join_that_repeats_the_row_still_gives_the_one_object(full_world):
    from industry_brain.matchmaking.models import Event

    event = full_world.event
    joined = Event.objects.filter(registrations__invited=False)  # two registration rows: the event twice
    assert len(list(joined.filter(pk=event.pk))) == 2
    for role in ("city", "chain_team", "enterprise", "enterprise_other"):
        user = full_world.user(role)
        assert _same(_answer(joined, user, event.pk, "view"), _reference(joined, user, event.pk, "view")), role
    assert joined.get_in_scope(full_world.user("enterprise"), event.pk) == event


def test_the_read_has_neither_order_by_nor_limit_and_brings_its_joins(full_world):
    from industry_brain.demands.models import Demand

    demand = full_world.demand
    qs = Demand.objects.select_related("enterprise", "department")
    with CaptureQueriesContext(connection) as read:
        found = qs.get_in_scope(full_world.user("department"), demand.pk)
    sql = read.captured_queries[-1]["sql"].upper()  # the read (a scope may ask for its id set first)
    assert 'FROM "DEMANDS_DEMAND"' in sql and "ORDER BY" not in sql and "LIMIT" not in sql
    with CaptureQueriesContext(connection) as after:
        assert found.enterprise == full_world.ent_xihu and found.department == full_world.department
    assert not after.captured_queries
