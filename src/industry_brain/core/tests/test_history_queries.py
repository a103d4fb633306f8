"""A detail page's change history costs the same queries however many entries it shows: update entries name their
foreign keys' objects with one query per related model (`labels.resolve_related`), and create and delete entries
are shown as one sentence each, with no field read per entry."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industry_brain.core.models import ObjectChange

pytestmark = pytest.mark.django_db


def _entries(firm, action, n, district):
    ct = ContentType.objects.get_for_model(firm, for_concrete_model=False)
    for i in range(n):
        before = {"district_id": "330106", "industry_id": "39", "name": f"旧名{i}"} if action != "create" else None
        after = {"district_id": district, "industry_id": "27", "name": f"新名{i}"} if action != "delete" else None
        ObjectChange.objects.create(actor_label="system", action=action, content_type=ct, object_id=str(firm.pk),
                                    object_repr=str(firm), before=before, after=after)


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as q:
        page = client.get(url)
    assert page.status_code == 200
    return len(q.captured_queries), page.content.decode()


@pytest.mark.parametrize("action", ["create", "delete", "update"])
def test_more_history_entries_of_any_kind_read_nothing_more(client, world, action):
    firm = world.ent_xihu
    client.force_login(world.user("city"))
    url = f"/enterprises/{firm.pk}/"
    _entries(firm, action, 1, "330109")
    one, _ = _queries(client, url)
    _entries(firm, action, 12, "330108")  # another district named in the new entries
    many, html = _queries(client, url)
    assert many == one
    if action == "update":  # the foreign keys are shown by name, not by code
        assert "萧山" in html and "→" in html

