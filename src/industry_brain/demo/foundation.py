"""Synthetic foundation data: organisations, the five ecosystems and their chains, enterprises with
three years of figures, chain memberships, chain-masters, recognitions and the demo accounts.

Deterministic for a given seed. Calibrated on the source: about 6,500 above-scale (规上) and 20,000
other industrial enterprises at city scale; `scale="province"` builds about ten times more.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from industry_brain.accounts.choices import OrganisationKind, Role
from industry_brain.accounts.models import Organisation, User
from industry_brain.chains.models import (
    Chain,
    ChainMaster,
    ChainMembership,
    ChainNode,
    Ecosystem,
    NodeLink,
    TeamMember,
)
from industry_brain.chains.services import ecosystem_stats_refresh
from industry_brain.core.codes import make_uscc
from industry_brain.core.geo import random_point_in_district
from industry_brain.core.models import District, IndustryDivision
from industry_brain.demands.models import Assignment, Cadre
from industry_brain.enterprises.models import Enterprise, Recognition, YearlyFigures

from .catalogue import (
    DEPARTMENTS,
    DISTRICT_WEIGHTS,
    DIVISION_WORDS,
    ECOSYSTEMS,
    NAME_WORDS,
    OTHER_DIVISIONS,
    STREETS,
)

SCALES = {"city": (6_500, 20_000), "province": (60_000, 300_000), "tiny": (300, 700)}
FIGURE_YEARS = (2023, 2024, 2025)
CITY_BUREAU = "杭州市经济和信息化局"
BATCH = 5_000


def org_code_check(body8: str) -> str:
    """GB 11714 organisation-code check character for the 9-character block inside a credit code."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    c = 11 - sum(alphabet.index(ch) * w for ch, w in zip(body8, weights, strict=True)) % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


def make_enterprise_uscc(district: str, serial: int) -> str:
    body8 = f"{(serial * 7919 + 10_000_000) % 100_000_000:08d}"
    return make_uscc("91" + district + body8 + org_code_check(body8))


def seed_organisations() -> dict:
    bureau, _ = Organisation.objects.get_or_create(name=CITY_BUREAU, defaults={"kind": OrganisationKind.BUREAU})
    districts = {}
    for d in District.objects.all():
        districts[d.code], _ = Organisation.objects.get_or_create(
            name=f"{d.name}经济和信息化局", defaults={"kind": OrganisationKind.DISTRICT, "district": d, "parent": bureau})
    departments = {}
    for name in DEPARTMENTS:
        departments[name], _ = Organisation.objects.get_or_create(name=name, defaults={
            "kind": OrganisationKind.DEPARTMENT})
    return {"bureau": bureau, "districts": districts, "departments": departments}


def chain_links(segments: dict[str, list[ChainNode]]) -> list[tuple[ChainNode, ChainNode]]:
    up, mid, down = segments["upstream"], segments["midstream"], segments["downstream"]
    links = [(u, mid[i % len(mid)]) for i, u in enumerate(up)]
    links += [(u, mid[-1]) for u in up if mid[-1] is not mid[up.index(u) % len(mid)]][:1]
    links += list(zip(mid, mid[1:], strict=False))
    links += [(mid[-1], d) for d in down]
    if len(mid) > 1:
        links += [(mid[-2], down[0])]
    return list(dict.fromkeys(links))


