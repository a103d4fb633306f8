"""Writes of the industry brains: configuration (the city), the set-based refresh of linked firms, firms' consent
and their monthly operating data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.chains.models import ChainMembership
from industry_brain.core.events import event_record
from industry_brain.core.permissions import ensure_can, ensure_can_after_write
from industry_brain.enterprises.models import Enterprise

from . import selectors
from .models import Brain, BrainFirm, OperatingReport, OptIn

BRAIN_FIELDS = ("code", "name", "description", "keywords")


@transaction.atomic
def brain_save(*, actor, data: dict[str, Any], brain: Brain | None = None) -> Brain:
    """Create or change a brain (the city bureau), then recompute its linked firms."""
    creating = brain is None
    brain = brain or Brain()
    for field in BRAIN_FIELDS:
        if field in data:
            setattr(brain, field, data[field])
    brain.full_clean(exclude=["linked_local", "linked_external", "computed_at"])
    if not (data.get("nodes") or data.get("industries") or (brain.keywords or "").strip()
            or (not creating and (brain.nodes.exists() or brain.industries.exists()))):
        raise ValidationError({"nodes": [_("Choose chain nodes, industry divisions or name keywords.")]})
    brain.save()
    ensure_can_after_write(actor, brain, "add" if creating else "change", _("Brains are configured by the city."))
    for field in ("nodes", "industries", "external_firms"):
        if field in data:
            getattr(brain, field).set(data[field])
    brain_refresh(brain=brain)
    event_record(kind="brain.configured", message=_("Industry brain configured: %(n)s") % {"n": brain.name},
                 obj=brain, actor=actor)
    return brain


@transaction.atomic
def brain_refresh(*, brain: Brain) -> Brain:
    """Recompute the firms linked to a brain, set-based: the confirmed members of its chain nodes, the firms of
    its industry divisions, the firms whose name holds one of its keywords; and the outside firms that supply
    any of them (from the supply network) or that were linked by hand."""
    from industry_brain.supply.models import SupplyLink

    BrainFirm.objects.filter(brain=brain).delete()
    node_ids = list(brain.nodes.values_list("pk", flat=True))
    rows: dict[int, BrainFirm] = {}
    for e, n in ChainMembership.objects.counted().filter(node_id__in=node_ids).order_by("enterprise_id", "id") \
            .values_list("enterprise_id", "node_id"):
        rows.setdefault(e, BrainFirm(brain=brain, enterprise_id=e, node_id=n, via="node"))
    industries = list(brain.industries.values_list("pk", flat=True))
    words = [w for w in (brain.keywords or "").split() if w]
    q = Q(industry_id__in=industries) if industries else Q(pk__in=[])
    for w in words:
        q |= Q(name__contains=w)
    for e, industry in Enterprise.objects.filter(q).values_list("pk", "industry_id").iterator(5000):
        rows.setdefault(e, BrainFirm(brain=brain, enterprise_id=e,
                                     via="industry" if industry in industries else "keyword"))
    BrainFirm.objects.bulk_create(rows.values(), batch_size=5000)
    local = BrainFirm.objects.filter(brain=brain).values("enterprise_id")
    supplying = set(SupplyLink.objects.filter(customer_id__in=local, supplier_external__isnull=False)
                    .values_list("supplier_external_id", flat=True).distinct())
    supplying |= set(brain.external_firms.values_list("pk", flat=True))
    brain.linked_local, brain.linked_external = len(rows), len(supplying)
    brain.node_stats = [{**n, "output": None if n["output"] is None else float(n["output"])}
                        for n in selectors.brain_nodes_live(brain)]
    brain.stats = selectors.brain_aggregates_live(brain)
    brain.computed_at = timezone.now()
    brain.save(update_fields=["linked_local", "linked_external", "node_stats", "stats", "computed_at", "updated"])
    return brain


def brains_refresh_all() -> int:
    n = 0
    for brain in Brain.objects.all():
        brain_refresh(brain=brain)
        n += 1
    return n


@transaction.atomic
def opt_in(*, actor, brain: Brain, enterprise) -> OptIn:
    """A firm agrees to share its monthly operating data with a brain it is linked to."""
    if not BrainFirm.objects.filter(brain=brain, enterprise=enterprise).exists():
        raise ValidationError({"brain": [_("The firm is not linked to this brain.")]})
    consent, _created = OptIn.objects.get_or_create(brain=brain, enterprise=enterprise)
    ensure_can_after_write(actor, consent, "add", _("Only the firm itself agrees to share its data."))
    event_record(kind="brain.opt_in", message=_("%(f)s shares its operating data with %(b)s") % {
        "f": enterprise.name, "b": brain.name}, obj=brain, actor=actor, data={"enterprise": enterprise.pk})
    return consent


@transaction.atomic
def report_submit(*, actor, brain: Brain, enterprise, data: dict[str, Any]) -> OperatingReport:
    """A month of operating data; a month already reported is corrected in place (the change log keeps the
    earlier figures)."""
    if not OptIn.objects.filter(brain=brain, enterprise=enterprise).exists():
        raise ValidationError({"brain": [_("Agree to share your data with this brain first.")]})
    report = OperatingReport.objects.filter(brain=brain, enterprise=enterprise, period=data.get("period")).first()
    if report is not None:
        ensure_can(actor, "change", report)
    report = report or OperatingReport(brain=brain, enterprise=enterprise)
    for field in ("period", "capacity_use", "orders", "inventory", "price_index"):
        if field in data:
            setattr(report, field, data[field])
    report.full_clean()
    if report.period > timezone.localdate().strftime("%Y-%m"):
        raise ValidationError({"period": [_("A month still to come cannot be reported.")]})
    report.save()
    ensure_can_after_write(actor, report, "add", _("Only the firm itself reports its operating data."))
    return report
