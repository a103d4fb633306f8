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


@pytest.mark.django_db
def test_a_collapsed_lines_count_sits_beside_its_title(client, world, monkeypatch):
    """The ×N of a collapsed line is part of its title (the first cell of the line's grid), not a cell of its own
    that the grid would stretch into a bar across the line."""
    from industry_brain.core import registry

    def repeated(request):
        return {"title": "测试", "items": [{"url": "/demands/1/", "text": text, "kind": "answer"}
                                         for text in ("同一诉求", "另一条")]}

    monkeypatch.setattr(registry, "home_panels", [repeated])
    client.force_login(world.user("department"))
    body = client.get("/").content.decode()
    title = body[body.index('<span class="todo-title">'):]
    title = title[:title.index('<span class="todo-due')]
    assert '<a class="todo-text" href="/demands/1/">同一诉求</a>' in title and "×2</span></span>" in title


def test_the_same_line_listed_twice_is_one_todo_and_different_lines_on_one_link_still_count():
    """A department's demand both new and due soon is listed by two lists with the same link and text: one to-do.
    Two reminders on one firm's page (same link, different text) stay one line counted twice, as before."""
    d = dt.date(2026, 12, 7)
    demand = {"url": "/demands/7/", "text": "#7 物流车辆通行受阻", "kind": "answer", "due": d}
    firm = [{"url": "/enterprises/3/#recognitions", "text": t, "kind": "alert"} for t in ("小巨人到期", "专精特新到期")]
    groups = {g["kind"]: g for g in todo_groups([demand, {**demand, "due": None}, *firm])}
    assert [(r["text"], r["count"], r["due"]) for r in groups["answer"]["items"]] == [("#7 物流车辆通行受阻", 1, d)]
    assert groups["answer"]["total"] == 1
    assert [(r["text"], r["count"]) for r in groups["alert"]["items"]] == [("小巨人到期", 2)]
