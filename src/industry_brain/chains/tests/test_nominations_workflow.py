"""Chain-master nominations on the core engine: designate and revoke declared once, refused 403/409 uniformly,
a timeline step per step, and `allowed_actions` in the API."""

import pytest
from django.core.exceptions import PermissionDenied

from industry_brain.chains import services
from industry_brain.chains.nominations import CHAIN_MASTER
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.workflow import steps_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def master(world):
    return services.chain_master_nominate(actor=world.user("chain_team"), chain=world.chain,
                                          enterprise=world.ent_xihu, reason="链上龙头")


def test_the_declaration():
    assert {t.name: (set(t.sources), t.target) for t in CHAIN_MASTER} == {
        "designate": ({"nominated"}, "designated"), "revoke": ({"nominated", "designated"}, "revoked")}


@pytest.mark.parametrize("role", ["chain_team", "district", "department", "cadre", "enterprise"])
def test_only_the_city_designates_or_revokes(world, master, role):
    assert CHAIN_MASTER.allowed_names(master, world.user(role)) == []
    with pytest.raises(PermissionDenied):
        services.chain_master_designate(actor=world.user(role), master=master)
    with pytest.raises(PermissionDenied):
        services.chain_master_revoke(actor=world.user(role), master=master, reason="x")


def test_designate_then_revoke_then_nothing(api, world, master):
    city = world.user("city")
    assert CHAIN_MASTER.allowed_names(master, city) == ["designate", "revoke"]
    master = services.chain_master_designate(actor=city, master=master)
    assert master.status == "designated" and master.designated_on is not None
    assert CHAIN_MASTER.allowed_names(master, city) == ["revoke"]
    with pytest.raises(TransitionNotAllowed):
        services.chain_master_designate(actor=city, master=master)
    master = services.chain_master_revoke(actor=city, master=master, reason="不再符合条件")
    assert CHAIN_MASTER.allowed_names(master, city) == []
    r = api.as_user(city).post(f"/api/v1/chain-masters/{master.pk}/revoke/", {"reason": "again"}, format="json")
    assert r.status_code == 409
    assert [(s.action, s.from_status, s.to_status, s.note) for s in steps_for(master)] == [
        ("designate", "nominated", "designated", ""), ("revoke", "designated", "revoked", "不再符合条件")]


def test_allowed_actions_in_the_api(api, world, master):
    city = api.as_user(world.user("city")).get(f"/api/v1/chain-masters/{master.pk}/")
    team = api.as_user(world.user("chain_team")).get(f"/api/v1/chain-masters/{master.pk}/")
    assert city.json()["allowed_actions"] == ["designate", "revoke"]
    assert team.json()["allowed_actions"] == []
