"""The scope meta-test machinery: a role × route matrix built from the URL conf and the API router.

Every route of the site (each page URL name and each API route name, with each HTTP method its view answers)
must have a declared expectation for every role of `ALL_ROLES` (anonymous visitors get a default: pages
redirect to the login, the API answers 401/403). Declarations live beside the code, one module per app:
`industry_brain/<app>/scope_expectations.py` with a dict `EXPECTATIONS` (see docs/scope.md):

    from industry_brain.testing.scope_matrix import case

    EXPECTATIONS = {
        "chains:ecosystem_list": case(everyone=200),
        "chains:chain_detail": [case(kwargs=lambda w: {"pk": w.chain.pk}, everyone=200),
                                case(kwargs=lambda w: {"pk": w.other_chain.pk}, everyone=200)],
        "chain-membership-detail": case("delete", kwargs=lambda w: {"pk": w.membership(w.ent_xihu).pk},
                                        everyone=403, city=204, chain_team=204, department=404, ...),
    }

Each case runs once per role, inside a savepoint rolled back afterwards (so a DELETE by one role does not
change what the next one sees), against the world of `build_scope_world()` (build_world with distinctive
yearly figures). Every GET answered 200 is then searched for what the role may not see: the name or credit
code of an enterprise outside its "view" scope, and the revenue of an enterprise outside its
"view_confidential" scope, alone or summed with the others (an aggregate of fewer than three firms that
includes a firm the reader may not see is a leak; docs/scope.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import importlib
import itertools
import json
import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.edit import ProcessFormView

from . import ALL_ROLES, World, build_world

ANONYMOUS = "anonymous"
ROLES = [*ALL_ROLES, ANONYMOUS]
LOGIN = "login"  # a page redirect to the login form
DENIED = (401, 403)  # the API to a visitor without credentials
METHODS = ("get", "post", "put", "patch", "delete")
MIN_GROUP = 3  # a published aggregate covers at least this many firms

# Distinctive yearly figures of the world's two enterprises, so that a leaked figure (or a sum of them)
# can be recognised in any page or API answer.
REVENUE = {"ent_xihu": {2024: 61357, 2025: 73519}, "ent_xiaoshan": {2024: 59183, 2025: 86247}}

# Routes that are not the platform's own pages: Django's admin has its own staff permissions.
EXCLUDED_PREFIXES = ("admin/",)

Status = int | str | tuple


@dataclasses.dataclass
class Case:
    """One request of the matrix: the method, how to build the URL's kwargs (and the body) from the world,
    and the expected status for each role."""

    method: str
    expect: dict[str, Status]
    kwargs: Callable[[World], dict] | dict | None = None
    data: Callable[[World], dict] | dict | None = None
    setup: Callable[[World], object] | None = None
    note: str = ""
    # Enterprises whose *names* this route rightly shows to who may see the object (the counterparty of one's own
    # deal, a recommended partner's published listing); their codes and figures stay forbidden. Declared per case,
    # with the reason in `note`, so that an exemption is reviewed like any other scope rule.
    shows: Callable[[World], Iterable] | None = None

    def url_kwargs(self, world: World) -> dict:
        if self.setup is not None:
            self.setup(world)
        return (self.kwargs(world) if callable(self.kwargs) else self.kwargs) or {}

    def body(self, world: World) -> dict:
        return (self.data(world) if callable(self.data) else self.data) or {}


def case(method: str = "get", *, kwargs=None, data=None, setup=None, everyone: Status | None = None,
         note: str = "", shows=None, **per_role: Status) -> Case:
    """A case expecting `everyone` for each role of ALL_ROLES unless the role is named (`city=200`).
    `anonymous=` overrides the default for visitors without login. `setup(world)` builds what the request should
    find (e.g. the rows a list page shows: `setup=lambda w: w.demand`); `kwargs(world)` the URL's arguments."""
    method = method.lower()
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    unknown = set(per_role) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    expect = {role: everyone for role in ALL_ROLES if everyone is not None}
    expect.update(per_role)
    if shows is not None and not note:
        raise ValueError("a case that shows names outside the scope says why in `note`")
    return Case(method=method, expect=expect, kwargs=kwargs, data=data, setup=setup, note=note, shows=shows)


