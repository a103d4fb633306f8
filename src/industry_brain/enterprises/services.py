"""Writes to the enterprise registry. Every write validates first, runs atomically and names its actor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.core import context
from industry_brain.core.codes import normalise_uscc
from industry_brain.core.events import event_record
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.geo import location_errors
from industry_brain.core.permissions import can, ensure_can_after_write
from industry_brain.core.querysets import ensure_permitted

from .choices import ABOVE_SCALE_THRESHOLD_WAN, TIER_ORDER, Tier
from .ecosystem_members import ecosystem_members_follow, ecosystem_members_sync  # noqa: F401  (re-exported)
from .models import ConfidentialReadLog, Enterprise, Recognition, YearlyFigures

FOUNDED_EARLIEST = dt.date(1800, 1, 1)

# What an enterprise's own users may correct themselves; registration facts are kept by the bureau.
ENTERPRISE_SELF_FIELDS = frozenset({"street", "address", "lat", "lon", "founded_on", "is_listed"})
ENTERPRISE_FIELDS = ("uscc", "name", "district", "street", "address", "lat", "lon", "industry", "is_above_scale",
                     "founded_on", "is_listed")


@transaction.atomic
def enterprise_create(*, actor, data: dict[str, Any]) -> Enterprise:
    """Register an enterprise. District bureaus register only in their own district."""
    data = {k: v for k, v in data.items() if k in ENTERPRISE_FIELDS}
    if "uscc" in data:
        data["uscc"] = normalise_uscc(data["uscc"])
    enterprise = Enterprise(**data)
    enterprise.full_clean()
    enterprise.save()
    # Create rights on the saved row, inside the transaction: a district registers only in its own district.
    ensure_can_after_write(actor, enterprise, "add", _("You may register enterprises only in your own district."))
    _check_location(enterprise)  # after the rights check: an out-of-scope write is refused as such (403)
    event_record(kind="enterprise.registered", message=_("Enterprise %(name)s registered") % {"name": enterprise.name},
                 obj=enterprise, actor=actor)
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, data: dict[str, Any]) -> Enterprise:
    """Change an enterprise's profile; only the fields given are written."""
    ensure_permitted(actor, enterprise, "change", _("You may not do this for this enterprise."))
    changed = [f for f, v in data.items() if f in ENTERPRISE_FIELDS and _differs(enterprise, f, v)]
    if not can(actor, "change_registration", enterprise):
        refused = {f: [_("This registration fact is maintained by the bureau; ask your district bureau to correct "
                         "it.")] for f in changed if f not in ENTERPRISE_SELF_FIELDS}
        if refused:
            raise ValidationError(refused)
    for field in changed:
        value = data[field]
        if field in ("district", "industry"):
            setattr(enterprise, f"{field}_id", getattr(value, "pk", value))
        else:
            setattr(enterprise, field, normalise_uscc(value) if field == "uscc" else value)
    if not changed:
        return enterprise
    enterprise.full_clean()
    enterprise.save(update_fields=[*changed, "updated"])
    # The saved row must still lie within the author's change scope: a district cannot move a firm out of it.
    ensure_can_after_write(actor, enterprise, "change", _("You cannot move an enterprise out of your district."))
    if {"lat", "lon", "district", "founded_on"} & set(changed):
        _check_location(enterprise)  # after the rights check; the transaction undoes the save when refused
    if {"name", "is_above_scale"} & set(changed):
        _chain_leaders_follow(enterprise)
    ecosystem_members_follow(enterprise, changed)
    return enterprise


def _chain_leaders_follow(enterprise: Enterprise) -> None:
    """A firm's name and scale flag rank it among the members of its chain nodes: re-rank those nodes' stored
    leaders (chains.leaders)."""
    from industry_brain.chains.services import chain_leaders_refresh

    chain_leaders_refresh(enterprises=[enterprise.pk])


def _check_location(enterprise: Enterprise) -> None:
    """The coordinates lie in the stated district (core.geo; refused with both fields named otherwise) and the
    founding date is a real past date."""
    errors = location_errors(enterprise.lat, enterprise.lon, enterprise.district_id,
                             enterprise.district.name if enterprise.district_id else "")
    founded = enterprise.founded_on
    if founded is not None and not (FOUNDED_EARLIEST <= founded <= timezone.localdate()):
        errors["founded_on"] = [_("The founding date must lie between %(first)s and today.") % {
            "first": FOUNDED_EARLIEST.isoformat()}]
    if errors:
        raise ValidationError(errors)


def _differs(enterprise: Enterprise, field: str, value) -> bool:
    if field in ("district", "industry"):
        return getattr(enterprise, f"{field}_id") != getattr(value, "pk", value)
    if field == "uscc":
        value = normalise_uscc(value)
    return getattr(enterprise, field) != value


