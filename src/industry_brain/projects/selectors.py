"""Reads of the investment project platform: restricted lists, the map GeoJSON, the dashboard, the OC4IDS
package and the role inboxes (chart options: charts.py)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Count,
    DecimalField,
    F,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from industry_brain.accounts.choices import Role

from .choices import MILESTONE_ORDER, SUPERVISION_AWAITING_RESPONSE, Milestone, Stage
from .models import ProgressReport, Project, ProjectWarning, SupervisionOrder, SupervisionResponse, YearlyPlan
from .workflows import responder_filter, reviewer_filter

MONEY = DecimalField(max_digits=14, decimal_places=2)
CACHE_SECONDS = 600


LIST_FIELDS = tuple(f.name for f in Project._meta.concrete_fields)


def project_list(*, user) -> QuerySet[Project]:
    """The projects a user may see, with what list rows show (no per-row queries)."""
    # This year's plan comes by a prefetch of the page's rows: a subquery in the select list would be evaluated
    # for every row skipped by OFFSET on deep pages.
    plans = YearlyPlan.objects.filter(year=timezone.localdate().year).only("id", "project_id", "amount")
    # Of the related rows, lists show names only (the API gives the other ids from the project's own columns):
    # a whole firm row and three more joined tables per project cost more than the page's own columns.
    return (Project.objects.restrict(user, "view")
            .select_related("district", "enterprise", "ecosystem")
            .only(*LIST_FIELDS, "district__name", "enterprise__name", "ecosystem__name")
            .prefetch_related(Prefetch("plans", queryset=plans, to_attr="current_plans")))


def scope_key(user) -> str:
    """A short key naming a user's view scope (for caches shared by users of the same scope)."""
    if user.is_city:
        return "city"
    if user.role == Role.DISTRICT:
        return f"d{user.district_code}"
    if user.role == Role.ENTERPRISE:
        return f"e{user.enterprise_id}"
    if user.role == Role.CHAIN_TEAM:
        return f"t{user.ecosystem_id}"
    return f"u{user.pk}"


def data_version() -> str:
    """Changes whenever a project is added, removed or changed (warning levels and report totals included:
    their bulk updates stamp `updated`): the number of projects and the latest `updated`.

    Two scalar sub-queries in one statement, not one aggregate of both: PostgreSQL then counts from the smallest
    index (index-only) and reads the latest update at the end of its index, where the aggregate read the whole
    table (about ten times slower; every map and dashboard answer, cached or not, asks this first)."""
    qn = connections[Project.objects.db].ops.quote_name
    table, updated = qn(Project._meta.db_table), qn(Project._meta.get_field("updated").column)
    with connections[Project.objects.db].cursor() as cursor:
        cursor.execute(f"SELECT (SELECT COUNT(*) FROM {table}), (SELECT MAX({updated}) FROM {table})")
        n, latest = cursor.fetchone()
    return f"{n}:{latest}"


def _cache_key(prefix: str, user, params) -> str:
    items = sorted((k, v) for k in params for v in params.getlist(k) if k not in ("format",))
    digest = hashlib.sha1(json.dumps([scope_key(user), items, data_version()]).encode()).hexdigest()
    return f"projects:{prefix}:{digest}"


_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')
# A point's properties: their names are part of the API contract (`/api/v1/projects/map/`), so they stay long.
MAP_PROPERTIES = ("id", "name", "stage", "warning_level", "total_investment")
_FEATURE = ('{"type":"Feature","geometry":{"type":"Point","coordinates":[%.5f,%.5f]},"properties":{"id":%d,'
            '"name":%s,"stage":"%s","warning_level":"%s","total_investment":%s}}')


def _json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False) if _NEEDS_ESCAPE.search(text) else f'"{text}"'


def _json_number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0")


# The same feature as _FEATURE, written by PostgreSQL: coordinates rounded to 5 decimals, the name as a JSON string
# (to_json escapes what JSON needs and keeps Chinese as it is), the investment without trailing zeros. Concatenation
# is a little faster than format() over 25,000 rows.
_FEATURE_SQL = ("""'{"type":"Feature","geometry":{"type":"Point","coordinates":[' || round(s.lon, 5) || ',' """
                """|| round(s.lat, 5) || ']},"properties":{"id":' || s.id || ',"name":' || to_json(s.name) """
                """|| ',"stage":"' || s.stage || '","warning_level":"' || s.warning_level || '","total_investment":' """
                """|| trim_scale(s.total_investment) || '}}'""")