@dataclasses.dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    methods: tuple[str, ...]
    api: bool
    app: str  # the app whose view answers: where its declaration belongs


def _app_of(callback) -> str:
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback
    parts = cls.__module__.split(".")
    return parts[1] if parts[0] == "industry_brain" and len(parts) > 2 else "site"


def _view_methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)  # a DRF viewset route: {method: action}
    if actions:
        allowed = getattr(callback.cls, "http_method_names", METHODS)
        return tuple(m for m in METHODS if m in actions and m in allowed)
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if cls is None:
        return ("get",)  # a function view
    allowed = getattr(cls, "http_method_names", METHODS)
    methods = tuple(m for m in METHODS if m in allowed and hasattr(cls, m))
    if getattr(cls, "put", None) is ProcessFormView.put:  # a form page's PUT is its POST
        methods = tuple(m for m in methods if m != "put")
    return methods


def _walk(resolver, prefix: str = "", namespace: str | None = None) -> Iterable[tuple[str, str | None, object]]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if (namespace and p.name) else p.name
            yield prefix + str(p.pattern), name, p.callback


def routes() -> list[Route]:
    """Every named route of the URL conf (pages and the API router), once per name, with its methods. Format
    suffix variants (`.json`) answer like their route and are left out."""
    found: dict[str, Route] = {}
    for pattern, name, callback in _walk(get_resolver()):
        if pattern.startswith(EXCLUDED_PREFIXES) or "(?P<format>" in pattern or "<drf_format_suffix" in pattern:
            continue
        if name is None:
            raise AssertionError(f"route {pattern!r} has no name; name it so that its scope can be declared")
        methods = _view_methods(callback)
        if name in found:
            methods = tuple(dict.fromkeys(found[name].methods + methods))
        found[name] = Route(name=name, pattern=pattern, methods=methods, api=pattern.startswith("api/"),
                            app=_app_of(callback))
    return sorted(found.values(), key=lambda r: r.name)


def _normalise(value) -> list[Case]:
    items = value if isinstance(value, list | tuple) else [value]
    cases = []
    for item in items:
        if isinstance(item, dict):
            item = case(**item)
        if not isinstance(item, Case):
            raise TypeError(f"an expectation is a case(...), not {type(item).__name__}")
        cases.append(item)
    return cases


