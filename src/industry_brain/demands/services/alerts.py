"""Duplicate flags and systemic-problem alerts."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from industry_brain.core.events import event_record

from .. import similarity
from ..choices import (
    AlertScope,
    AlertStatus,
    FlagKind,
    NotificationKind,
    StepAction,
)
from ..models import (
    Demand,
    DemandFlag,
    SystemicAlert,
)
from ..notifications import notify
from ._common import (
    SAME_ENTERPRISE_WINDOW_DAYS,
    SYSTEMIC_WINDOW_DAYS,
    _city_users,
    _local_date,
    _now,
    _setting,
    _step,
    _users_of_district,
)


def demand_detect_similar(*, demand: Demand, at: dt.datetime | None = None) -> dict:
    """Flag possible duplicates of a new demand and open or extend systemic-problem alerts.

    - same enterprise and same category group within 30 days → flag `same_enterprise`;
    - other enterprises' demands of the same category group in the last DEMAND_SIMILARITY_WINDOW_DAYS (60)
      whose TF-IDF cosine with this one is ≥ DEMAND_SIMILARITY_THRESHOLD (0.5) → flag `similar_text`;
    - ≥ DEMAND_SYSTEMIC_MIN_ENTERPRISES (3) distinct enterprises of one district (or one chain) with demands
      of the same category within 7 days whose cosine is ≥ DEMAND_SYSTEMIC_SIMILARITY (0.3) → alert.
    """
    at = _now(at)
    window_days = _setting("DEMAND_SIMILARITY_WINDOW_DAYS", 60)
    threshold = _setting("DEMAND_SIMILARITY_THRESHOLD", 0.5)
    systemic_threshold = _setting("DEMAND_SYSTEMIC_SIMILARITY", 0.3)
    candidates = list(
        Demand.objects.filter(category_root_id=demand.category_root_id,
                              submitted_at__gte=at - dt.timedelta(days=window_days), submitted_at__lte=at)
        .exclude(pk=demand.pk).order_by("-submitted_at", "-id")
        .values("pk", "enterprise_id", "category_id", "district_id", "chain_id", "submitted_at", "terms")[:500])
    flags: list[DemandFlag] = []
    same_since = at - dt.timedelta(days=SAME_ENTERPRISE_WINDOW_DAYS)
    for c in candidates:
        if c["enterprise_id"] == demand.enterprise_id and c["submitted_at"] >= same_since:
            flags.append(DemandFlag(demand=demand, similar_to_id=c["pk"], kind=FlagKind.SAME_ENTERPRISE, score=1.0))
    query = demand.terms.split()
    scores = similarity.similarities(query, [c["terms"].split() for c in candidates])
    for c, score in zip(candidates, scores, strict=True):
        c["score"] = score
    text_matches = sorted((c for c in candidates if c["enterprise_id"] != demand.enterprise_id
                           and c["score"] >= threshold), key=lambda c: -c["score"])[:5]
    flags += [DemandFlag(demand=demand, similar_to_id=c["pk"], kind=FlagKind.SIMILAR_TEXT, score=round(c["score"], 4))
              for c in text_matches]
    if flags:
        DemandFlag.objects.bulk_create(flags, ignore_conflicts=True)
        Demand.objects.filter(pk=demand.pk).update(is_flagged=True)
        demand.is_flagged = True
        kinds = sorted({f.kind for f in flags})
        _step(demand, action=StepAction.FLAGGED, actor=None, at=at,
              note=", ".join(f"#{f.similar_to_id}" for f in flags[:8]) + f" ({', '.join(kinds)})")
    # Systemic problems: the same problem (same category, similar text) in several enterprises within a week.
    week_ago = at - dt.timedelta(days=SYSTEMIC_WINDOW_DAYS)
    recent = [c for c in candidates if c["category_id"] == demand.category_id and c["submitted_at"] >= week_ago
              and c["enterprise_id"] != demand.enterprise_id and c["score"] >= systemic_threshold]
    alerts = []
    groups = [(AlertScope.DISTRICT, "district_id", demand.district_id)]
    if demand.chain_id:
        groups.append((AlertScope.CHAIN, "chain_id", demand.chain_id))
    for scope_kind, key, value in groups:
        matched = [c for c in recent if c[key] == value]
        enterprises = {c["enterprise_id"] for c in matched} | {demand.enterprise_id}
        if len(enterprises) >= _setting("DEMAND_SYSTEMIC_MIN_ENTERPRISES", 3):
            alerts.append(_systemic_alert_record(demand=demand, scope_kind=scope_kind, key=key, value=value,
                                                 demand_ids=[c["pk"] for c in matched], at=at))
    return {"flags": len(flags), "alerts": alerts}


def _systemic_alert_record(*, demand: Demand, scope_kind: str, key: str, value, demand_ids: list[int],
                           at: dt.datetime) -> SystemicAlert:
    today = _local_date(at)
    lookup = {key: value}
    alert = (SystemicAlert.objects.select_for_update()
             .filter(scope_kind=scope_kind, category_id=demand.category_id, status=AlertStatus.OPEN,
                     window_end__gte=today - dt.timedelta(days=SYSTEMIC_WINDOW_DAYS), **lookup)
             .order_by("-window_end").first())
    created = alert is None
    if created:
        first = Demand.objects.filter(pk__in=demand_ids).order_by("submitted_on").values_list(
            "submitted_on", flat=True).first() or today
        alert = SystemicAlert(scope_kind=scope_kind, category_id=demand.category_id, window_start=min(first, today),
                              window_end=today, enterprise_count=0, **lookup)
    alert.window_end = max(alert.window_end, today)
    alert.save()
    alert.demands.add(demand, *demand_ids)
    alert.enterprise_count = alert.demands.values("enterprise_id").distinct().count()
    alert.save(update_fields=["enterprise_count", "window_end", "updated"])
    if created:
        where = str(alert.district or alert.chain)
        text = _("Systemic problem: %(n)s enterprises in %(where)s raised %(category)s demands within a week.") % {
            "n": alert.enterprise_count, "where": where, "category": demand.category}
        event_record(kind="demand.systemic_alert", message=text, obj=alert,
                     data={"category": demand.category.code, "scope": scope_kind, "key": str(value)})
        recipients = list(_city_users())
        if alert.district_id:
            recipients += list(_users_of_district(alert.district_id))
        notify(users=recipients, kind=NotificationKind.SYSTEMIC_ALERT, text=text, link=alert.get_absolute_url())
    return alert


def systemic_alert_acknowledge(*, actor, alert: SystemicAlert, note: str = "") -> SystemicAlert:
    """The city bureau acknowledges a systemic-problem alert (open → acknowledged; `workflows.SYSTEMIC_ALERT`)."""
    from ..workflows import SYSTEMIC_ALERT

    def apply(a: SystemicAlert, t):
        a.note = (note or "").strip()

    return SYSTEMIC_ALERT.run("acknowledge", alert, actor=actor, apply=apply, extra_fields=["note"],
                              note=(note or "").strip(), message=lambda a: str(a))
