"""The pickers' search endpoint answers within the user's scope for every role: a name outside it is never
returned, whether searched for, asked for by id or suggested; handlers narrow to the chosen department and
departments are suggested from the demand's category."""

import pytest
from django.test import Client

from industry_brain.accounts.choices import Role
from industry_brain.demands import services as demand_services
from industry_brain.demands.models import Cadre, DemandCategory
from industry_brain.enterprises.models import Enterprise
from industry_brain.projects.models import Project
from industry_brain.projects.tests.helpers import make_project
from industry_brain.testing import ALL_ROLES, make_user

pytestmark = pytest.mark.django_db


def ask(user, source, **params):
    client = Client()
    client.force_login(user)
    r = client.get(f"/autocomplete/{source}/", params)
    assert r.status_code == 200, r.content
    return r.json()


def labels(answer):
    return {row["label"] for row in answer["results"]}


@pytest.fixture
def scene(world):
    make_project(district="330106", enterprise=world.ent_xihu, ecosystem=world.ecosystem)
    make_project(district="330109", enterprise=world.ent_xiaoshan, ecosystem=world.other_ecosystem)
    Cadre.objects.create(code="T-0002", name="萧山测试干部", organisation=world.xiaoshan)
    world.colleague = make_user("t_dept_b", Role.DEPARTMENT, organisation=world.department)
    return world


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("source,model,query", [
    ("enterprise", Enterprise, "杭州"), ("enterprise-uscc", Enterprise, "杭州"), ("project", Project, "测试项目"),
    ("project-code", Project, "测试项目"), ("cadre", Cadre, "干部"),
])
def test_search_and_lookup_never_name_a_row_outside_scope(scene, role, source, model, query):
    user = scene.user(role)
    visible = set(model.objects.restrict(user, "view").values_list("name", flat=True))
    hidden = set(model.objects.values_list("name", flat=True)) - visible
    found = labels(ask(user, source, q=query))
    assert found == visible  # every visible match offered, nothing else
    for obj in model.objects.all():
        key = {"enterprise-uscc": getattr(obj, "uscc", None), "project-code": getattr(obj, "code", None)}.get(
            source, obj.pk)
        by_id = labels(ask(user, source, id=key))
        assert by_id == ({obj.name} if obj.name in visible else set())
    assert not found & hidden


def test_scopes_differ_by_role_as_the_rules_say(scene):
    assert labels(ask(scene.user("cadre"), "enterprise", q="杭州")) == {scene.ent_xihu.name}  # firms it serves
    assert labels(ask(scene.user("chain_team"), "enterprise", q="杭州")) == {scene.ent_xihu.name}  # its ecosystem
    assert labels(ask(scene.user("department"), "enterprise", q="杭州")) == set()  # none routed to it yet
    assert labels(ask(scene.user("enterprise_other"), "enterprise", q="杭州")) == {scene.ent_xiaoshan.name}
    assert labels(ask(scene.user("city"), "enterprise", q="杭州")) == {scene.ent_xihu.name, scene.ent_xiaoshan.name}
    assert labels(ask(scene.user("district_other"), "cadre", q="干部")) == {"萧山测试干部"}
    assert labels(ask(scene.user("department"), "project", q="测试")) == set()
    assert len(labels(ask(scene.user("district"), "project", q="测试"))) == 1  # its district's


def test_a_credit_code_prefix_or_whole_code_finds_the_firm(scene):
    city = scene.user("city")
    assert labels(ask(city, "enterprise", q=scene.ent_xiaoshan.uscc)) == {scene.ent_xiaoshan.name}
    row = ask(city, "enterprise-uscc", q=scene.ent_xihu.uscc)["results"][0]
    assert row["value"] == scene.ent_xihu.uscc  # that picker submits the code, not the id


@pytest.mark.parametrize("role", ALL_ROLES)
def test_handlers_narrow_to_the_chosen_department_and_to_who_may_name_them(scene, role):
    user = scene.user(role)
    mine = labels(ask(user, "handler", department=scene.department.pk))
    theirs = labels(ask(user, "handler", department=scene.other_department.pk))
    staff = {"t_dept", "t_dept_b"}
    names = {u.username: lbl for u in (scene.user("department"), scene.colleague)
             for lbl in labels(ask(scene.user("city"), "handler", department=scene.department.pk, id=u.pk))}
    assert set(names) == staff
    if role in ("city", "district", "district_other"):
        assert mine == set(names.values())
        assert theirs == labels(ask(scene.user("city"), "handler", department=scene.other_department.pk))
        assert not mine & theirs
    elif role == "department":
        assert mine == set(names.values()) and theirs == set()
    elif role == "department_other":  # its own colleagues only
        assert mine == set() and theirs == {lbl for lbl in labels(ask(scene.user("city"), "handler",
                                                                         department=scene.other_department.pk))}
    else:
        assert mine == set() and theirs == set()
    assert ask(user, "handler")["results"] == []  # no department chosen: nothing to offer


def test_departments_are_suggested_from_the_demands_of_the_same_category(scene):
    city, ent = scene.user("city"), scene.user("enterprise")
    road = DemandCategory.objects.get(code="logistics.road")
    for i in range(3):
        d = demand_services.demand_create(actor=ent, enterprise=scene.ent_xihu, category=road, urgency="normal",
                                          title=f"道路通行{i}", description="园区道路临时管控")
        demand_services.demand_transition(actor=city, demand=d, action="accept",
                                          data={"department": scene.department})
    rows = ask(scene.user("district"), "department", category=road.pk)["results"]
    assert rows[0]["label"] == scene.department.name and rows[0].get("suggested")
    assert not any(r.get("suggested") for r in rows[1:])
    # Another category of the same group falls back to the group's history; an unrelated one suggests nothing.
    port = DemandCategory.objects.get(code="logistics.port")
    assert ask(city, "department", category=port.pk)["results"][0]["label"] == scene.department.name
    loan = DemandCategory.objects.get(code="finance.loan")
    assert not any(r.get("suggested") for r in ask(city, "department", category=loan.pk)["results"])
    # The suggestion counts only the demands the reader may see: the other district has seen none.
    assert not any(r.get("suggested") for r in ask(scene.user("district_other"), "department",
                                                    category=road.pk)["results"])


def test_unknown_sources_and_hostile_ids(scene):
    client = Client()
    client.force_login(scene.user("city"))
    assert client.get("/autocomplete/nothing/", {"q": "a"}).status_code == 404
    assert ask(scene.user("city"), "enterprise", id="99999999999999999999999")["results"] == []
    assert ask(scene.user("city"), "enterprise", id="-1")["results"] == []
    assert len(ask(scene.user("city"), "enterprise", q="杭" * 5000)["results"]) == 0
    anonymous = Client().get("/autocomplete/enterprise/", {"q": "杭州"})
    assert anonymous.status_code == 302 and "杭州" not in anonymous.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_chain_nodes_are_the_public_directory_and_a_teams_own_ecosystem(scene, role):
    from industry_brain.chains.models import ChainNode

    user = scene.user(role)
    found = labels(ask(user, "node", q="上游"))
    own = {f"{n.chain.name} · {n.name}" for n in ChainNode.objects.filter(chain=scene.chain, segment="upstream")}
    other = {f"{n.chain.name} · {n.name}" for n in ChainNode.objects.filter(chain=scene.other_chain,
                                                                             segment="upstream")}
    assert found == (own if role == "chain_team" else own | other)
