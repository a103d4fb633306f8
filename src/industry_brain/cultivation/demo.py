"""Demo data of tier cultivation: the figures the criteria need for every above-scale firm (set-based, from the
seed), then the ENGINE decides who qualifies; a recognition round in public notice; the cultivation pool follows
from the evaluation. Firms the registry already recognises get figures that mostly meet that tier's figure
criteria, a band of others falls one figure short (the believable near-misses of the pool)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import numpy as np
from django.db import transaction

from industry_brain.enterprises.models import Enterprise, Recognition, YearlyFigures

from . import services
from .choices import FigureState
from .models import EnterpriseTierFigures, RecognitionApplication, RecognitionRound

FIGURE_YEAR = 2025
STRENGTH = {"specialised": 1, "hidden_champion": 2, "little_giant": 3, "single_champion": 4, "eagle": 4, "kunpeng": 5}


@transaction.atomic
def seed_cultivation(*, scale: str, seed: int, users: dict) -> None:
    rng = np.random.default_rng(seed + 11)
    ids = np.array(list(Enterprise.objects.filter(is_above_scale=True).order_by("pk").values_list("pk", flat=True)))
    if len(ids) == 0:
        return
    held: dict[int, int] = {}
    for pk, tier in Recognition.objects.values_list("enterprise_id", "tier"):
        held[pk] = max(held.get(pk, 0), STRENGTH.get(tier, 0))
    revenue = dict(YearlyFigures.objects.filter(year=FIGURE_YEAR).values_list("enterprise_id", "revenue"))
    n = len(ids)
    strength = np.array([held.get(int(pk), 0) for pk in ids])
    # near-misses: 6 % of the others get the figures of a specialised firm
    strength = np.where((strength == 0) & (rng.random(n) < 0.06), 1, strength)
    s = strength
    niche = np.where(s >= 4, rng.integers(10, 25, n), np.where(s >= 2, rng.integers(10, 18, n),
                                                               np.where(s == 1, rng.integers(3, 9, n),
                                                                        rng.integers(0, 6, n))))
    share = np.round(np.where(s >= 3, rng.uniform(9.2, 30, n), np.where(s >= 1, rng.uniform(3, 12, n),
                                                                         rng.uniform(0, 5, n))), 2)
    ip1 = np.where(s >= 3, rng.integers(2, 12, n), np.where(s >= 1, rng.integers(0, 4, n), rng.integers(0, 2, n)))
    rank_nat = np.where(s >= 2, rng.integers(1, 6, n), rng.integers(3, 40, n))
    rank_glob = np.where(s >= 4, rng.integers(1, 4, n), np.where(s >= 2, rng.integers(2, 15, n),
                                                                 rng.integers(10, 90, n)))
    rows = []
    for k, pk in enumerate(ids.tolist()):
        strong = s[k] >= 1
        own = revenue.get(pk, Decimal(0))
        hz = own * Decimal("1.3") if s[k] >= 5 else own  # consolidated in Hangzhou: the firm's own without a group
        rows.append(EnterpriseTierFigures(
            enterprise_id=pk, year=FIGURE_YEAR, niche_years=int(niche[k]), ip_class1=int(ip1[k]),
            ip_class1_high_value=int(ip1[k] > 6), ip_class2=int(rng.integers(0, 15)),
            market_share=Decimal(str(share[k])), market_rank_national=int(rank_nat[k]),
            market_rank_global=int(rank_glob[k]), main_products=int(rng.integers(1, 4 if strong else 6)),
            info_system=bool(strong or rng.random() < 0.5), certification=bool(strong or rng.random() < 0.6),
            intl_certification=bool(s[k] >= 2 or rng.random() < 0.2), own_brand=bool(strong or rng.random() < 0.5),
            standards=int(rng.integers(1, 6) if s[k] >= 2 else rng.integers(0, 2)),
            rd_institution=int(rng.integers(2, 5) if strong else rng.integers(0, 3)),
            quality_items=int(rng.integers(1, 5) if strong else rng.integers(0, 3)),
            digital_level=Decimal(str(round(float(rng.uniform(2.0, 4.0) if strong else rng.uniform(1.0, 3.0)), 1))),
            key_field=bool(s[k] >= 3 or rng.random() < 0.15), field_effect=int(rng.integers(1, 3) if strong else 0),
            credit_a=bool(strong or rng.random() < 0.7), innovative_sme=bool(strong or rng.random() < 0.3),
            sme_score=Decimal(str(round(float(rng.uniform(55, 90) if strong else rng.uniform(20, 65)), 1))),
            hz_group_revenue=hz, provincial_soe=False,
            states={"market_share": FigureState.VERIFIED if s[k] >= 3 else FigureState.REPORTED}))
    EnterpriseTierFigures.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    services.evaluation_run(actor=None, as_of=dt.date(2026, 3, 1))
    _seed_round(users=users, seed=seed)


def _seed_round(*, users: dict, seed: int) -> None:
    """A 小巨人 round of 2026 in public notice: the pool's eligible firms nominated and taken to 公示."""
    from .models import TierEvaluation

    city = users.get("city_admin")
    if city is None:
        return
    rnd = services.round_create(actor=city, data={
        "name": "2026年度专精特新“小巨人”企业推荐", "tier": "little_giant", "year": 2026,
        "opens_on": dt.date(2026, 3, 1), "closes_on": dt.date(2026, 3, 31), "notice_working_days": 5})
    run = services.latest_run()
    picks = list(TierEvaluation.objects.filter(run=run, tier="little_giant", failed__lte=1, excluded=False).exclude(
        enterprise_id__in=Recognition.objects.filter(tier="little_giant").values("enterprise_id"))
        .order_by("failed", "nearness", "enterprise_id").values_list("enterprise_id", flat=True)[:6])
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
    assert isinstance(rnd, RecognitionRound)
