"""The chains' named right (placing a firm with immediate effect, deciding proposals) and the member reads' scope
filter, per role: answered by `can` and `scope_filter`, allowed and refused."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from industry_brain.chains import memberships
from industry_brain.chains.choices import MembershipStatus
from industry_brain.chains.models import ChainMembership
from industry_brain.chains.selectors import nodes_enterprises
from industry_brain.core.permissions import can, scope_filter
from industry_brain.enterprises.models import enterprise_scope
from industry_brain.testing import ALL_ROLES

pytestmark = pytest.mark.django_db

MAY_PLACE = {"city"}
# which member of the team chain's midstream node (the xihu firm) each role reads on a chain page
SEES_XIHU_MEMBER = {"city", "district", "district_other", "chain_team", "cadre", "enterprise"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_place_is_answered_by_can_and_decides_proposals(world, role):
    user = world.user(role)
    assert can(user, "place", ChainMembership) == (role in MAY_PLACE)
    proposal = ChainMembership.objects.create(node=world.chain.nodes.get(segment="upstream"),
                                              enterprise=world.ent_xiaoshan, status=MembershipStatus.PROPOSED)
    assert can(user, "place", proposal) == (role in MAY_PLACE)
    assert can(user, "confirm", proposal) == (role in MAY_PLACE)
    assert can(user, "reject", proposal) == (role in MAY_PLACE)


@pytest.mark.parametrize("role,status", [("city", MembershipStatus.CONFIRMED),
                                         ("chain_team", MembershipStatus.PROPOSED)])
def test_the_city_places_at_once_and_the_work_team_proposes(world, role, status):
    membership = memberships.membership_add(actor=world.user(role), node=world.chain.nodes.get(segment="upstream"),
                                            enterprise=world.ent_xiaoshan)
    assert membership.status == status
    assert (membership.decided_by_id is not None) == (status == MembershipStatus.CONFIRMED)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_scope_filter_is_the_rule_for_others_and_everything_for_the_city(world, role):
    user = world.user(role)
    found = scope_filter(user, enterprise_scope, "view", prefix="enterprise__")
    if role == "city":
        assert found == Q()
    else:
        expected = enterprise_scope(user, "view", prefix="enterprise__")
        rows = ChainMembership.objects.all()
        assert (found is None) == (expected is None)
        if expected is not None:
            assert set(rows.filter(found).values_list("pk", flat=True)) == \
                set(rows.filter(expected).values_list("pk", flat=True))
    mid = world.chain.nodes.get(segment="midstream")
    listed = {e.pk for e in nodes_enterprises([mid], user)[mid.pk]}
    assert (world.ent_xihu.pk in listed) == (role in SEES_XIHU_MEMBER)


def test_scope_filter_gives_nothing_to_an_anonymous_or_inactive_user(world):
    assert scope_filter(AnonymousUser(), enterprise_scope, "view") is None
    city = world.user("city")
    city.is_active = False
    assert scope_filter(city, enterprise_scope, "view") is None