def _features_in_database(located: QuerySet[Project]) -> str:
    """The features of `located`, comma-separated, as one text value built by PostgreSQL: 25,000 rows are neither
    sent over as rows nor formatted one by one in Python (docs/decisions.md)."""
    rows = located.values_list("id", "name", "stage", "warning_level", "total_investment", "lon", "lat")
    try:
        sql, sql_params = rows.query.sql_with_params()
    except EmptyResultSet:
        return ""
    with connections[rows.db].cursor() as cursor:
        cursor.execute(f"SELECT coalesce(string_agg({_FEATURE_SQL}, ','), '') FROM ({sql}) s", sql_params)
        return cursor.fetchone()[0]


def map_geojson(*, user, queryset: QuerySet[Project], params, compressed: bool = True) -> tuple[bytes, bytes | None]:
    """The compact GeoJSON FeatureCollection of located projects (coordinates rounded to 5 decimals, five
    properties, `MAP_PROPERTIES`), as (raw, gzip) bytes, cached per scope, filters and data
    version. PostgreSQL writes the features itself (`_features_in_database`); elsewhere the database hands over
    floats and the features are formatted from one template (no per-row serializer)."""
    key = _cache_key("map", user, params)
    hit = cache.get(key)
    if hit is not None and (hit[1] is not None or not compressed):
        return hit
    located = queryset.filter(lat__isnull=False).order_by()
    if connections[located.db].vendor == "postgresql":
        features = _features_in_database(located)
    else:
        rows = (located.annotate(_inv=Cast("total_investment", FloatField()), _lon=Cast("lon", FloatField()),
                                 _lat=Cast("lat", FloatField()))
                .values_list("id", "name", "stage", "warning_level", "_inv", "_lon", "_lat"))
        try:
            sql, sql_params = rows.query.sql_with_params()
        except EmptyResultSet:  # a scope that sees nothing
            rows = []
        else:
            with connections[rows.db].cursor() as cursor:  # plain rows: no per-value ORM converters
                cursor.execute(sql, sql_params)
                rows = cursor.fetchall()
        features = ",".join([_FEATURE % (lon, lat, pid, _json_string(name), stage, level, _json_number(inv))
                             for pid, name, stage, level, inv, lon, lat in rows])
    raw = ('{"type":"FeatureCollection","features":[' + features + "]}").encode()
    value = (raw, gzip.compress(raw, compresslevel=1) if compressed else None)
    cache.set(key, value, CACHE_SECONDS)
    return value


def dashboard(*, user) -> dict:
    """Counts by stage, district and ecosystem, this year's investment completion rate and red/yellow counts,
    cached per scope and data version."""
    from django.http import QueryDict

    key = _cache_key("dashboard", user, QueryDict())
    hit = cache.get(key)
    if hit is not None:
        return hit
    today = timezone.localdate()
    qs = Project.objects.restrict(user, "view").order_by()
    by_stage = dict(qs.values_list("stage").annotate(n=Count("id")))
    by_district = list(qs.values("district_id", "district__name").annotate(
        n=Count("id"), investment=Sum("total_investment"),
        red=Count("id", filter=Q(warning_level="red")), yellow=Count("id", filter=Q(warning_level="yellow")))
        .order_by("district_id"))
    by_ecosystem = list(qs.values("ecosystem__name").annotate(n=Count("id"), investment=Sum("total_investment"))
                        .order_by("-n"))
    levels = dict(qs.values_list("warning_level").annotate(n=Count("id")))
    plan = YearlyPlan.objects.filter(project__in=qs.values("pk"), year=today.year).aggregate(
        s=Coalesce(Sum("amount"), Value(Decimal(0)), output_field=MONEY))["s"]
    done = ProgressReport.objects.filter(project__in=qs.values("pk"), period__gte=dt.date(today.year, 1, 1)).aggregate(
        s=Coalesce(Sum("investment"), Value(Decimal(0)), output_field=MONEY))["s"]
    result = {
        "total": sum(by_stage.values()),
        "by_stage": [{"stage": s.value, "label": str(s.label), "n": by_stage.get(s.value, 0)} for s in Stage],
        "by_district": [{"code": r["district_id"], "name": r["district__name"], "n": r["n"],
                         "investment": float(r["investment"] or 0), "red": r["red"], "yellow": r["yellow"]}
                        for r in by_district],
        "by_ecosystem": [{"name": r["ecosystem__name"] or "—", "n": r["n"], "investment": float(r["investment"] or 0)}
                         for r in by_ecosystem],
        "red": levels.get("red", 0), "yellow": levels.get("yellow", 0), "green": levels.get("green", 0),
        "plan": float(plan), "done": float(done),
        "completion_rate": round(float(done) * 100 / float(plan), 1) if plan else None,
        "year": today.year,
        "total_investment": float(qs.aggregate(s=Sum("total_investment"))["s"] or 0),
    }
    cache.set(key, result, CACHE_SECONDS)
    return result


