"""The home page is a to-do list: grouped by kind, repeated alerts collapsed with a count, ordered by due date,
each with one action; notifications apart."""

import datetime as dt

import pytest

from industry_brain.core.views import todo_groups


def test_items_are_grouped_by_kind_in_a_fixed_order_and_sorted_by_due_date():
    d = dt.date(2026, 12, 1)
    items = [
        {"url": "/a/", "text": "a", "kind": "answer", "due": d + dt.timedelta(days=5)},
        {"url": "/b/", "text": "b", "kind": "answer", "due": d},
        {"url": "/c/", "text": "c", "kind": "overdue", "due": d - dt.timedelta(days=3)},
        {"url": "/d/", "text": "d", "kind": "accept"},
        {"url": "/e/", "text": "e"},  # no kind: not a to-do
    ]
    groups = todo_groups(items)
    assert [g["kind"] for g in groups] == ["overdue", "accept", "answer"]
    assert [i["text"] for i in groups[2]["items"]] == ["b", "a"]
    assert sum(g["total"] for g in groups) == 4


def test_repeated_alerts_collapse_into_one_line_with_a_count_and_the_earliest_due_date():
    d = dt.date(2026, 12, 1)
    items = [{"url": f"/alert/{i}/", "text": "同类共性问题", "kind": "alert", "collapse": "same",
              "due": d + dt.timedelta(days=i)} for i in range(5)]
    items.append({"url": "/alert/9/", "text": "另一问题", "kind": "alert"})
    (group,) = todo_groups(items)
    assert [(r["text"], r["count"]) for r in group["items"]] == [("同类共性问题", 5), ("另一问题", 1)]
    assert group["items"][0]["due"] == d and group["total"] == 6


@pytest.mark.django_db
def test_home_page_shows_todo_groups_and_separate_notifications(client, world):
    from industry_brain.demands import services
    from industry_brain.demands.models import DemandCategory

    category = DemandCategory.objects.get(code="logistics.road")
    demand = services.demand_create(actor=world.user("enterprise"), enterprise=world.ent_xihu, category=category,
                                    title="运输车辆通行受阻", description="请求协调通行证。")
    client.force_login(world.user("district"))
    body = client.get("/").content.decode()
    assert 'data-kind="accept"' in body and f'href="/demands/{demand.pk}/"' in body
    start = body.index('id="todo"')
    assert body.index(f'/demands/{demand.pk}/', start) > start
