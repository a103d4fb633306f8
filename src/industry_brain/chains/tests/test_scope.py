"""Every role against the chain resources (ecosystems, chains, chain masters, memberships)."""

import pytest

from industry_brain.testing import ALL_ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ALL_ROLES)
def test_ecosystems_and_chains_are_public_inside_the_platform(api, world, role):
    client = api.as_user(world.user(role))
    assert client.get("/api/v1/ecosystems/").status_code == 200
    assert client.get(f"/api/v1/chains/{world.chain.pk}/").status_code == 200
    assert client.get(f"/api/v1/chains/{world.other_chain.pk}/").status_code == 200
    assert client.get("/api/v1/chain-masters/").status_code == 200


@pytest.mark.parametrize("role", ALL_ROLES)
def test_chains_cannot_be_created_or_deleted_through_the_api(api, world, role):
    client = api.as_user(world.user(role))
    assert client.post("/api/v1/chains/", {"name": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/chains/{world.chain.pk}/").status_code == 405


MEMBERSHIPS_SEEN = {"city": 2, "district": 2, "district_other": 2, "chain_team": 1, "department": 0,
                    "department_other": 0, "cadre": 1, "enterprise": 1, "enterprise_other": 1}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_memberships_follow_the_enterprise_scope(api, world, role):
    data = api.as_user(world.user(role)).get("/api/v1/chain-memberships/").json()
    assert data["count"] == MEMBERSHIPS_SEEN[role]


DELETE_MEMBERSHIP = {"city": 204, "district": 403, "district_other": 403, "chain_team": 204, "department": 404,
                     "department_other": 404, "cadre": 403, "enterprise": 403, "enterprise_other": 404}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_city_and_the_team_remove_memberships(api, world, role):
    from industry_brain.chains.models import ChainMembership

    membership = ChainMembership.objects.get(enterprise=world.ent_xihu)
    response = api.as_user(world.user(role)).delete(f"/api/v1/chain-memberships/{membership.pk}/")
    assert response.status_code == DELETE_MEMBERSHIP[role]
    assert ChainMembership.objects.filter(pk=membership.pk).exists() == (DELETE_MEMBERSHIP[role] != 204)
