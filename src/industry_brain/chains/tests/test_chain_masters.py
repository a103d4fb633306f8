"""Chain-master nominations and designations, chain memberships: who may do what."""

import pytest

from industry_brain.chains.models import ChainMaster, ChainMembership
from industry_brain.core.models import Event

pytestmark = pytest.mark.django_db


def nominate(api, user, world, enterprise=None, reason="链上龙头，带动配套"):
    return api.as_user(user).post("/api/v1/chain-masters/", {
        "chain": world.chain.pk, "enterprise": (enterprise or world.ent_xihu).pk, "reason": reason}, format="json")


def test_team_nominates_and_city_designates(api, world):
    response = nominate(api, world.user("chain_team"), world)
    assert response.status_code == 201, response.json()
    master_id = response.json()["id"]
    assert response.json()["status"] == "nominated"
    # the team cannot designate its own nomination
    team = api.as_user(world.user("chain_team"))
    assert team.post(f"/api/v1/chain-masters/{master_id}/designate/").status_code == 403
    ok = api.as_user(world.user("city")).post(f"/api/v1/chain-masters/{master_id}/designate/")
    assert ok.status_code == 200 and ok.json()["status"] == "designated" and ok.json()["designated_on"]
    again = api.as_user(world.user("city")).post(f"/api/v1/chain-masters/{master_id}/designate/")
    assert again.status_code == 409
    chain = api.as_user(world.user("city")).get(f"/api/v1/chains/{world.chain.pk}/").json()
    assert chain["chain_masters"] == [world.ent_xihu.pk]
    assert list(Event.objects.filter(kind__startswith="chain_master").values_list("kind", flat=True).order_by("at")) \
        == ["chain_master.nominated", "chain_master.designated"]


@pytest.mark.parametrize("role", ["district", "department", "cadre", "enterprise", "enterprise_other"])
def test_other_roles_cannot_nominate(api, world, role):
    assert nominate(api, world.user(role), world).status_code == 403
    assert not ChainMaster.objects.exists()


def test_team_of_another_ecosystem_cannot_nominate(api, world):
    from industry_brain.accounts.choices import OrganisationKind
    from industry_brain.testing import make_org, make_user

    bio_team = make_org("生物医药专班（测试）", OrganisationKind.CHAIN_TEAM, ecosystem=world.other_ecosystem)
    bio_user = make_user("t_bio", "chain_team", organisation=bio_team)
    assert nominate(api, bio_user, world).status_code == 403


def test_nomination_needs_a_member_enterprise_and_a_reason(api, world):
    outside = nominate(api, world.user("chain_team"), world, enterprise=world.ent_xiaoshan)
    assert outside.status_code == 400 and "enterprise" in outside.json()
    blank = nominate(api, world.user("chain_team"), world, reason="  ")
    assert blank.status_code == 400 and "reason" in blank.json()


def test_revocation_needs_a_reason(api, world):
    master_id = nominate(api, world.user("chain_team"), world).json()["id"]
    client = api.as_user(world.user("city"))
    assert client.post(f"/api/v1/chain-masters/{master_id}/revoke/", {}, format="json").status_code == 400
    assert client.post(f"/api/v1/chain-masters/{master_id}/revoke/", {"reason": "不再符合条件"},
                       format="json").json()["status"] == "revoked"
    # after revocation the enterprise may be nominated again
    assert nominate(api, world.user("chain_team"), world).status_code == 201


def test_team_places_enterprises_in_its_chains_only(api, world):
    client = api.as_user(world.user("chain_team"))
    up = world.chain.nodes.get(segment="upstream")
    ok = client.post("/api/v1/chain-memberships/", {"node": up.pk, "enterprise": world.ent_xiaoshan.pk},
                     format="json")
    assert ok.status_code == 201
    dup = client.post("/api/v1/chain-memberships/", {"node": up.pk, "enterprise": world.ent_xiaoshan.pk},
                      format="json")
    assert dup.status_code == 400
    foreign = world.other_chain.nodes.get(segment="upstream")
    assert client.post("/api/v1/chain-memberships/", {"node": foreign.pk, "enterprise": world.ent_xihu.pk},
                       format="json").status_code == 403
    assert not ChainMembership.objects.filter(node=foreign, enterprise=world.ent_xihu).exists()
    assert client.delete(f"/api/v1/chain-memberships/{ok.json()['id']}/").status_code == 204


def test_enterprise_reports_its_figures_but_its_own_report_does_not_set_its_scale(api, world):
    """A firm reports the figures of a finished year; the above-scale flag follows figures a bureau recorded, so a
    firm's own report (1,400万元 here, under the 2,000万元 line) does not take it off the list."""
    client = api.as_user(world.user("enterprise"))
    response = client.post(f"/api/v1/enterprises/{world.ent_xihu.pk}/figures/", {
        "year": 2023, "revenue": "1500", "main_revenue": "1400", "employees": 30}, format="json")
    assert response.status_code == 201, response.json()
    world.ent_xihu.refresh_from_db()
    assert world.ent_xihu.is_above_scale is True
    future = client.post(f"/api/v1/enterprises/{world.ent_xihu.pk}/figures/", {
        "year": 2100, "revenue": "1", "main_revenue": "1"}, format="json")
    assert future.status_code == 400 and "year" in future.json()
    bad = client.post(f"/api/v1/enterprises/{world.ent_xihu.pk}/figures/", {
        "year": 2022, "revenue": "100", "main_revenue": "200"}, format="json")
    assert bad.status_code == 400 and "main_revenue" in bad.json()
    other = api.as_user(world.user("enterprise_other")).post(
        f"/api/v1/enterprises/{world.ent_xihu.pk}/figures/", {"year": 2022, "revenue": "1", "main_revenue": "1"},
        format="json")
    assert other.status_code == 404


def test_nomination_through_the_chain_page(client, world):
    client.force_login(world.user("chain_team"))
    page = client.get(f"/chains/{world.chain.pk}/").content.decode()
    assert "/masters/nominate/" in page
    response = client.post(f"/chains/{world.chain.pk}/masters/nominate/", {"uscc": world.ent_xihu.uscc,
                                                                           "reason": "龙头企业"})
    assert response.status_code == 302
    assert ChainMaster.objects.get().status == "nominated"
    bad = client.post(f"/chains/{world.chain.pk}/masters/nominate/", {"uscc": "91330000733796106P", "reason": "x"},
                      follow=True)
    assert ChainMaster.objects.count() == 1 and bad.status_code == 200
    client.force_login(world.user("district"))
    assert "/masters/nominate/" not in client.get(f"/chains/{world.chain.pk}/").content.decode()
    client.post(f"/chains/{world.chain.pk}/masters/nominate/", {"uscc": world.ent_xihu.uscc, "reason": "x"})
    assert ChainMaster.objects.count() == 1
