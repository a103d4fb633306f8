"""A demand may name one of its enterprise's investment projects; the project then lists it."""

import pytest

from industry_brain.projects.tests.helpers import make_project

pytestmark = pytest.mark.django_db


def raise_with_project(api, user, project_id):
    return api.as_user(user).post("/api/v1/demands/", {
        "category": "land", "urgency": "normal", "title": "项目用地指标", "description": "二期厂房用地指标尚未落实",
        "project": project_id}, format="json")


def test_demand_links_the_enterprises_own_project(api, world):
    own = make_project(enterprise=world.ent_xihu)
    response = raise_with_project(api, world.user("enterprise"), own.pk)
    assert response.status_code == 201, response.json()
    assert response.json()["project"] == own.pk
    assert list(own.demands.values_list("pk", flat=True)) == [response.json()["id"]]


def test_another_enterprises_project_is_refused(api, world):
    foreign = make_project(district="330109", enterprise=world.ent_xiaoshan)
    response = raise_with_project(api, world.user("enterprise"), foreign.pk)
    assert response.status_code == 400 and "project" in response.json()
    assert not foreign.demands.exists()
