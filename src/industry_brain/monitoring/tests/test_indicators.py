"""Every formula on crafted data, through the stored indicator table and the API: comparable-price growth,
same-sample adjustment, cumulative against monthly, loss share, contribution, sales ratio, ranking."""

import datetime as dt

import pytest

from industry_brain.monitoring import services
from industry_brain.monitoring.models import Indicator

pytestmark = pytest.mark.django_db

# hand-computed (see conftest.crafted)
A_JAN_REAL = 110 * 0.2 / 1.02  # firm A, January 2026 value added at comparable prices


def row(period, dimension="city", key="all"):
    return Indicator.objects.get(period=period, dimension=dimension, key=key)


def test_comparable_price_growth_same_sample_and_cumulative(crafted):
    services.compute_indicators()
    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    city_jan = row(jan)
    # firm C entered this year: it counts in the level, not in the growth (same sample)
    assert city_jan.va_month == pytest.approx(110 * 0.2 + 40 * 0.3 + 30 * 0.2)
    assert city_jan.va_growth_month == pytest.approx(((A_JAN_REAL + 12) / (20 + 15) - 1) * 100)
    city_feb = row(feb)
    assert city_feb.va_growth_month == pytest.approx((24 / 20 - 1) * 100)
    # 1—2月 is not the mean of the months: sums over both months of the pairs
    assert city_feb.va_growth_cum == pytest.approx(((A_JAN_REAL + 12 + 24) / (35 + 20) - 1) * 100)
    assert city_feb.va_cum == pytest.approx(40 + 24)
    xihu_feb = row(feb, "district", "330106")
    assert xihu_feb.va_growth_cum == pytest.approx(((A_JAN_REAL + 24) / 40 - 1) * 100)
    # nominal gross output growth (no deflation): 270 / 250
    assert city_feb.output_growth_cum == pytest.approx(8.0)
    assert city_feb.sales_ratio_cum == pytest.approx(90.0)


def test_contributions_add_up_to_the_city_growth_and_rank(crafted):
    services.compute_indicators()
    jan = dt.date(2026, 1, 1)
    xihu, xiaoshan = row(jan, "district", "330106"), row(jan, "district", "330109")
    assert xihu.va_pull_cum == pytest.approx((A_JAN_REAL - 20) / 35 * 100)
    assert xiaoshan.va_pull_cum == pytest.approx((12 - 15) / 35 * 100)
    assert xihu.va_pull_cum + xiaoshan.va_pull_cum == pytest.approx(row(jan).va_growth_cum)
    assert (xihu.rank, xiaoshan.rank) == (1, 2)
    assert xihu.va_share_cum + xiaoshan.va_share_cum == pytest.approx(100)


def test_loss_share_uses_cumulative_profit_of_the_firms_reporting(crafted):
    services.compute_indicators()
    assert row(dt.date(2026, 1, 1)).loss_share == pytest.approx(0.0)  # 6, 2, 3: no loss
    assert row(dt.date(2025, 1, 1)).loss_share == pytest.approx(50.0)  # B lost 1 of 2 firms
    feb = row(dt.date(2026, 2, 1))
    assert (feb.firms, feb.loss_firms, feb.loss_share) == (1, 1, pytest.approx(100.0))  # A: 6 − 20 < 0
    # profit growth over the same sample: January pairs A (6 vs 5) and B (2 vs −1), February A (−20 vs 5)
    assert row(dt.date(2026, 1, 1)).profit_growth_cum == pytest.approx((6 + 2) / (5 - 1) * 100 - 100)
    assert feb.profit_growth_cum == pytest.approx((6 + 2 - 20) / (5 - 1 + 5) * 100 - 100)


def test_profit_growth_needs_a_positive_base(crafted):
    from industry_brain.monitoring.models import MonthlyReport

    MonthlyReport.objects.filter(enterprise=crafted.ent_xiaoshan, period__year=2025).update(profit=-50)
    services.compute_indicators()
    assert row(dt.date(2026, 1, 1), "district", "330109").profit_growth_cum is None  # 由亏转盈: no rate


def test_division_by_zero_gives_no_rate_not_an_error(crafted):
    services.compute_indicators()
    first = row(dt.date(2025, 1, 1))
    assert first.va_growth_cum is None and first.output_growth_cum is None  # no last year: no rate


def test_classification_and_size_and_chain_groups(crafted):
    from industry_brain.monitoring.models import ClassificationBridge

    ClassificationBridge.objects.create(scheme="digital", industry_id="39")
    services.compute_indicators()
    digital = row(dt.date(2026, 2, 1), "scheme", "digital")
    assert digital.va_growth_cum == pytest.approx(((A_JAN_REAL + 24) / 40 - 1) * 100)
    assert digital.label == "数字经济核心产业制造业（按大类近似）"  # the bridge row is approximate
    ClassificationBridge.objects.update(approximate=False)  # an official table loaded: the plain name
    ClassificationBridge.objects.create(scheme="strategic", industry_id="27")  # a provisional mapping says so
    services.compute_indicators()
    assert row(dt.date(2026, 2, 1), "scheme", "digital").label == "数字经济核心产业制造业"
    assert row(dt.date(2026, 1, 1), "scheme", "strategic").label == "战略性新兴产业（平台暂行对照）"
    chain = row(dt.date(2026, 1, 1), "chain", str(crafted.chain.pk))  # only firm A is a chain member
    assert chain.va_growth_month == pytest.approx((A_JAN_REAL / 20 - 1) * 100)
    assert Indicator.objects.filter(dimension="size").exists()