@transaction.atomic
def enterprise_delete(*, actor, enterprise: Enterprise) -> None:
    ensure_permitted(actor, enterprise, "delete", _("You may not do this for this enterprise."))
    event_record(kind="enterprise.deleted", message=_("Enterprise %(name)s deleted") % {"name": enterprise.name},
                 obj=enterprise, actor=actor, data={"uscc": enterprise.uscc})
    from industry_brain.chains.services import chain_leader_nodes, chain_leaders_refresh, chain_outputs_refresh

    nodes = chain_leader_nodes(enterprises=[enterprise.pk])  # its memberships and leader rows go with it
    try:
        with transaction.atomic():
            enterprise.delete()
    except ProtectedError as exc:
        raise TransitionNotAllowed(
            _("%(name)s still has accounts, projects or demands referring to it; it cannot be deleted.")
            % {"name": enterprise.name}) from exc
    chain_leaders_refresh(nodes=nodes)
    chain_outputs_refresh(nodes=nodes)


@transaction.atomic
def figures_record(*, actor, enterprise: Enterprise, year: int, values: dict[str, Any]) -> YearlyFigures:
    """Record (or correct) one year's figures. Only completed years (before this one) are accepted, each figure
    within plausible bounds (the field is named otherwise). Figures recorded by a bureau (city or district) are
    stored as verified; an enterprise's own report is stored unverified (a correction of verified figures too)
    until the bureau verifies it. The above-scale flag follows verified figures only."""
    ensure_permitted(actor, enterprise, "change", _("You may not do this for this enterprise."))
    errors = figures_errors(year, values)
    if errors:
        raise ValidationError(errors)
    figures = YearlyFigures.objects.filter(enterprise=enterprise, year=year).first() or YearlyFigures(
        enterprise=enterprise, year=year)
    for field, value in values.items():
        setattr(figures, field, value)
    bureau = can(actor, "verify_figures", enterprise)
    figures.verified = bureau
    figures.verified_by = actor if bureau else None
    figures.verified_at = timezone.now() if bureau else None
    figures.full_clean()
    figures.save()
    enterprise_refresh_scale(enterprise=enterprise)
    from industry_brain.chains.services import chain_outputs_refresh

    chain_outputs_refresh(enterprises=[enterprise.pk])  # its chain nodes' output that year (chains.outputs)
    return figures


@transaction.atomic
def figures_verify(*, actor, figures: YearlyFigures) -> YearlyFigures:
    """The bureau verifies one year's figures as reported (e.g. an enterprise's own report); the above-scale flag
    then follows them if they are the latest verified year."""
    figures = YearlyFigures.objects.select_for_update(no_key=True).select_related("enterprise").get(pk=figures.pk)
    enterprise = figures.enterprise
    if not can(actor, "verify_figures", enterprise):
        raise PermissionDenied(_("Only the bureau verifies an enterprise's figures."))
    if figures.verified:
        raise TransitionNotAllowed(_("These figures are already verified."))
    figures.verified, figures.verified_by, figures.verified_at = True, actor, timezone.now()
    figures.save(update_fields=["verified", "verified_by", "verified_at", "updated"])
    event_record(kind="enterprise.figures_verified", message=f"{enterprise} {figures.year}", obj=enterprise,
                 actor=actor, data={"year": figures.year})
    enterprise_refresh_scale(enterprise=enterprise)
    return figures


# Plausible bounds of a firm's yearly figures (万元; people): beyond them a figure is a typing error or an attack.
FIGURE_BOUNDS = {
    "revenue": (0, 10**9), "main_revenue": (0, 10**9), "rd_expense": (0, 10**8), "rd_staff": (0, 10**6),
    "employees": (0, 2 * 10**6), "total_assets": (0, 10**10), "liabilities": (0, 10**10),
    "net_profit": (-(10**9), 10**9), "invention_patents": (0, 10**6), "export_revenue": (0, 10**9),
}
FIRST_FIGURES_YEAR = 1990


def figures_errors(year, values: dict[str, Any]) -> dict[str, list[str]]:
    """Field-named errors for one year's figures: a completed past year, each value within FIGURE_BOUNDS."""
    errors: dict[str, list[str]] = {}
    last = timezone.localdate().year - 1
    try:
        year_ok = FIRST_FIGURES_YEAR <= int(year) <= last
    except (TypeError, ValueError):
        year_ok = False
    if not year_ok:
        errors["year"] = [_("Figures are recorded for completed years only, %(first)s to %(last)s.") % {
            "first": FIRST_FIGURES_YEAR, "last": last}]
    for field, value in values.items():
        bounds = FIGURE_BOUNDS.get(field)
        if bounds is None or value is None:
            continue
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            errors[field] = [_("Enter a number.")]
            continue
        low, high = bounds
        if not (low <= number <= high):
            errors[field] = [_("Must lie between %(low)s and %(high)s.") % {"low": low, "high": high}]
    return errors