# ----- OC4IDS -----

OC4IDS_STATUS = {"reserve": "identification", "signed": "preparation", "land": "preparation",
                 "construction": "implementation", "completed": "completion", "production": "maintenance",
                 "full_production": "maintenance", "cancelled": "cancelled"}
OC4IDS_TYPE = {"new": "construction", "expansion": "expansion", "renovation": "rehabilitation"}
# Milestones mapped to the milestoneCode codelist where it has a matching code.
OC4IDS_MILESTONE = {"signed": ("approval", "commercialClose"), "land": ("approval", None),
                    "start": ("delivery", "commencement"), "completion": ("delivery", "completion"),
                    "production": ("delivery", "commissioning"), "full_production": ("delivery", None)}
PUBLISHER = "杭州市经济和信息化局"


def _dt(day: dt.date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00+08:00" if day else None


def _yuan(wan) -> dict:
    return {"amount": float(Decimal(wan) * 10_000), "currency": "CNY"}


def oc4ids_project(p: Project, today: dt.date, reports: list[ProgressReport]) -> dict:
    prefix = getattr(settings, "OC4IDS_PREFIX", "oc4ids-hzibrn")
    out: dict = {"id": f"{prefix}-{p.code}", "identifiers": [{"id": p.code, "scheme": "industry-brain-project-code"}],
                 "updated": p.updated.isoformat(), "title": p.name, "status": OC4IDS_STATUS[p.stage],
                 "type": OC4IDS_TYPE[p.project_type], "sector": ["economy"],
                 "budget": {"description": f"总投资（固定资产投资 {p.fixed_investment} 万元）",
                            "amount": _yuan(p.total_investment)}}
    period = {k: v for k, v in (("startDate", _dt(p.planned_start or p.planned_signed)),
                                ("endDate", _dt(p.planned_full_production or p.planned_production
                                                or p.planned_completion))) if v}
    if period:
        out["period"] = period
    impl = {k: v for k, v in (("startDate", _dt(p.planned_start)), ("endDate", _dt(p.planned_completion))) if v}
    if impl:
        out["implementationPeriod"] = impl
    if p.industry_id:
        out["additionalClassifications"] = [{"scheme": "GB/T 4754-2017", "id": p.industry_id,
                                             "description": p.industry.name}]
    location: dict = {"id": "1", "description": "".join(x for x in (p.district.name, p.street, p.address) if x),
                      "gazetteer": {"scheme": "CN-GB2260", "identifiers": [p.district_id]},
                      "address": {k: v for k, v in (("streetAddress", p.address), ("locality", p.district.name),
                                                    ("region", "浙江省杭州市"), ("countryName", "中国")) if v}}
    if p.lat is not None:
        location["geometry"] = {"type": "Point", "coordinates": [round(float(p.lon), 6), round(float(p.lat), 6)]}
    out["locations"] = [location]
    parties = []
    if p.responsible_org_id:
        org = {"id": f"CN-ORG-{p.responsible_org_id}", "name": p.responsible_org.name, "roles": ["publicAuthority"]}
        parties.append(org)
        out["publicAuthority"] = {"id": org["id"], "name": org["name"]}
    if p.enterprise_id:
        e = p.enterprise
        parties.append({"id": f"CN-SAMR-{e.uscc}", "name": e.name, "roles": ["funder"],
                        "identifier": {"scheme": "CN-SAMR", "id": e.uscc, "legalName": e.name}})
    elif p.investor_name:
        party = {"id": f"INVESTOR-{p.pk}", "name": p.investor_name, "roles": ["funder"]}
        if p.investor_uscc:
            party["identifier"] = {"scheme": "CN-SAMR", "id": p.investor_uscc, "legalName": p.investor_name}
        parties.append(party)
    if parties:
        out["parties"] = parties
    milestones = []
    for m in MILESTONE_ORDER:
        planned, actual = getattr(p, f"planned_{m}"), getattr(p, f"actual_{m}")
        if planned is None and actual is None:
            continue
        mtype, code = OC4IDS_MILESTONE[m]
        item = {"id": m, "title": str(Milestone(m).label), "type": mtype,
                "status": "met" if actual else ("notMet" if planned and planned < today else "scheduled")}
        if code:
            item["code"] = code
        if planned:
            item["dueDate"] = _dt(planned)
        if actual:
            item["dateMet"] = _dt(actual)
        milestones.append(item)
    if milestones:
        out["milestones"] = milestones
    if reports:
        out["metrics"] = [{
            "id": "financialProgress", "title": "累计完成投资",
            "observations": [{"id": f"fp-{r.period:%Y-%m}", "period": {"startDate": _dt(r.period)},
                              "value": _yuan(r.cumulative)} for r in reports]}]
        physical = [r for r in reports if r.physical_progress is not None]
        if physical:
            out["metrics"].append({"id": "physicalProgress", "title": "形象进度",
                                   "observations": [{"id": f"pp-{r.period:%Y-%m}",
                                                     "period": {"startDate": _dt(r.period)},
                                                     "measure": r.physical_progress, "unit": {"name": "percent"}}
                                                    for r in physical]})
    if p.actual_completion:
        out["completion"] = {"endDate": _dt(p.actual_completion)}
    return out


def oc4ids_package(*, projects: list[Project], uri: str) -> dict:
    """An OC4IDS 0.9 project package of the given projects (their reports prefetched as `oc4ids_reports`)."""
    today = timezone.localdate()
    published = max((p.updated for p in projects), default=timezone.now())
    return {
        "uri": uri, "publishedDate": published.isoformat(), "version": "0.9",
        "publisher": {"name": PUBLISHER},
        "license": None,
        "projects": [oc4ids_project(p, today, getattr(p, "oc4ids_reports", [])) for p in projects],
    }


# ----- detail page -----

def project_warnings(*, project: Project) -> QuerySet[ProjectWarning]:
    return project.warnings.select_related("rule").order_by("cleared_at", "-opened_at")


# Who wrote a report, record or response, as the detail page names them (`person`: the user with its organisation
# or firm), read with the row instead of one query per person.
PERSON = ("organisation", "enterprise")


def project_supervisions(*, project: Project) -> list[SupervisionOrder]:
    """The project's orders with their responses and who answered (the detail page does not show the reviewer):
    two queries whatever the number of orders and responses."""
    responses = SupervisionResponse.objects.select_related(*(f"responded_by__{r}" for r in PERSON))
    return list(project.supervisions.select_related("warning__rule", "unit").prefetch_related(
        Prefetch("responses", queryset=responses)).order_by("-issued_on", "-id"))


# ----- inboxes -----

def supervisions_awaiting_response(*, user) -> QuerySet[SupervisionOrder]:
    """Orders the user's unit (or enterprise) has to answer (who answers: `workflows.responder_filter`)."""
    who = responder_filter(user)
    if who is None:
        return SupervisionOrder.objects.none()
    return (SupervisionOrder.objects.restrict(user, "view").filter(status__in=SUPERVISION_AWAITING_RESPONSE)
            .filter(who).select_related("project", "warning__rule").order_by("due_date", "id"))


def supervisions_awaiting_review(*, user) -> QuerySet[SupervisionOrder]:
    """Responses the user may accept or reject, not its own (who reviews: `workflows.reviewer_filter`)."""
    who = reviewer_filter(user)
    if who is None:
        return SupervisionOrder.objects.none()
    return (SupervisionOrder.objects.restrict(user, "view").filter(status="responded").filter(who)
            .select_related("project", "warning__rule").order_by("due_date", "id"))


def supervision_inbox_counts(*, user) -> dict[str, int]:
    """How many orders the user has to answer and how many responses to review (the counts of
    `supervisions_awaiting_response` and `supervisions_awaiting_review`), in one aggregate over the orders of the
    user's scope that await either: the home page asks for both on every visit."""
    answer, review = responder_filter(user), reviewer_filter(user)
    statuses = [*(SUPERVISION_AWAITING_RESPONSE if answer is not None else ()),
                *(["responded"] if review is not None else ())]
    if not statuses:
        return {"answer": 0, "review": 0}
    none = Q(pk__in=[])
    return SupervisionOrder.objects.restrict(user, "view").filter(status__in=statuses).aggregate(
        answer=Count("id", filter=Q(status__in=SUPERVISION_AWAITING_RESPONSE) & answer if answer is not None else none),
        review=Count("id", filter=Q(status="responded") & review if review is not None else none))


def red_projects(*, user) -> QuerySet[Project]:
    return Project.objects.restrict(user, "view").filter(warning_level="red").order_by(
        F("total_investment").desc(), "code")


def projects_due_report(*, user, today: dt.date | None = None) -> QuerySet[Project]:
    """An enterprise's projects in a reporting stage whose last month is not reported yet."""
    today = today or timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    from .choices import REPORTING_STAGES

    return Project.objects.restrict(user, "view").filter(stage__in=REPORTING_STAGES).filter(
        Q(last_report_period__isnull=True) | Q(last_report_period__lt=last_month)).order_by("code")