def seed_chains(orgs: dict) -> dict:
    divisions = {d.code: d for d in IndustryDivision.objects.all()}
    result = {"ecosystems": {}, "nodes": []}
    for e_order, eco in enumerate(ECOSYSTEMS):
        ecosystem, _ = Ecosystem.objects.update_or_create(code=eco["code"], defaults={
            "name": eco["name"], "leader": eco["leader"], "description": eco["description"], "order": e_order})
        result["ecosystems"][eco["code"]] = ecosystem
        team, _ = Organisation.objects.get_or_create(
            name=f"{eco['name']}产业生态圈工作专班", defaults={"kind": OrganisationKind.CHAIN_TEAM, "ecosystem": ecosystem,
                                                        "parent": orgs["bureau"]})
        if not TeamMember.objects.filter(ecosystem=ecosystem).exists():
            TeamMember.objects.bulk_create([
                TeamMember(ecosystem=ecosystem, position="leader", title="专班组长", unit=CITY_BUREAU, order=0),
                TeamMember(ecosystem=ecosystem, position="deputy", title="专班副组长", unit="杭州市发展和改革委员会",
                           order=1),
                TeamMember(ecosystem=ecosystem, position="member", title="产业链专员", unit=f"{CITY_BUREAU}产业链处",
                           order=2),
                TeamMember(ecosystem=ecosystem, position="member", title="招商专员", unit="杭州市投资促进局", order=3),
                TeamMember(ecosystem=ecosystem, position="liaison", title="联络员", unit=f"{CITY_BUREAU}办公室", order=4),
            ])
        for c_order, (code, name, segments) in enumerate(eco["chains"]):
            chain, _ = Chain.objects.update_or_create(code=code, defaults={
                "ecosystem": ecosystem, "name": name, "order": c_order, "leader": eco["leader"]})
            by_segment: dict[str, list[ChainNode]] = {}
            for segment, nodes in segments.items():
                by_segment[segment] = []
                for n_order, (node_name, divs, key) in enumerate(nodes):
                    node, created = ChainNode.objects.get_or_create(chain=chain, name=node_name, defaults={
                        "segment": segment, "order": n_order, "is_key": key})
                    if created:
                        node.industries.set([divisions[d] for d in divs])
                    node._divisions = divs
                    by_segment[segment].append(node)
                    result["nodes"].append(node)
            for s, t in chain_links(by_segment):
                NodeLink.objects.get_or_create(supplier=s, customer=t)
    return result


def _name(rng: random.Random, division: str, used: set[str]) -> str:
    word = DIVISION_WORDS.get(division, "实业")
    for _ in range(50):
        brand = rng.choice(NAME_WORDS) + rng.choice(NAME_WORDS)
        if brand[0] == brand[1]:
            continue
        kind = rng.choice(["有限公司", "有限公司", "有限公司", "股份有限公司"])
        tech = rng.choice(["科技", "", "", "制造"]) if division not in ("65", "64", "63") else ""
        name = f"杭州{brand}{word}{tech}{kind}"
        if name not in used:
            used.add(name)
            return name
    name = f"杭州{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{word}{len(used)}号有限公司"
    used.add(name)
    return name


