"""The firm's policy page read path: standings read by the firm's index, the other items evaluated live in one
load per source, the same results as evaluating each item on its own, and a query count that does not grow with
the catalogue or the standings."""

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from industry_brain.enterprises.models import Recognition, YearlyFigures
from industry_brain.policies import rules, services
from industry_brain.policies.models import Eligibility, EnterpriseFact, FactList, PolicyItem
from industry_brain.policies.variables import VARIABLES, load_columns
from industry_brain.testing import make_enterprise

from .helpers import ABOVE_SCALE, make_item

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1


def _catalogue(world):
    """Items reading every kind of source, with exclusions, tiers, a map amount and a pay-the-higher pair."""
    dishonest = {"var": "dishonest", "op": "is_true"}
    return [
        make_item(world, conditions=ABOVE_SCALE, amount={"fixed": 25}, exclusions=[dishonest], group="g"),
        make_item(world, conditions={"all": [ABOVE_SCALE, {"var": "revenue", "op": ">=", "value": 5000}]},
                  amount={"fixed": 40}, group="g"),
        make_item(world, conditions={"var": "rd_intensity", "op": ">=", "value": 3},
                  amount={"tiers": {"var": "rd_intensity", "steps": [[3, 10], [5, 30]]}}),
        make_item(world, conditions={"var": "revenue_growth", "op": ">=", "value": 5}),
        make_item(world, conditions={"var": "employees", "op": ">=", "value": 1000}),
        make_item(world, conditions={"var": "tiers", "op": "has", "value": "little_giant"}),
        make_item(world, conditions={"var": "industry_section", "op": "==", "value": "C"}),
        make_item(world, conditions={"var": "is_small_micro", "op": "is_true"},
                  amount={"rate": {"var": "monthly_rent", "per": 3, "cap": 50}}),
        make_item(world, conditions={"any": [{"var": "firm_age", "op": "<", "value": 3},
                                             {"var": "is_listed", "op": "is_true"}]}),
        make_item(world, conditions={"var": "factory_level", "op": "in", "value": ["smart_factory",
                                                                                  "future_factory"]}),
    ]


def _firms():
    giant = make_enterprise("杭州页面小巨人有限公司")
    YearlyFigures.objects.filter(enterprise=giant, year=LAST_YEAR).update(rd_expense=600)  # 6 %
    Recognition.objects.create(enterprise=giant, tier="little_giant", level="national", year=2024)
    bare = make_enterprise("杭州页面缺数有限公司", figures=False)
    listed = make_enterprise("杭州页面名录有限公司", above=False)
    small = FactList.objects.create(variable="is_small_micro", source="市场监管", as_of=timezone.localdate())
    rent = FactList.objects.create(variable="monthly_rent", source="国资", as_of=timezone.localdate())
    EnterpriseFact.objects.create(fact_list=small, enterprise=listed)
    EnterpriseFact.objects.create(fact_list=rent, enterprise=listed, value="4.5")
    FactList.objects.create(variable="dishonest", source="法院", as_of=timezone.localdate())
    return giant, bare, listed


def _expected(enterprise):
    """The page as each active item evaluated on its own (one load per item) would show it, in catalogue order,
    standings first: what the page showed before it read the sources once for all items."""
    standings = {e.item_id: e for e in Eligibility.objects.filter(enterprise=enterprise)}
    out = {"eligible": [], "unknown": [], "other": []}
    for item in PolicyItem.objects.filter(is_active=True):
        (_item, _v, outcome, inputs), = services.evaluate_for_enterprise(enterprise=enterprise, items=[item])
        standing = standings.get(item.pk)
        if standing is not None:
            row = (item.pk, standing.result, standing.amount, services.eligibility_trace(standing))
        else:
            row = (item.pk, outcome["result"], outcome["amount"], rules.trace_with_values(outcome["trace"], inputs))
        out["eligible" if row[1] is True else "unknown" if row[1] is None else "other"].append(row)
    return out


def _shown(page):
    return {k: [(e["item"].pk, e["result"], e["amount"], e["trace"]) for e in v] for k, v in page.items()}


