"""No write widens its author's read scope: a work team's membership proposal counts (for scope, the chain map and
node figures) only after the city bureau confirms it, and every membership change is logged with its author."""

import pytest
from django.contrib.contenttypes.models import ContentType

from industry_brain.chains import memberships, selectors
from industry_brain.chains.models import ChainMembership
from industry_brain.core.models import Event, ObjectChange

pytestmark = pytest.mark.django_db


def _propose(api, world, enterprise, node):
    return api.as_user(world.user("chain_team")).post(
        "/api/v1/chain-memberships/", {"enterprise": enterprise.pk, "node": node.pk}, format="json")


def test_a_teams_proposal_does_not_open_the_firms_figures_until_the_city_confirms(api, world):
    node = world.chain.nodes.get(segment="upstream")
    response = _propose(api, world, world.ent_xiaoshan, node)
    assert response.status_code == 201 and response.json()["status"] == "proposed"
    team = api.as_user(world.user("chain_team"))
    assert team.get(f"/api/v1/enterprises/{world.ent_xiaoshan.pk}/figures/").status_code == 404
    assert team.get(f"/api/v1/enterprises/{world.ent_xiaoshan.pk}/").status_code == 404
    assert team.post(f"/api/v1/chain-memberships/{response.json()['id']}/confirm/", {}, format="json").status_code \
        == 403  # the team cannot confirm its own proposal
    city = api.as_user(world.user("city"))
    confirmed = city.post(f"/api/v1/chain-memberships/{response.json()['id']}/confirm/", {}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    team = api.as_user(world.user("chain_team"))
    assert team.get(f"/api/v1/enterprises/{world.ent_xiaoshan.pk}/figures/").status_code == 200


def test_a_proposal_does_not_count_in_the_node_output(api, world):
    """Proposing a firm into an empty node and reading the node's output would reveal its revenue."""
    node = world.chain.nodes.get(segment="upstream")
    assert _propose(api, world, world.ent_xiaoshan, node).status_code == 201
    graph = selectors.chain_graph(world.chain, world.user("chain_team"))
    row = next(n for n in graph["nodes"] if n["id"] == node.pk)
    assert row["enterprises"] == 0 and not row["output"]
    assert selectors.nodes_enterprises([node], world.user("city"))[node.pk] == []


def test_the_city_places_directly_and_other_roles_may_not_place(api, world):
    node = world.chain.nodes.get(segment="upstream")
    response = api.as_user(world.user("city")).post(
        "/api/v1/chain-memberships/", {"enterprise": world.ent_xiaoshan.pk, "node": node.pk}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    ChainMembership.objects.filter(pk=response.json()["id"]).delete()
    for role in ("district", "department", "cadre", "enterprise"):
        response = api.as_user(world.user(role)).post(
            "/api/v1/chain-memberships/", {"enterprise": world.ent_xiaoshan.pk, "node": node.pk}, format="json")
        assert response.status_code == 403, role
    assert not ChainMembership.objects.filter(node=node).exists()


def test_a_team_may_not_propose_into_another_ecosystem(api, world):
    """Checked on the saved row inside the transaction (ensure_can_after_write): 403 and nothing written."""
    node = world.other_chain.nodes.get(segment="upstream")
    assert _propose(api, world, world.ent_xihu, node).status_code == 403
    assert not ChainMembership.objects.filter(node=node).exists()


def test_a_rejected_proposal_counts_for_nothing_and_can_be_proposed_again(api, world):
    node = world.chain.nodes.get(segment="upstream")
    pk = _propose(api, world, world.ent_xiaoshan, node).json()["id"]
    city = api.as_user(world.user("city"))
    assert city.post(f"/api/v1/chain-memberships/{pk}/reject/", {}, format="json").status_code == 400  # no reason
    rejected = city.post(f"/api/v1/chain-memberships/{pk}/reject/", {"note": "不属于本链"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert city.post(f"/api/v1/chain-memberships/{pk}/confirm/", {}, format="json").status_code == 409
    assert api.as_user(world.user("chain_team")).get(
        f"/api/v1/enterprises/{world.ent_xiaoshan.pk}/figures/").status_code == 404
    assert _propose(api, world, world.ent_xiaoshan, node).status_code == 201


def test_every_membership_change_is_logged_with_its_author(api, world):
    node = world.chain.nodes.get(segment="upstream")
    team, city = world.user("chain_team"), world.user("city")
    pk = _propose(api, world, world.ent_xiaoshan, node).json()["id"]
    api.as_user(city).post(f"/api/v1/chain-memberships/{pk}/confirm/", {}, format="json")
    api.as_user(team).delete(f"/api/v1/chain-memberships/{pk}/")
    events = list(Event.objects.filter(kind__startswith="chain_membership.", object_id=str(pk)).order_by("id")
                  .values_list("kind", "user"))
    assert events == [("chain_membership.proposed", team.pk), ("chain_membership.confirmed", city.pk),
                      ("chain_membership.removed", team.pk)]
    ct = ContentType.objects.get_for_model(ChainMembership)
    changes = list(ObjectChange.objects.filter(content_type=ct, object_id=str(pk)).order_by("id")
                   .values_list("action", "user"))
    assert [user for _, user in changes] == [team.pk, city.pk, team.pk]
    assert [action for action, _ in changes][0] == "create" and [action for action, _ in changes][-1] == "delete"


def test_page_actions_propose_confirm_and_reject(client, world):
    node = world.chain.nodes.get(segment="upstream")
    client.force_login(world.user("chain_team"))
    response = client.post(f"/chains/{world.chain.pk}/memberships/add/", {"node": node.pk,
                                                                         "uscc": world.ent_xiaoshan.uscc})
    assert response.status_code == 302
    membership = ChainMembership.objects.get(node=node, enterprise=world.ent_xiaoshan)
    assert membership.status == "proposed" and membership.proposed_by == world.user("chain_team")
    page = client.get(f"/chains/{world.chain.pk}/").content.decode()
    assert world.ent_xiaoshan.name in page and "membership_action" not in page  # listed, no confirm button
    client.post(f"/chains/{world.chain.pk}/memberships/confirm/", {"membership": membership.pk})
    membership.refresh_from_db()
    assert membership.status == "proposed"  # the team may not confirm
    client.force_login(world.user("city"))
    assert f"/chains/{world.chain.pk}/memberships/confirm/" in client.get(f"/chains/{world.chain.pk}/").content.decode()
    client.post(f"/chains/{world.chain.pk}/memberships/confirm/", {"membership": membership.pk, "note": "核实"})
    membership.refresh_from_db()
    assert membership.status == "confirmed" and membership.decided_by == world.user("city")


def test_the_confirm_step_is_answered_by_can(world):
    from industry_brain.core.permissions import can

    node = world.chain.nodes.get(segment="upstream")
    proposal = memberships.membership_add(actor=world.user("chain_team"), node=node, enterprise=world.ent_xiaoshan)
    assert can(world.user("city"), "confirm", proposal)
    assert not can(world.user("chain_team"), "confirm", proposal)
    confirmed = memberships.membership_confirm(actor=world.user("city"), membership=proposal)
    assert not can(world.user("city"), "confirm", confirmed)  # no longer a proposal


def test_proposals_reach_the_city_home_page_and_not_other_districts(client, world):
    node = world.chain.nodes.get(segment="upstream")
    memberships.membership_add(actor=world.user("chain_team"), node=node, enterprise=world.ent_xiaoshan)
    for role, shown in (("city", True), ("chain_team", True), ("district", False), ("department", False)):
        client.force_login(world.user(role))
        page = client.get("/").content.decode()
        assert (world.ent_xiaoshan.name in page) == shown, role


def test_a_proposed_member_cannot_be_nominated_chain_master(world):
    from django.core.exceptions import ValidationError

    from industry_brain.chains import services

    node = world.chain.nodes.get(segment="upstream")
    memberships.membership_add(actor=world.user("chain_team"), node=node, enterprise=world.ent_xiaoshan)
    with pytest.raises(ValidationError):
        services.chain_master_nominate(actor=world.user("chain_team"), chain=world.chain,
                                       enterprise=world.ent_xiaoshan, reason="龙头企业")


def test_chain_master_buttons_follow_the_workflow(client, world):
    from industry_brain.chains import services

    services.chain_master_nominate(actor=world.user("chain_team"), chain=world.chain, enterprise=world.ent_xihu,
                                   reason="龙头企业")
    for role, shown in (("city", True), ("chain_team", False), ("district", False)):
        client.force_login(world.user(role))
        page = client.get(f"/chains/{world.chain.pk}/").content.decode()
        assert (f"/chains/{world.chain.pk}/masters/designate/" in page) == shown, role
        assert (f"/chains/{world.chain.pk}/masters/revoke/" in page) == shown, role