def weighted_choice(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


# Above the median the log-revenue rises faster (slope 1 + TAIL_SLOPE): the largest firms carry the city's output
# as real ones do (about 260 firms ≥ 10亿元, a handful ≥ 100亿元, about 14,600亿元 in all at city scale), so the
# monitoring demo's value added lands near the source's 1—10月 3,489亿元 at realistic value-added rates. The median
# and the ranking are those of the plain log-normal; the largest firm stays below 1,000亿元.
TAIL_MEDIAN = 1.35 * 0.6745  # median of |N(0, 1.35)|
TAIL_SLOPE = 0.58
TAIL_CAP = 10_000_000.0  # 万元


def above_scale_revenue(x: float) -> float:
    """Main-business revenue (万元) of an above-scale firm from its draw x = |N(0, 1.35)| (monotone in x)."""
    return min(2000 * math.exp(x + TAIL_SLOPE * max(x - TAIL_MEDIAN, 0.0)), TAIL_CAP)


def seed_enterprises(*, scale: str, rng: random.Random, nodes: list[ChainNode]) -> None:
    above_n, other_n = SCALES[scale]
    total = above_n + other_n
    used_names: set[str] = set(Enterprise.objects.values_list("name", flat=True))
    start_serial = Enterprise.objects.count()
    node_by_division: dict[str, list[ChainNode]] = {}
    for node in nodes:
        for d in node._divisions:
            node_by_division.setdefault(d, []).append(node)
    # Manufacturing divisions weighted towards the chains' divisions so that chains are well populated.
    division_weights = dict(OTHER_DIVISIONS)
    for d in node_by_division:
        division_weights[d] = division_weights.get(d, 0) + 4
    enterprises: list[Enterprise] = []
    plans: list[tuple[bool, str]] = []
    for i in range(total):
        above = i < above_n
        district = weighted_choice(rng, DISTRICT_WEIGHTS)
        division = weighted_choice(rng, division_weights)
        lon, lat = random_point_in_district(district, rng)
        founded = dt.date(rng.randint(1985 if above else 1995, 2022), rng.randint(1, 12), rng.randint(1, 28))
        street = rng.choice(STREETS[district])
        enterprises.append(Enterprise(
            uscc=make_enterprise_uscc(district, start_serial + i + 1), name=_name(rng, division, used_names),
            district_id=district, street=street, address=f"{street}{rng.choice(NAME_WORDS)}{rng.choice(['路', '街', '大道'])}"
            f"{rng.randint(1, 999)}号", lat=Decimal(str(lat)), lon=Decimal(str(lon)), industry_id=division,
            is_above_scale=above, founded_on=founded, is_listed=above and rng.random() < 0.04))
        plans.append((above, division))
    for k in range(0, len(enterprises), BATCH):
        Enterprise.objects.bulk_create(enterprises[k:k + BATCH], batch_size=BATCH)
    saved = list(Enterprise.objects.filter(uscc__in=[e.uscc for e in enterprises]).values_list("pk", "uscc"))
    pk_of = dict((u, p) for p, u in saved)
    figures: list[YearlyFigures] = []
    memberships: list[ChainMembership] = []
    for e, (above, division) in zip(enterprises, plans, strict=True):
        pk = pk_of[e.uscc]
        # Main-business revenue (万元): above-scale log-normal with a heavy tail, others below 2,000万元.
        base = above_scale_revenue(abs(rng.gauss(0.0, 1.35))) if above else rng.uniform(120, 1950)
        growth = rng.gauss(0.07, 0.12)
        employees = max(8, int(base / rng.uniform(60, 140)))
        rd_share = max(0.0, rng.gauss(0.035 if division in ("39", "65", "27", "35", "40") else 0.02, 0.015))
        for k, year in enumerate(FIGURE_YEARS):
            main = base / ((1 + growth) ** (len(FIGURE_YEARS) - 1 - k))
            if not above:
                main = min(main, 1990)
            elif k == len(FIGURE_YEARS) - 1:
                main = max(main, 2000)
            revenue = main * rng.uniform(1.0, 1.12)
            assets = revenue * rng.uniform(0.6, 1.8)
            figures.append(YearlyFigures(
                enterprise_id=pk, year=year, revenue=_d(revenue), main_revenue=_d(main), rd_expense=_d(revenue * rd_share),
                rd_staff=int(employees * min(0.6, rd_share * rng.uniform(2, 6))), employees=employees,
                total_assets=_d(assets), liabilities=_d(assets * rng.uniform(0.25, 0.75)),
                net_profit=Decimal(str(round(revenue * rng.gauss(0.06, 0.05), 2))), invention_patents=int(rd_share * 300 * rng.random()),
                export_revenue=_d(revenue * max(0.0, rng.gauss(0.12, 0.12))), verified=True))
        candidates = node_by_division.get(division, [])
        if candidates and rng.random() < (0.65 if above else 0.3):
            node = rng.choice(candidates)
            memberships.append(ChainMembership(enterprise_id=pk, node=node, main_product=node.name))
        if len(figures) >= BATCH * 3:
            YearlyFigures.objects.bulk_create(figures, batch_size=BATCH)
            figures = []
    YearlyFigures.objects.bulk_create(figures, batch_size=BATCH)
    ChainMembership.objects.bulk_create(memberships, batch_size=BATCH, ignore_conflicts=True)


def _d(x: float) -> Decimal:
    return Decimal(str(round(max(x, 0.0), 2)))


def seed_recognitions_and_masters(*, rng: random.Random, scale: str) -> None:
    """Tier recognitions by revenue band (about the source's 208 小巨人, 34 单项冠军, 32 雄鹰 at city scale) and
    one to three chain-masters per chain among the largest members."""
    factor = 10 if scale == "province" else (0.05 if scale == "tiny" else 1)
    latest = FIGURE_YEARS[-1]
    ranked = list(YearlyFigures.objects.filter(year=latest, enterprise__is_above_scale=True)
                  .order_by("-main_revenue").values_list("enterprise_id", flat=True))
    plan = [("kunpeng", "city", int(12 * factor)), ("eagle", "provincial", int(32 * factor)),
            ("single_champion", "national", int(34 * factor)), ("little_giant", "national", int(208 * factor)),
            ("hidden_champion", "provincial", int(180 * factor)), ("specialised", "provincial", int(900 * factor))]
    recognitions = []
    top_tier = {}
    position = 0
    for tier, level, n in plan:
        pool = ranked[position:position + n * 3]
        chosen = rng.sample(pool, min(n, len(pool)))
        position += n
        for pk in chosen:
            year = rng.randint(2021, 2025)
            recognitions.append(Recognition(enterprise_id=pk, tier=tier, level=level, year=year,
                                            valid_until=dt.date(year + 3, 12, 31), batch=f"{year}年度认定"))
            top_tier.setdefault(pk, tier)
    Recognition.objects.bulk_create(recognitions, batch_size=BATCH, ignore_conflicts=True)
    by_tier: dict[str, list[int]] = {}
    for pk, tier in top_tier.items():
        by_tier.setdefault(tier, []).append(pk)
    for tier, pks in by_tier.items():
        for k in range(0, len(pks), 900):
            Enterprise.objects.filter(pk__in=pks[k:k + 900]).update(top_tier=tier)
    # Certificates past their end date no longer count: the highest tier each firm still validly holds.
    from industry_brain.enterprises.services import recognitions_expire

    recognitions_expire()
    masters = []
    for chain in Chain.objects.all():
        members = list(YearlyFigures.objects.filter(year=latest, enterprise__memberships__node__chain=chain,
                                                    enterprise__is_above_scale=True)
                       .order_by("-main_revenue").values_list("enterprise_id", flat=True)[:3])
        for k, pk in enumerate(members[: rng.randint(1, 3)]):
            masters.append(ChainMaster(
                chain=chain, enterprise_id=pk, status="designated" if k < 2 else "nominated",
                nominated_on=dt.date(2022, 6, 15), designated_on=dt.date(2022, 9, 1) if k < 2 else None,
                reason=f"{chain.name}产业链龙头企业，营收规模居全市同链前列，带动上下游配套企业协同创新。"))
    ChainMaster.objects.bulk_create(masters, ignore_conflicts=True)


def seed_accounts(*, orgs: dict, chains: dict, rng: random.Random) -> dict[str, User]:
    """The demo accounts of API-CONTRACT.md, all with DEMO_PASSWORD."""
    password = settings.DEMO_PASSWORD
    xihu = Enterprise.objects.filter(district_id="330106", is_above_scale=True).order_by("pk").first()
    xiaoshan = Enterprise.objects.filter(district_id="330109", is_above_scale=True).order_by("pk").first()
    specs = [
        ("city_admin", Role.CITY, orgs["bureau"], None, "市经信局 系统管理员", True),
        ("xihu_officer", Role.DISTRICT, orgs["districts"]["330106"], None, "西湖区经信局 业务科室", False),
        ("xiaoshan_officer", Role.DISTRICT, orgs["districts"]["330109"], None, "萧山区经信局 业务科室", False),
        ("chain_iot", Role.CHAIN_TEAM, Organisation.objects.get(name="智能物联产业生态圈工作专班"), None,
         "智能物联专班 产业链专员", False),
        ("dept_transport", Role.DEPARTMENT, orgs["departments"]["杭州市交通运输局"], None, "市交通运输局 协调专员", False),
        ("cadre_demo", Role.CADRE, orgs["districts"]["330106"], None, "西湖区 助企干部", False),
        ("enterprise_demo", Role.ENTERPRISE, None, xihu, "企业联络员", False),
        ("enterprise_demo2", Role.ENTERPRISE, None, xiaoshan, "企业联络员", False),
    ]
    users = {}
    for username, role, org, enterprise, title, staff in specs:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.organisation, user.enterprise, user.title = role, org, enterprise, title
        user.is_staff = user.is_superuser = staff
        user.set_password(password)
        user.save()
        users[username] = user
    cadre, _ = Cadre.objects.get_or_create(code="XH-DEMO", defaults={
        "name": "西湖区助企干部（演示）", "organisation": orgs["districts"]["330106"], "user": users["cadre_demo"]})
    if not Assignment.objects.filter(cadre=cadre).exists():
        served = list(Enterprise.objects.filter(district_id="330106", is_above_scale=True).order_by("pk")[:6])
        Assignment.objects.bulk_create([Assignment(cadre=cadre, enterprise=e, started_on=dt.date(2022, 3, 1))
                                        for e in served])
    return users


@transaction.atomic
def seed_foundation(*, scale: str = "city", seed: int = 2022) -> dict:
    rng = random.Random(seed)
    orgs = seed_organisations()
    chains = seed_chains(orgs)
    seed_enterprises(scale=scale, rng=rng, nodes=chains["nodes"])
    seed_recognitions_and_masters(rng=rng, scale=scale)
    users = seed_accounts(orgs=orgs, chains=chains, rng=rng)
    ecosystem_stats_refresh()  # the overview's pre-aggregated member counts
    return {"orgs": orgs, "chains": chains, "users": users}