def test_the_page_shows_what_each_item_evaluated_alone_shows(world):
    items = _catalogue(world)
    firms = _firms()
    services.evaluate_items(actor=world.user("city"), items=items[:3])  # standings for some items, not others
    services.item_publish(actor=world.user("city"), item=items[2])
    user = world.user("enterprise")
    seen = set()
    for firm in firms:
        user.enterprise = firm
        page = services.firm_policy_page(actor=user)
        assert _shown(page) == _expected(firm)
        seen |= {(k, e["item"].pk) for k, v in page.items() for e in v}
    ids = {i.pk for i in items}
    for section in ("eligible", "unknown", "other"):
        assert any(k == section and pk in ids for k, pk in seen), section
    # The crafted cases land where they should.
    giant, bare, listed = firms
    user.enterprise = giant
    page = services.firm_policy_page(actor=user)
    eligible = {e["item"].pk: e for e in page["eligible"]}
    assert items[5].pk in eligible and eligible[items[2].pk]["amount"] == 30
    assert eligible[items[2].pk]["standing"].status == "notified"
    higher = next(e for e in page["other"] if e["item"] == items[0])  # the higher item of its group is paid
    assert higher["standing"].superseded_by_id and "就高不重复" in higher["needs"][-1]["condition"]
    user.enterprise = listed
    page = services.firm_policy_page(actor=user)
    assert next(e for e in page["eligible"] if e["item"] == items[7])["amount"] == pytest.approx(13.5)
    user.enterprise = bare
    unknown = {e["item"].pk for e in services.firm_policy_page(actor=user)["unknown"]}
    assert items[2].pk in unknown and items[4].pk in unknown  # a missing figure is unknown, never ineligible


def test_one_firm_loaded_alone_equals_its_row_of_the_whole_registry(world):
    _catalogue(world)
    firms = _firms()
    names = sorted(VARIABLES)
    today = timezone.localdate()
    whole = load_columns(names, as_of=today, fiscal_year=LAST_YEAR)
    for firm in firms:
        alone = load_columns(names, as_of=today, fiscal_year=LAST_YEAR, enterprise_ids=[firm.pk])
        i = int(np.searchsorted(whole.ids, firm.pk))
        assert alone.n == 1 and alone.inputs_at(0, names) == whole.inputs_at(i, names)
    giant, _bare, listed = firms
    row = load_columns(names, as_of=today, fiscal_year=LAST_YEAR, enterprise_ids=[listed.pk]).values_at(0, names)
    assert row["is_small_micro"] == 1 and row["monthly_rent"] == 4.5 and row["dishonest"] == 0
    assert row["industry_section"] == "C" and row["factory_level"] == ""
    assert row["revenue_growth"] == pytest.approx(100 / 9)
    assert load_columns(["is_small_micro", "abnormal_operation"], as_of=today, fiscal_year=LAST_YEAR,
                        enterprise_ids=[giant.pk]).values_at(0, ["is_small_micro", "abnormal_operation"]) == \
        {"is_small_micro": 0, "abnormal_operation": None}  # loaded list without the firm: no; no list: unknown


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("policies:my_policies")).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_query_count_does_not_grow_with_items_or_standings(world):
    giant, _bare, _listed = _firms()
    user = world.user("enterprise")
    user.enterprise = giant
    user.save()
    client = Client()
    client.force_login(user)
    first = _catalogue(world)
    services.evaluate_items(actor=world.user("city"), items=first[2:3])
    services.item_publish(actor=world.user("city"), item=first[2])
    client.get(reverse("policies:my_policies"))  # the read receipt is written once
    small = _queries(client)
    more = _catalogue(world) + _catalogue(world)  # twice as many items again, reading the same sources
    services.evaluate_items(actor=world.user("city"), items=more[:6] + more[10:16])
    services.item_publish(actor=world.user("city"), item=more[2])
    client.get(reverse("policies:my_policies"))
    large = _queries(client)
    assert Eligibility.objects.filter(enterprise=giant).count() >= 8
    assert large == small
    assert large <= 10  # session, user, firm, catalogue, standings and one query per registry source


def test_opening_the_page_marks_the_notices_read_at_once_and_only_them(world):
    giant, _bare, _listed = _firms()
    user = world.user("enterprise")
    user.enterprise = giant
    user.save()
    published, computed = make_item(world, conditions=ABOVE_SCALE), make_item(world, conditions=ABOVE_SCALE)
    services.evaluate_items(actor=world.user("city"), items=[published, computed])
    services.item_publish(actor=world.user("city"), item=published)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("policies:my_policies")).content.decode()
    assert page.count('data-passed="true"') >= 2 and "badge-green" in page
    assert Eligibility.objects.get(item=published, enterprise=giant).read_at is not None
    assert Eligibility.objects.get(item=computed, enterprise=giant).read_at is None  # a candidate is not a notice
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("policies:my_policies"))
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]


def test_registry_texts_follow_the_active_language(world):
    var = VARIABLES["revenue"]
    with translation.override("en"):
        en = (var.text("label"), rules.leaf_label({"var": "is_small_micro", "op": "is_false"}, {}, dt.date.today()))
    with translation.override("zh-hans"):
        zh = (var.text("label"), rules.leaf_label({"var": "is_small_micro", "op": "is_false"}, {}, dt.date.today()))
    assert en[0] == "revenue" and zh[0] != en[0]
    assert en[1].endswith("yes") and not zh[1].endswith("yes")