def expectations() -> dict[str, list[Case]]:
    """The declarations of every app (`<app>.scope_expectations.EXPECTATIONS`) and of the site's own routes
    (`SITE` below); a route declared twice is an error."""
    declared: dict[str, list[Case]] = {}
    sources: dict[str, str] = {}
    modules = [("site", SITE)]
    for config in apps.get_app_configs():
        if not config.name.startswith("industry_brain."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.scope_expectations")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.scope_expectations":
                raise
            continue
        modules.append((config.name, module.EXPECTATIONS))
    for source, table in modules:
        for name, value in table.items():
            if name in declared:
                raise AssertionError(f"{name} is declared in both {sources[name]} and {source}")
            declared[name] = _normalise(value)
            sources[name] = source
    return declared


def missing(route: Route, cases: list[Case]) -> list[str]:
    """What the declaration of this route lacks: a method without a case, or a case without a role."""
    problems = []
    covered = {c.method for c in cases}
    for method in route.methods:
        if method not in covered:
            problems.append(f"{route.name}: no case for {method.upper()}")
    for c in cases:
        if c.method not in route.methods:
            problems.append(f"{route.name}: a case for {c.method.upper()}, which the route does not answer")
        for role in ALL_ROLES:
            if role not in c.expect:
                problems.append(f"{route.name} {c.method.upper()}: no expectation for {role}")
    return problems


# ---------------------------------------------------------------------------------------------------------------
# The world and the checks


class ScopeWorld(World):
    """build_world's world with distinctive yearly figures and the objects detail routes need, built on first
    use (each in 西湖 / the team's chain / for ent_xihu, so that the *_other roles are the outsiders)."""

    def membership(self, enterprise):
        from industry_brain.chains.models import ChainMembership

        return ChainMembership.objects.filter(enterprise=enterprise).order_by("pk").first()

    @functools.cached_property
    def chain_master(self):
        from industry_brain.chains.models import ChainMaster

        return ChainMaster.objects.create(chain=self.chain, enterprise=self.ent_xihu, reason="链主提名（测试）",
                                          nominated_on=dt.date(2025, 3, 3), nominated_by=self.user("chain_team"))

    @functools.cached_property
    def proposal(self):
        """The work team's proposal to place ent_xihu (already a member elsewhere in the chain) in its upstream
        node, waiting for the city's confirmation."""
        from industry_brain.chains.models import ChainMembership

        return ChainMembership.objects.create(node=self.chain.nodes.get(segment="upstream"), enterprise=self.ent_xihu,
                                              status="proposed", proposed_by=self.user("chain_team"))

    @functools.cached_property
    def project(self):
        from industry_brain.projects.models import Project

        return Project.objects.create(
            code="S-0001", name="范围测试项目", district_id="330106", enterprise=self.ent_xihu,
            ecosystem=self.ecosystem, chain=self.chain, total_investment=Decimal(10000),
            fixed_investment=Decimal(8000), stage="reserve", lat=Decimal("30.25"), lon=Decimal("120.10"),
            responsible_org=self.xihu)

    @functools.cached_property
    def rule(self):
        from industry_brain.projects.models import WarningRule

        return WarningRule.objects.order_by("pk").first()

    @functools.cached_property
    def warning(self):
        from django.utils import timezone

        from industry_brain.projects.models import ProjectWarning

        return ProjectWarning.objects.create(project=self.project, rule=self.rule, rule_version=self.rule.version,
                                             level="red", opened_at=timezone.now())

    @functools.cached_property
    def supervision(self):
        from industry_brain.projects.models import SupervisionOrder

        today = dt.date.today()
        return SupervisionOrder.objects.create(project=self.project, warning=self.warning, unit=self.xihu,
                                               issued_on=today, due_date=today + dt.timedelta(days=10))

    @functools.cached_property
    def demand(self):
        """A demand of ent_xihu, raised by its user and routed by the city to `department`."""
        from industry_brain.demands import services
        from industry_brain.demands.models import DemandCategory

        demand = services.demand_create(actor=self.user("enterprise"),
                                        category=DemandCategory.objects.get(code="logistics.road"),
                                        title="物流车辆通行受阻", description="园区道路临时管控，物流货车无法进出")
        return services.demand_accept(actor=self.user("city"), demand=demand, department=self.department)

    @functools.cached_property
    def cohandling(self):
        from industry_brain.demands.models import CoHandlingTask

        return CoHandlingTask.objects.create(demand=self.demand, department=self.other_department,
                                             request="请协助核实")

    @functools.cached_property
    def visit(self):
        from industry_brain.demands.models import Visit

        return Visit.objects.create(date=dt.date(2025, 5, 6), cadre=self.cadre, enterprise=self.ent_xihu)

    @functools.cached_property
    def assignment(self):
        return self.cadre.assignments.order_by("pk").first()

    @functools.cached_property
    def alert(self):
        from industry_brain.demands.models import SystemicAlert

        alert = SystemicAlert.objects.create(scope_kind="district", district_id="330106",
                                             category=self.demand.category, window_start=dt.date(2025, 5, 1),
                                             window_end=dt.date(2025, 5, 6), enterprise_count=3)
        alert.demands.add(self.demand)
        return alert

    @functools.cached_property
    def notification(self):
        """A notification of the department user."""
        from industry_brain.demands.models import Notification

        return Notification.objects.create(recipient=self.user("department"), kind="new_assignment",
                                           text="新的诉求", demand=self.demand)


def build_scope_world() -> ScopeWorld:
    from industry_brain.enterprises.models import YearlyFigures

    base = build_world()
    world = ScopeWorld(**{f.name: getattr(base, f.name) for f in dataclasses.fields(World)})
    for key, years in REVENUE.items():
        enterprise = getattr(world, key)
        for year, revenue in years.items():
            YearlyFigures.objects.filter(enterprise=enterprise, year=year).update(
                revenue=revenue, main_revenue=revenue - 7)
    return world


def _number_pattern(value: int) -> re.Pattern:
    digits = str(value)
    grouped = f"{value:,}"
    return re.compile(rf"(?<![0-9A-Za-z.]){re.escape(digits)}(?![0-9])|(?<![0-9A-Za-z.]){re.escape(grouped)}(?![0-9])")


def forbidden(world: World, user) -> list[tuple[str, re.Pattern]]:
    """What must not appear in an answer to `user`: names and credit codes of the enterprises outside its view
    scope; revenue figures (alone or summed over a group of fewer than MIN_GROUP firms) involving a firm outside
    its view_confidential scope."""
    from industry_brain.enterprises.models import Enterprise

    everything = list(Enterprise.objects.order_by("pk"))
    if user is None:
        visible, confidential = set(), set()
    else:
        visible = set(Enterprise.objects.restrict(user, "view").values_list("pk", flat=True))
        confidential = set(Enterprise.objects.restrict(user, "view_confidential").values_list("pk", flat=True))
    checks = []
    for e in everything:
        if e.pk not in visible:
            checks.append((f"name of {e.name}", re.compile(re.escape(e.name))))
            checks.append((f"credit code of {e.name}", re.compile(re.escape(e.uscc))))
    figures = {getattr(world, key): years for key, years in REVENUE.items()}
    for size in range(1, min(len(figures), MIN_GROUP - 1) + 1):
        for group in itertools.combinations(figures, size):
            if all(e.pk in confidential for e in group):
                continue
            for year in (2024, 2025):
                total = sum(figures[e][year] for e in group)
                label = " + ".join(e.name for e in group)
                checks.append((f"{year} revenue of {label} ({total})", _number_pattern(total)))
                main = total - 7 * len(group)
                checks.append((f"{year} main revenue of {label} ({main})", _number_pattern(main)))
    return checks


def _text(response) -> str:
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    text = content.decode("utf-8", errors="replace")
    if "json" in response.get("Content-Type", ""):
        try:  # \uXXXX escapes to characters, so that names are found in any JSON encoding
            text += json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


def _status_ok(expected: Status, response, route: Route) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
    if isinstance(expected, tuple | list | set | frozenset):
        return response.status_code in expected
    return response.status_code == expected


def _client(route: Route, user):
    if route.api:
        from rest_framework.test import APIClient

        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


MISSING_PK = 987654321
CSRF_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")  # masked anew on every page


def _send(route: Route, client, method: str, url: str, body: dict):
    if method == "get":
        return client.get(url, body)
    if route.api:
        return getattr(client, method)(url, body, format="json")
    return getattr(client, method)(url, body)


def _like_missing(route: Route, c: Case, role: str, client, url: str, body: dict, response, kwargs) -> list[str]:
    """An object outside the role's scope must be answered exactly like one that does not exist."""
    missing_url = reverse(route.name, kwargs={**kwargs, "pk": MISSING_PK})
    other = _send(route, client, c.method, missing_url, body)
    seen = CSRF_TOKEN.sub("<token>", _text(response).replace(url, "<url>"))
    absent = CSRF_TOKEN.sub("<token>", _text(other).replace(missing_url, "<url>"))
    if other.status_code != response.status_code or seen != absent:
        return [f"{role:>16} {c.method.upper()} {url}: answers differently from a missing object "
                f"({response.status_code} vs {other.status_code})"]
    return []


def run_case(route: Route, c: Case, world: World, role: str) -> list[str]:
    """One request of one role; the failures found (wrong status, leaked rows or figures). The request runs in
    a savepoint that is rolled back."""
    user = None if role == ANONYMOUS else world.user(role)
    expected = c.expect.get(role, (LOGIN if not route.api else DENIED) if role == ANONYMOUS else None)
    failures = []
    kwargs = c.url_kwargs(world)  # objects the case needs are built before the savepoint
    url = reverse(route.name, kwargs=kwargs)
    body = c.body(world)
    with transaction.atomic():
        client = _client(route, user)
        response = _send(route, client, c.method, url, body)
        if not _status_ok(expected, response, route):
            failures.append(f"{role:>16} {c.method.upper()} {url}: expected {expected}, got {response.status_code}")
        if response.status_code == 404 and "pk" in kwargs:
            failures += _like_missing(route, c, role, client, url, body, response, kwargs)
        if c.method == "get" and response.status_code == 200:
            text = _text(response)
            shown = {f"name of {e.name}" for e in (c.shows(world) if c.shows is not None else ())}
            for label, pattern in forbidden(world, user):
                if label not in shown and pattern.search(text):
                    failures.append(f"{role:>16} GET {url}: shows the {label}")
        transaction.set_rollback(True)
    return failures


def run_route(route: Route, cases: list[Case], world: World, roles: Iterable[str] = ROLES) -> list[str]:
    failures = []
    for c in cases:
        for role in roles:
            failures += run_case(route, c, world, role)
    return failures


def record(route: Route, cases: list[Case], world: World) -> dict[str, dict[str, int]]:
    """The observed status per case and role (to write a first declaration; review it against DESIGN.md)."""
    observed = {}
    for c in cases:
        row = {}
        url = reverse(route.name, kwargs=c.url_kwargs(world))
        body = c.body(world)
        for role in ALL_ROLES:
            with transaction.atomic():
                response = _send(route, _client(route, world.user(role)), c.method, url, body)
                row[role] = response.status_code
                transaction.set_rollback(True)
        observed[f"{c.method} {c.url_kwargs(world)}"] = row
    return observed


def draft(app: str, world: World) -> str:
    """A first declaration for the undeclared routes of `app`, written from what each role gets now (a detail
    route gets a pk that does not exist: give it a real object). Review every status against DESIGN.md before
    committing it: a draft records behaviour, it does not judge it.

        SCOPE_DRAFT=<app> .venv/bin/pytest -q -p no:xdist tests/test_scope_matrix.py -k draft -s
    """
    declared = expectations()
    lines = []
    for route in routes():
        if route.app != app or route.name in declared:
            continue
        pattern_kwargs = re.findall(r"\(\?P<(\w+)>|<(?:\w+:)?(\w+)>", route.pattern)
        names = [a or b for a, b in pattern_kwargs if (a or b) != "format"]
        kwargs = {name: MISSING_PK for name in names}
        cases = []
        for method in route.methods:
            c = case(method, kwargs=kwargs)
            row = next(iter(record(route, [c], world).values()))
            common = max(set(row.values()), key=list(row.values()).count)
            args = ([repr(method)] if method != "get" else []) + ([f"kwargs={kwargs!r}"] if kwargs else [])
            args.append(f"everyone={common}")
            args += [f"{role}={status}" for role, status in row.items() if status != common]
            if kwargs:
                args.append('note="draft: no object built yet"')
            cases.append(f"case({', '.join(args)})")
        body = cases[0] if len(cases) == 1 else "[\n        " + ",\n        ".join(cases) + ",\n    ]"
        lines.append(f'    "{route.name}": {body},')
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# The site's own routes (not an app's): health, language, API root and schema, home, reference data

SITE = {
    "healthz": case(everyone=200, anonymous=200),
    "set_language": case(everyone=(302, 204), anonymous=(302, 204)),
    "api-root": case(everyone=200),
    "schema": case(everyone=200, anonymous=200, note="the API's description is public"),
    "api-docs": case(everyone=200, anonymous=200, note="the API's description is public"),
    "core:home": case(everyone=200),
    "core:district_boundaries": case(everyone=200),
    "core:private_file": case(kwargs={"name": "demands/2025/01/none.pdf"}, everyone=404,
                              note="a stored file is served only to who may see its object; a missing one is 404"),
    "core:autocomplete": [
        case(kwargs={"source": source}, data={"q": query}, everyone=200,
             note="pickers: each user's own scope; the answers are searched for out-of-scope names like any page")
        for source, query in (("enterprise", "杭州"), ("enterprise-uscc", "杭州"), ("project", "项目"),
                              ("project-code", "项目"), ("cadre", "干部"), ("department", ""), ("node", "游"))
    ] + [case(kwargs={"source": "handler"}, data=lambda w: {"department": w.department.pk}, everyone=200)],
    "district-list": case(everyone=200),
    "district-detail": case(kwargs={"code": "330106"}, everyone=200),
    "industry-list": case(everyone=200),
    "industry-detail": case(kwargs={"code": "39"}, everyone=200),
}
