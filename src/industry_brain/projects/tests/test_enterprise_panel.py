"""The enterprise page lists the enterprise's projects, within the reader's project scope."""

import pytest

from .helpers import make_project

pytestmark = pytest.mark.django_db


def test_enterprise_page_lists_its_projects_in_scope(client, world):
    project = make_project(enterprise=world.ent_xihu)
    client.force_login(world.user("enterprise"))
    assert project.name in client.get(f"/enterprises/{world.ent_xihu.pk}/").content.decode()
    client.force_login(world.user("district_other"))  # sees the public profile, not 西湖's projects
    body = client.get(f"/enterprises/{world.ent_xihu.pk}/").content.decode()
    assert project.name not in body
