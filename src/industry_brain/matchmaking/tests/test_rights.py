"""Matchmaking's named right (reading a chain's gaps) and the chain choices of the event and target forms, per role:
answered by `can` and the chains' declared scope, allowed and refused."""

import pytest

from industry_brain.chains.models import Chain
from industry_brain.core.permissions import can
from industry_brain.matchmaking.forms import EventForm, TargetForm
from industry_brain.testing import ALL_ROLES

pytestmark = pytest.mark.django_db

READS_GAPS_OF_TEAM_CHAIN = {"city", "chain_team"}
READS_GAPS_OF_OTHER_CHAIN = {"city"}
# chains (and their nodes) offered when planning an event or naming a target: the city every chain, the work team
# its ecosystem's; roles that may not plan events or name targets are offered none (their pages refuse them first)
CHAINS_OFFERED = {"city": {"team", "other"}, "chain_team": {"team"}}


def _names(world, chains) -> set[str]:
    names = {world.chain.pk: "team", world.other_chain.pk: "other"}
    return {names[c.pk] for c in chains if c.pk in names}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_read_gaps_is_answered_by_can(world, role):
    user = world.user(role)
    assert can(user, "read_gaps", Chain) == (role in READS_GAPS_OF_TEAM_CHAIN)
    assert can(user, "read_gaps", world.chain) == (role in READS_GAPS_OF_TEAM_CHAIN)
    assert can(user, "read_gaps", world.other_chain) == (role in READS_GAPS_OF_OTHER_CHAIN)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_gap_pages_and_api_ask_the_right(world, client, api, role):
    user = world.user(role)
    client.force_login(user)
    overview = client.get("/matchmaking/gaps/")
    assert overview.status_code == (200 if role in READS_GAPS_OF_TEAM_CHAIN else 404)
    if overview.status_code == 200:
        assert (world.other_chain.name in overview.content.decode()) == (role in READS_GAPS_OF_OTHER_CHAIN)
    for chain, readers in ((world.chain, READS_GAPS_OF_TEAM_CHAIN), (world.other_chain, READS_GAPS_OF_OTHER_CHAIN)):
        assert client.get(f"/matchmaking/gaps/{chain.pk}/").status_code == (200 if role in readers else 404)
        assert api.as_user(user).get(f"/api/v1/chains/{chain.pk}/gaps/").status_code == \
            (200 if role in readers else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_event_and_target_forms_offer_the_chains_the_user_keeps(world, role):
    user = world.user(role)
    offered = CHAINS_OFFERED.get(role, set())
    assert _names(world, EventForm(user=user).fields["chain"].queryset) == offered
    nodes = TargetForm(user=user).fields["node"].queryset
    assert _names(world, {n.chain for n in nodes}) == offered


OWNS_FOLLOW_UP = set(ALL_ROLES) - {"enterprise", "enterprise_other"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_own_follow_up_is_answered_by_can(world, role):
    from industry_brain.matchmaking.models import Intention

    assert can(world.user(role), "own_follow_up", Intention) == (role in OWNS_FOLLOW_UP)


@pytest.mark.parametrize("role", ["city", "enterprise"])
def test_a_recorded_deal_is_followed_up_by_its_recorder_unless_a_firm_records_it(world, role):
    from decimal import Decimal

    from industry_brain.matchmaking import services
    from industry_brain.testing import make_enterprise

    seller = make_enterprise("杭州跟进测试有限公司", "330106")
    it = services.intention_declare(actor=world.user(role), data={
        "kind": "order", "buyer": world.ent_xihu, "seller": seller, "product": "铜箔", "amount": Decimal(100)})
    assert it.owner == (world.user(role) if role in OWNS_FOLLOW_UP else None)
