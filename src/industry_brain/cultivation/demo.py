"""Demo data of tier cultivation: the figures the criteria need, for every above-scale firm, chosen so that the ENGINE
(not an assignment) yields the source's totals (about 208 小巨人 and 34 单项冠军 at city scale; the other tiers in
proportion), with believable near-misses one criterion short for the cultivation pool.

How: the registry's financial figures are what they are (the foundation's); for each tier, from strongest to
weakest, the engine is run over the whole registry with that tier's passing figures tried on every firm, which
shows who could qualify on the registry's own finances; the target number of them (firms the registry already
lists for that tier first) get such figures, a further third get them with one criterion just short. The engine then
evaluates everyone, and the registry's recognitions of the evaluated tiers are replaced by the engine's verdicts
(雄鹰, which has no verified criteria, keeps the registry's list). A 小巨人 round of 2026 is left in public notice.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import numpy as np
from django.db import transaction

from industry_brain.enterprises.models import Enterprise, Recognition

from . import engine, services
from .choices import FigureState
from .models import EnterpriseTierFigures, RecognitionApplication, TierEvaluation

FIGURE_YEAR = 2025
ROUND_SIZE = 6  # 小巨人 applicants of the 2026 round, in public notice
AS_OF = dt.date(2026, 3, 1)
# city-scale targets (source: 208 小巨人, 34 单项冠军; the others from the foundation's plan)
TARGETS = {"kunpeng": 12, "single_champion": 34, "little_giant": 208, "hidden_champion": 180, "specialised": 900}
LEVELS = {"kunpeng": "city", "single_champion": "national", "little_giant": "national",
          "hidden_champion": "provincial", "specialised": "provincial"}
BOOL_FIELDS = {"info_system", "certification", "intl_certification", "own_brand", "key_field", "credit_a",
               "innovative_sme", "provincial_soe", "new_product", "national_award_top3", "provincial_award_top3",
               "chuangke_top50", "chuangke_top500"}


def _passing(tier: str, n: int, rng: np.random.Generator, revenue: np.ndarray) -> dict[str, np.ndarray]:
    """Figures meeting the figure criteria of a tier (the financial ones stay the registry's)."""
    base = {"info_system": np.ones(n), "certification": np.ones(n), "own_brand": np.ones(n), "key_field": np.ones(n),
            "credit_a": np.ones(n), "innovative_sme": np.ones(n), "provincial_soe": np.zeros(n),
            "new_product": np.zeros(n), "rd_institution": rng.integers(2, 5, n).astype(float),
            "quality_items": rng.integers(2, 5, n).astype(float), "field_effect": rng.integers(1, 3, n).astype(float),
            "digital_level": np.round(rng.uniform(2.5, 4.0, n), 1), "sme_score": np.round(rng.uniform(62, 92, n), 1),
            "ip_class2": rng.integers(2, 20, n).astype(float)}
    if tier == "specialised":
        base.update(niche_years=rng.integers(3, 12, n), ip_class1=rng.integers(1, 4, n),
                    market_share=np.round(rng.uniform(2, 9.5, n), 2))
    if tier in ("little_giant", "single_champion", "hidden_champion", "kunpeng"):
        base.update(niche_years=rng.integers(4, 20, n), ip_class1=rng.integers(2, 12, n),
                    market_share=np.round(rng.uniform(10, 35, n), 2), market_rank_national=rng.integers(1, 4, n))
    if tier in ("hidden_champion", "single_champion"):
        base.update(niche_years=rng.integers(10, 26, n), main_products=rng.integers(1, 4, n),
                    market_rank_global=rng.integers(1, 11, n), intl_certification=np.ones(n),
                    standards=rng.integers(1, 6, n))
    if tier == "single_champion":
        base.update(market_rank_global=rng.integers(1, 4, n))
    if tier == "kunpeng":  # group revenue in Hangzhou: the firm with its subsidiaries, above 50亿元
        base.update(hz_group_revenue=np.maximum(revenue * rng.uniform(2.5, 6, n), 500001 + rng.uniform(0, 3e5, n)))
    return {k: np.asarray(v, dtype=float) for k, v in base.items()}


def _short(tier: str, fig: dict, idx: np.ndarray, rng: np.random.Generator) -> None:
    """One figure criterion just short for these firms (the pool's near-misses)."""
    choices = {"little_giant": [("market_share", lambda m: np.round(rng.uniform(7, 9.9, m), 2)),
                                ("ip_class1", lambda m: np.ones(m)), ("niche_years", lambda m: np.full(m, 2.0))],
               "single_champion": [("market_rank_global", lambda m: rng.integers(4, 6, m).astype(float))],
               "hidden_champion": [("niche_years", lambda m: rng.integers(7, 10, m).astype(float)),
                                   ("market_rank_global", lambda m: rng.integers(11, 15, m).astype(float))],
               "specialised": [("niche_years", lambda m: np.ones(m))],
               "kunpeng": [("hz_group_revenue", lambda m: rng.uniform(4.2e5, 4.99e5, m))]}[tier]
    which = rng.integers(0, len(choices), len(idx))
    for j, (field, make) in enumerate(choices):
        sel = idx[which == j]
        if len(sel):
            fig[field][sel] = make(len(sel))


@transaction.atomic
def seed_cultivation(*, scale: str, seed: int, users: dict) -> None:
    rng = np.random.default_rng(seed + 11)
    factor = {"tiny": 0.05, "city": 1, "province": 10}[scale]
    frame = engine.registry_frame(AS_OF)
    n = frame.n
    if n == 0:
        return
    above = np.isin(frame.ids, np.array(list(Enterprise.objects.filter(is_above_scale=True)
                                             .values_list("pk", flat=True)), dtype=np.int64))
    # weak figures for everyone above scale; missing for the rest (they report nothing)
    fig = {f: np.full(n, np.nan) for f in engine.TIER_FIGURE_FIELDS}
    m = int(above.sum())
    weak = {"niche_years": rng.integers(0, 6, m), "ip_class1": rng.integers(0, 2, m),
            "ip_class2": rng.integers(0, 6, m),
            "ip_class1_high_value": np.zeros(m), "market_share": np.round(rng.uniform(0, 4, m), 2),
            "market_rank_national": rng.integers(5, 60, m), "market_rank_global": rng.integers(20, 200, m),
            "main_products": rng.integers(1, 7, m), "info_system": rng.random(m) < 0.5,
            "certification": rng.random(m) < 0.6, "intl_certification": rng.random(m) < 0.15,
            "own_brand": rng.random(m) < 0.5, "standards": rng.integers(0, 2, m),
            "rd_institution": rng.integers(0, 3, m),
            "quality_items": rng.integers(0, 3, m), "digital_level": np.round(rng.uniform(1.0, 3.0, m), 1),
            "key_field": rng.random(m) < 0.1, "field_effect": rng.integers(0, 2, m), "credit_a": rng.random(m) < 0.7,
            "innovative_sme": rng.random(m) < 0.3, "sme_score": np.round(rng.uniform(20, 58, m), 1),
            "provincial_soe": np.zeros(m), "new_product": np.zeros(m)}
    for f, v in weak.items():
        fig[f][above] = np.asarray(v, dtype=float)
    fig["hz_group_revenue"][above] = frame.figures["revenue"][above]
    holders: dict[str, set[int]] = {}
    for pk, tier in Recognition.objects.values_list("enterprise_id", "tier"):
        holders.setdefault(tier, set()).add(pk)
    assigned = np.zeros(n, dtype=bool)
    revenue = np.nan_to_num(frame.figures["revenue"])
    for tier, target in TARGETS.items():
        want = max(1, int(round(target * factor)))
        rs = services.ruleset_for(tier, AS_OF)
        rules = [engine.Rule.from_row(r) for r in rs.rules.all()]
        trial = {k: v.copy() for k, v in fig.items()}
        for k, v in _passing(tier, n, rng, revenue).items():
            trial[k][above] = v[above]
        could = (engine.evaluate(rules, {**frame.figures, **trial}, n).eligible == 1) & above
        now = engine.evaluate(rules, {**frame.figures, **fig}, n).eligible == 1
        pool = np.flatnonzero(could & ~now & ~assigned)
        prefer = np.isin(frame.ids[pool], np.array(sorted(holders.get(tier, set())), dtype=np.int64))
        order = np.concatenate([rng.permutation(pool[prefer]), rng.permutation(pool[~prefer])])
        need = max(0, want - int(now.sum()))
        chosen, near = order[:need], order[need:need + max(1, want // 3)]
        for k, v in _passing(tier, n, rng, revenue).items():
            for idx in (chosen, near):
                fig[k][idx] = v[idx]
        _short(tier, fig, near, rng)
        assigned[chosen] = True
    rows = []
    fields = engine.TIER_FIGURE_FIELDS
    cols = {f: fig[f].tolist() for f in fields}
    for k, pk in enumerate(frame.ids.tolist()):
        if not above[k]:
            continue
        values = {}
        for f in fields:
            v = cols[f][k]
            if v != v:  # NaN
                continue
            values[f] = bool(v) if f in BOOL_FIELDS else (Decimal(str(round(v, 2))) if f in (
                "market_share", "digital_level", "sme_score", "hz_group_revenue", "equity_financing_2y") else int(v))
        values["states"] = {"market_share": FigureState.VERIFIED if assigned[k] else FigureState.REPORTED}
        rows.append(EnterpriseTierFigures(enterprise_id=pk, year=FIGURE_YEAR, **values))
    EnterpriseTierFigures.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    run = services.evaluation_run(actor=None, as_of=AS_OF)
    _recognitions_from_engine(run, seed)
    _seed_round(users=users, seed=seed)


def _recognitions_from_engine(run, seed: int) -> None:
    """The registry's recognitions of the evaluated tiers become the engine's verdicts (雄鹰 keeps its list)."""
    from industry_brain.enterprises.services import recognitions_expire

    rng = random.Random(seed)
    previous = set(Recognition.objects.filter(tier="little_giant").values_list("enterprise_id", flat=True))
    Recognition.objects.filter(tier__in=list(TARGETS)).delete()
    recs = []
    for tier in TARGETS:
        eligible = list(TierEvaluation.objects.filter(run=run, tier=tier, eligible=True).order_by("enterprise_id")
                        .values_list("enterprise_id", flat=True))
        if tier == "little_giant":  # a few newly qualifying firms are this year's applicants, not yet recognised
            newcomers = [pk for pk in eligible if pk not in previous][:ROUND_SIZE]
            eligible = [pk for pk in eligible if pk not in set(newcomers)]
        for pk in eligible:
            year = rng.randint(2023, 2025)
            recs.append(Recognition(enterprise_id=pk, tier=tier, level=LEVELS[tier], year=year,
                                    valid_until=dt.date(year + 3, 12, 31), batch=f"{year}年度认定（引擎评价）"))
    Recognition.objects.bulk_create(recs, batch_size=5000, ignore_conflicts=True)
    Enterprise.objects.exclude(top_tier="").exclude(top_tier="eagle").update(top_tier="")
    recognitions_expire()


def _seed_round(*, users: dict, seed: int) -> None:
    """A 小巨人 round of 2026 in public notice: the newly qualifying firms nominated and taken to 公示, one objection
    recorded and not yet answered."""
    city = users.get("city_admin")
    if city is None:
        return
    rnd = services.round_create(actor=city, data={
        "name": "2026年度专精特新“小巨人”企业推荐", "tier": "little_giant", "year": 2026,
        "opens_on": dt.date(2026, 3, 1), "closes_on": dt.date(2026, 3, 31), "notice_working_days": 5})
    run = services.latest_run()
    picks = list(TierEvaluation.objects.filter(run=run, tier="little_giant", eligible=True).exclude(
        enterprise_id__in=Recognition.objects.filter(tier="little_giant").values("enterprise_id"))
        .order_by("enterprise_id").values_list("enterprise_id", flat=True)[:ROUND_SIZE])
    rng = random.Random(seed)
    for pk in picks:
        app = services.application_create(actor=city, round=rnd, enterprise=Enterprise.objects.get(pk=pk))
        for step, data in (("submit", {}), ("precheck", {}), ("district_approve", {}),
                           ("city_approve", {"expert_score": round(rng.uniform(75, 95), 1)}), ("publicise", {})):
            app = services.application_step(actor=city, application=app, action=step, data=data)
    first = RecognitionApplication.objects.filter(round=rnd).order_by("pk").first()
    if first is not None:
        services.application_step(actor=city, application=first, action="object",
                                  data={"text": "对主导产品市场占有率测算口径有疑问", "raised_by": "公示期来信"})