def test_indicators_api_for_the_city(crafted, api):
    services.compute_indicators()
    res = api.as_user(crafted.user("city")).get("/api/v1/indicators/?period=2026-02&by=district")
    assert res.status_code == 200
    rows = {r["key"]: r for r in res.json()}
    assert rows["330106"]["growth_cumulative"] == pytest.approx(((A_JAN_REAL + 24) / 40 - 1) * 100)
    assert rows["330106"]["estimated"] is True
    assert set(rows["330106"]) >= {"key", "label", "value_added", "growth_cumulative", "growth_month",
                                   "output_value", "sales_ratio", "loss_share", "estimated"}
    assert api.get("/api/v1/indicators/?period=2026-02&by=nonsense").status_code == 404


def test_top_movers_within_scope(crafted):
    from industry_brain.monitoring.selectors import top_movers

    services.compute_indicators()
    jan = dt.date(2026, 1, 1)
    city = top_movers(user=crafted.user("city"), dimension="city", key="all", period=jan)
    assert [(m["enterprise"], m["change"]) for m in city["up"]] == [(crafted.ent_xihu, 10.0),
                                                                   (crafted.ent_xiaoshan, -10.0)]
    assert city["down"][0]["enterprise"] == crafted.ent_xiaoshan  # firm C has no base: not a mover
    xihu = top_movers(user=crafted.user("district"), dimension="city", key="all", period=jan)
    assert [m["enterprise"] for m in xihu["up"] + xihu["down"]] == [crafted.ent_xihu, crafted.ent_xihu]


def test_without_price_indices_or_rates_the_defaults_apply(world):
    from .conftest import add_report

    add_report(world.ent_xihu, "2025-01", 100)
    add_report(world.ent_xihu, "2026-01", 110)
    services.compute_indicators()  # empty index and rate tables: rate 0.25, index 100
    jan = row(dt.date(2026, 1, 1))
    assert jan.va_month == pytest.approx(110 * 0.25) and jan.va_growth_month == pytest.approx(10.0)


def add_proposals(world):
    """Beside the confirmed memberships (A in the world's chain, B in the other ecosystem's chain): C proposed to
    the world's chain and rejected from the other chain, B rejected from the world's chain. None makes a member."""
    from industry_brain.chains.models import ChainMembership

    ChainMembership.objects.create(enterprise=world.ent_new, node=world.chain.nodes.get(segment="upstream"),
                                   status="proposed")
    ChainMembership.objects.create(enterprise=world.ent_new, node=world.other_chain.nodes.get(segment="upstream"),
                                   status="rejected")
    ChainMembership.objects.create(enterprise=world.ent_xiaoshan, node=world.chain.nodes.get(segment="upstream"),
                                   status="rejected")


def confirmed_groups() -> set[tuple[int, str, str]]:
    """(firm, dimension, key) of every confirmed membership's chain and ecosystem, written plainly."""
    from industry_brain.chains.models import ChainMembership

    out = set()
    for firm, chain, eco in ChainMembership.objects.filter(status="confirmed").values_list(
            "enterprise_id", "node__chain_id", "node__chain__ecosystem_id"):
        out |= {(firm, "chain", str(chain)), (firm, "ecosystem", str(eco))}
    return out


def test_chain_and_ecosystem_groups_hold_the_confirmed_members_only(crafted):
    from industry_brain.monitoring import extract

    add_proposals(crafted)
    groups = extract.frames_from_db()["groups"]
    got = {(int(f), d, k) for f, d, k in groups[groups["dimension"].isin(["chain", "ecosystem"])].itertuples(
        index=False)}
    assert got == confirmed_groups()
    assert {f for f, d, k in got if d == "chain" and k == str(crafted.chain.pk)} == {crafted.ent_xihu.pk}
    services.compute_indicators()
    jan = dt.date(2026, 1, 1)
    # as in test_classification_and_size_and_chain_groups: only firm A makes the chain and its ecosystem
    for dimension, key in (("chain", crafted.chain.pk), ("ecosystem", crafted.ecosystem.pk)):
        group = row(jan, dimension, str(key))
        assert group.va_growth_month == pytest.approx((A_JAN_REAL / 20 - 1) * 100)
        assert group.output_cum == pytest.approx(110) and group.firms == 1
    other = row(jan, "chain", str(crafted.other_chain.pk))  # firm B alone (C's rejection adds nothing)
    assert other.output_cum == pytest.approx(40) and other.firms == 1
