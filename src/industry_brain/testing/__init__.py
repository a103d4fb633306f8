"""Test helpers shared by every app (the domain may be known here, never in core): factories for organisations,
users of each role, enterprises and a small world with one object in and one out of each role's scope."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import pathlib
from decimal import Decimal

from industry_brain.accounts.choices import OrganisationKind, Role
from industry_brain.accounts.models import Organisation, User
from industry_brain.core.codes import make_uscc

_serial = itertools.count(1)
PASSWORD = "Test#pass-2026"


def new_uscc(district: str = "330106") -> str:
    n = next(_serial)
    return make_uscc(f"91{district}{n:08d}X"[:17])


def make_org(name: str, kind: str, **extra) -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"kind": kind, **extra})[0]


def make_user(username: str, role: str, *, organisation=None, enterprise=None) -> User:
    user = User(username=username, role=role, organisation=organisation, enterprise=enterprise, title=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_ecosystem(code: str = "iot", name: str = "智能物联"):
    from industry_brain.chains.models import Ecosystem

    return Ecosystem.objects.get_or_create(code=code, defaults={"name": name, "leader": "市领导（链长）"})[0]


def make_chain(ecosystem, code: str = "ic", name: str = "集成电路"):
    from industry_brain.chains.models import Chain, ChainNode, NodeLink

    chain = Chain.objects.get_or_create(code=code, defaults={"ecosystem": ecosystem, "name": name})[0]
    up = ChainNode.objects.get_or_create(chain=chain, name=f"{name}上游", defaults={"segment": "upstream"})[0]
    mid = ChainNode.objects.get_or_create(chain=chain, name=f"{name}中游", defaults={"segment": "midstream"})[0]
    down = ChainNode.objects.get_or_create(chain=chain, name=f"{name}下游", defaults={"segment": "downstream"})[0]
    NodeLink.objects.get_or_create(supplier=up, customer=mid)
    NodeLink.objects.get_or_create(supplier=mid, customer=down)
    return chain


def make_enterprise(name: str, district: str = "330106", industry: str = "39", *, above: bool = True, node=None,
                    figures: bool = True):
    from industry_brain.chains.models import ChainMembership
    from industry_brain.enterprises.models import Enterprise, YearlyFigures

    e = Enterprise.objects.create(uscc=new_uscc(district), name=name, district_id=district, industry_id=industry,
                                  is_above_scale=above, lat=Decimal("30.27"), lon=Decimal("120.15"),
                                  founded_on=dt.date(2010, 1, 1))
    if figures:
        for year, revenue in ((2024, 9000), (2025, 10000)):
            YearlyFigures.objects.create(enterprise=e, year=year, revenue=revenue, main_revenue=revenue - 500,
                                         rd_expense=400, employees=120, total_assets=12000, liabilities=5000,
                                         net_profit=800, verified=True)
    if node is not None:
        ChainMembership.objects.create(enterprise=e, node=node)
    return e


@dataclasses.dataclass
class World:
    """Two districts (西湖 330106, 萧山 330109), one ecosystem with a chain, enterprises in and out of
    each scope, and one user per role."""

    bureau: Organisation
    xihu: Organisation
    xiaoshan: Organisation
    department: Organisation
    other_department: Organisation
    team: Organisation
    ecosystem: object
    other_ecosystem: object
    chain: object
    other_chain: object
    ent_xihu: object  # 西湖, in the team's chain, served by the cadre, user enterprise_a
    ent_xiaoshan: object  # 萧山, in another ecosystem's chain
    cadre: object
    users: dict

    def user(self, key: str) -> User:
        return self.users[key]


def build_world() -> World:
    from industry_brain.demands.models import Assignment, Cadre

    bureau = make_org("市经信局（测试）", OrganisationKind.BUREAU)
    xihu = make_org("西湖区经信局（测试）", OrganisationKind.DISTRICT, district_id="330106")
    xiaoshan = make_org("萧山区经信局（测试）", OrganisationKind.DISTRICT, district_id="330109")
    department = make_org("市交通运输局（测试）", OrganisationKind.DEPARTMENT)
    other_department = make_org("市人社局（测试）", OrganisationKind.DEPARTMENT)
    ecosystem = make_ecosystem()
    other_ecosystem = make_ecosystem("biomed", "生物医药")
    team = make_org("智能物联专班（测试）", OrganisationKind.CHAIN_TEAM, ecosystem=ecosystem)
    chain = make_chain(ecosystem)
    other_chain = make_chain(other_ecosystem, "pharma", "创新药物")
    ent_xihu = make_enterprise("杭州西测电子有限公司", "330106", node=chain.nodes.get(segment="midstream"))
    ent_xiaoshan = make_enterprise("杭州萧测医药有限公司", "330109", "27",
                                   node=other_chain.nodes.get(segment="midstream"))
    users = {
        "city": make_user("t_city", Role.CITY, organisation=bureau),
        "district": make_user("t_xihu", Role.DISTRICT, organisation=xihu),
        "district_other": make_user("t_xiaoshan", Role.DISTRICT, organisation=xiaoshan),
        "chain_team": make_user("t_team", Role.CHAIN_TEAM, organisation=team),
        "department": make_user("t_dept", Role.DEPARTMENT, organisation=department),
        "department_other": make_user("t_dept2", Role.DEPARTMENT, organisation=other_department),
        "cadre": make_user("t_cadre", Role.CADRE, organisation=xihu),
        "enterprise": make_user("t_ent", Role.ENTERPRISE, enterprise=ent_xihu),
        "enterprise_other": make_user("t_ent2", Role.ENTERPRISE, enterprise=ent_xiaoshan),
    }
    cadre = Cadre.objects.create(code="T-0001", name="测试干部", organisation=xihu, user=users["cadre"])
    Assignment.objects.create(cadre=cadre, enterprise=ent_xihu, started_on=dt.date(2025, 1, 1))
    return World(bureau, xihu, xiaoshan, department, other_department, team, ecosystem, other_ecosystem, chain,
                 other_chain, ent_xihu, ent_xiaoshan, cadre, users)


ALL_ROLES = ["city", "district", "district_other", "chain_team", "department", "department_other", "cadre",
             "enterprise", "enterprise_other"]


def login_page(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form in a Playwright page."""
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def until(page, script: str, timeout: float = 15.0) -> None:
    """Poll a page expression until it is true (wait_for_function evaluates strings, which the CSP forbids)."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"not true within {timeout}s: {script}")


SCREENSHOTS = pathlib.Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def shoot(page, name: str) -> None:
    """A screenshot of the visible page to docs/screenshots/<name>.png, only when SCREENSHOTS=1."""
    import os

    if os.environ.get("SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def xlsx(headers, rows, name: str = "import.xlsx"):
    """An in-memory .xlsx upload (header row, then rows), written by the platform's own workbook writer."""
    import io

    from industry_brain.core.excel import write_workbook

    buf = io.BytesIO(write_workbook(headers, rows))
    buf.name = name
    return buf