def enterprise_refresh_scale(*, enterprise: Enterprise) -> None:
    """规上: the latest verified year's main-business revenue is 2,000万元 or more (unverified figures an
    enterprise reported itself never change the flag)."""
    latest = enterprise.figures.filter(verified=True).order_by("-year").first()
    if latest is None:
        return
    above = latest.main_revenue >= Decimal(ABOVE_SCALE_THRESHOLD_WAN)
    if above != enterprise.is_above_scale:
        enterprise.is_above_scale = above
        enterprise.save(update_fields=["is_above_scale", "updated"])
        _chain_leaders_follow(enterprise)
        ecosystem_members_follow(enterprise, ["is_above_scale"])


@transaction.atomic
def recognition_record(*, actor, enterprise: Enterprise, tier: str, level: str, year: int, valid_until=None,
                       batch: str = "") -> Recognition:
    if not can(actor, "record", Recognition):
        raise PermissionDenied(_("Only the city bureau records recognitions."))
    rec = Recognition(enterprise=enterprise, tier=tier, level=level, year=year, valid_until=valid_until, batch=batch)
    rec.full_clean()
    rec.save()
    enterprise_refresh_top_tier(enterprise=enterprise)
    event_record(kind="enterprise.recognised", message=f"{enterprise.name} {rec.get_tier_display()} {year}",
                 obj=enterprise, actor=actor)
    return rec


def enterprise_refresh_top_tier(*, enterprise: Enterprise, today=None) -> None:
    from django.utils import timezone

    today = today or timezone.localdate()
    tiers = [r.tier for r in enterprise.recognitions.all() if r.valid_until is None or r.valid_until >= today]
    top = max(tiers, key=TIER_ORDER.index) if tiers else ""
    if top != enterprise.top_tier:
        enterprise.top_tier = top
        enterprise.save(update_fields=["top_tier", "updated"])
        ecosystem_members_follow(enterprise, ["top_tier"])


def confidential_read_log(*, actor, enterprise: Enterprise, channel: str, what: str, request_id: str = "") -> None:
    """Record that `actor` read the enterprise's confidential figures (the enterprise's own users reading
    their own data are not logged)."""
    if actor.role == "enterprise" and actor.enterprise_id == enterprise.pk:
        return
    ConfidentialReadLog.objects.create(
        enterprise=enterprise, user=actor, channel=channel, what=what[:200], request_id=request_id,
        organisation_name=str(actor.organisation or ""),
    )


def validation_error_for(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


@transaction.atomic
def recognitions_expire(*, today=None) -> int:
    """Set-based: every enterprise whose highest tier is no longer backed by a valid recognition (or that holds a
    valid one above its recorded tier) gets the highest tier it still validly holds; one event per changed
    enterprise. Run each morning, so an expired certificate stops counting on the day after its end date."""
    from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When
    from django.utils import timezone

    from industry_brain.core.models import Event

    today = today or timezone.localdate()
    valid = Recognition.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today),
                                       enterprise_id=OuterRef("pk"))
    rank = Case(*[When(tier=t, then=Value(i)) for i, t in enumerate(TIER_ORDER)], output_field=IntegerField())
    best = Subquery(valid.annotate(rank=rank).order_by("-rank").values("tier")[:1])
    stale = Enterprise.objects.exclude(top_tier="").exclude(
        Exists(valid.filter(tier=OuterRef("top_tier")))).values("pk")
    missing = Enterprise.objects.filter(top_tier="").filter(Exists(valid)).values("pk")
    changed = list(Enterprise.objects.filter(Q(pk__in=stale) | Q(pk__in=missing))
                   .annotate(new_tier=Coalesce(best, Value(""))).values_list("pk", "name", "top_tier", "new_tier"))
    if not changed:
        return 0
    Enterprise.objects.filter(pk__in=[c[0] for c in changed]).update(
        top_tier=Coalesce(best, Value("")), updated=timezone.now())
    ecosystem_members_sync(enterprises=[c[0] for c in changed])
    ct = ContentType.objects.get_for_model(Enterprise)
    labels = dict(Tier.choices)
    actor_label = context.current_actor_label() or "job:enterprises.expire_recognitions"
    Event.objects.bulk_create([
        Event(kind="enterprise.tier_expired", content_type=ct, object_id=str(pk), actor_label=actor_label,
              message=_("%(name)s: highest valid tier %(old)s → %(new)s") % {
                  "name": name, "old": labels.get(old, "—"), "new": labels.get(new, "—")},
              data={"before": old, "after": new, "on": today.isoformat()})
        for pk, name, old, new in changed])
    return len(changed)
