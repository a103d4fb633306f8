"""Scope details (issue 8.5): redirects stay on this site, out-of-scope objects answer exactly like missing ones,
and the enterprise page names only the cadres the reader may see."""

import datetime as dt

import pytest

from industry_brain.testing import PASSWORD

pytestmark = pytest.mark.django_db

FOREIGN = ["https://evil.example/steal", "//evil.example/steal", "http:evil.example", "\\\\evil.example"]


@pytest.mark.parametrize("target", FOREIGN)
def test_the_inbox_form_redirects_only_within_the_site(client, world, target):
    client.force_login(world.user("department"))
    response = client.post("/demands/inbox/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/demands/inbox/"


def test_the_inbox_form_follows_a_local_next(client, world):
    client.force_login(world.user("department"))
    response = client.post("/demands/inbox/", {"next": "/demands/?status=accepted"})
    assert response["Location"] == "/demands/?status=accepted"


@pytest.mark.parametrize("target", FOREIGN)
def test_the_login_form_redirects_only_within_the_site(client, world, target):
    response = client.post(f"/accounts/login/?next={target}", {"username": "t_city", "password": PASSWORD})
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    response = client.get(f"/accounts/login/?next={target}")  # signed in: sent on, but not away
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def _xiaoshan_cadre(world):
    from industry_brain.accounts.choices import Role
    from industry_brain.demands.models import Assignment, Cadre
    from industry_brain.testing import make_user

    user = make_user("t_cadre_xs", Role.CADRE, organisation=world.xiaoshan)
    cadre = Cadre.objects.create(code="T-0902", name="萧山测试干部", organisation=world.xiaoshan, user=user)
    Assignment.objects.create(cadre=cadre, enterprise=world.ent_xiaoshan, started_on=dt.date(2025, 1, 1))
    return cadre


# Who may read the name of the 萧山 cadre serving ent_xiaoshan on that enterprise's page.
SEES_CADRE = {"city": True, "district": False, "district_other": True, "enterprise_other": True}


@pytest.mark.parametrize("role", sorted(SEES_CADRE))
def test_the_enterprise_page_names_only_cadres_in_the_readers_scope(client, world, role):
    cadre = _xiaoshan_cadre(world)
    client.force_login(world.user(role))
    page = client.get(f"/enterprises/{world.ent_xiaoshan.pk}/")
    assert page.status_code == 200
    assert (cadre.name in page.content.decode()) == SEES_CADRE[role]


def _same_as_missing(client, method, url, missing_url, **kwargs):
    from industry_brain.testing.scope_matrix import CSRF_TOKEN

    seen = getattr(client, method)(url, **kwargs)
    absent = getattr(client, method)(missing_url, **kwargs)
    assert seen.status_code == absent.status_code == 404
    # the same page but for the address itself and the CSRF token, which is masked anew on every render
    assert CSRF_TOKEN.sub("", seen.content.decode().replace(url, "")) == \
        CSRF_TOKEN.sub("", absent.content.decode().replace(missing_url, ""))


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_api_out_of_scope_answers_exactly_like_missing(api, world, method):
    client = api.as_user(world.user("enterprise_other"))
    _same_as_missing(client, method, f"/api/v1/enterprises/{world.ent_xihu.pk}/", "/api/v1/enterprises/987654321/",
                     format="json")


def test_api_action_out_of_scope_answers_exactly_like_missing(api, world):
    from industry_brain.chains import memberships

    proposal = memberships.membership_add(actor=world.user("chain_team"), node=world.chain.nodes.get(
        segment="upstream"), enterprise=world.ent_xiaoshan)
    client = api.as_user(world.user("district"))
    _same_as_missing(client, "post", f"/api/v1/chain-memberships/{proposal.pk}/confirm/",
                     "/api/v1/chain-memberships/987654321/confirm/", format="json")


def test_page_out_of_scope_answers_exactly_like_missing(client, world):
    client.force_login(world.user("department"))
    _same_as_missing(client, "get", f"/enterprises/{world.ent_xihu.pk}/", "/enterprises/987654321/")
    _same_as_missing(client, "get", f"/enterprises/{world.ent_xihu.pk}/edit/", "/enterprises/987654321/edit/")


def test_a_co_handling_department_sees_whose_demand_it_co_handles(db):
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.testing.scope_matrix import build_scope_world

    world = build_scope_world()
    other = world.user("department_other")
    assert not Enterprise.objects.restrict(other, "view").filter(pk=world.ent_xihu.pk).exists()
    assert world.cohandling.department == world.other_department  # asked to co-handle ent_xihu's demand
    assert list(Enterprise.objects.restrict(other, "view").values_list("pk", flat=True)) == [world.ent_xihu.pk]
    assert not Enterprise.objects.restrict(other, "view_confidential").exists()  # its figures stay closed
