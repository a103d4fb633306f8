"""Writes of the industry brains: configuration (the city), the set-based refresh of linked firms, firms' consent
and their monthly operating data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, IntegerField, Min, Q, Value
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


def _insert_links(rows) -> int:
    """INSERT INTO the links SELECT `rows` (a values_list of brain, enterprise, node, via, in that order): the
    database writes them, no row passes through Python."""
    sql, params = rows.query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in ("brain_id", "enterprise_id", "node_id", "via"))
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {qn(BrainFirm._meta.db_table)} ({columns}) {sql}", params)
        return cur.rowcount


@transaction.atomic
def brain_refresh(*, brain: Brain) -> Brain:
    """Recompute the firms linked to a brain, set-based in the database: the confirmed members of its chain nodes
    (each firm at its first such membership), then the firms of its industry divisions, then the firms whose name
    holds one of its keywords (a firm is linked once, by the first rule that finds it); and count the outside
    firms that supply any of them (from the supply network) or that were linked by hand."""
    from industry_brain.supply.models import ExternalFirm, SupplyLink

    BrainFirm.objects.filter(brain=brain).delete()
    this = Value(brain.pk, output_field=IntegerField())
    no_node = Value(None, output_field=IntegerField())
    node_ids = brain.nodes.values("pk")
    first = (ChainMembership.objects.counted().filter(node_id__in=node_ids).order_by().values("enterprise_id")
             .annotate(first=Min("pk")).values("first"))
    _insert_links(ChainMembership.objects.filter(pk__in=first).order_by().values_list(
        this, "enterprise_id", "node_id", Value("node", output_field=CharField())))
    linked = BrainFirm.objects.filter(brain=brain).values("enterprise_id")
    industries = list(brain.industries.values_list("pk", flat=True))
    if industries:
        _insert_links(Enterprise.objects.filter(industry_id__in=industries).exclude(pk__in=linked).order_by()
                      .values_list(this, "pk", no_node, Value("industry", output_field=CharField())))
    words = [w for w in (brain.keywords or "").split() if w]
    if words:
        named = Q()
        for w in words:
            named |= Q(name__contains=w)
        _insert_links(Enterprise.objects.filter(named).exclude(pk__in=linked).order_by()
                      .values_list(this, "pk", no_node, Value("keyword", output_field=CharField())))
    supplying = SupplyLink.objects.filter(customer_id__in=linked, supplier_external__isnull=False).order_by() \
        .values("supplier_external_id")
    by_hand = Brain.external_firms.through.objects.filter(brain_id=brain.pk).values("externalfirm_id")
    brain.linked_local = BrainFirm.objects.filter(brain=brain).count()
    brain.linked_external = ExternalFirm.objects.filter(Q(pk__in=supplying) | Q(pk__in=by_hand)).count()
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
