"""Raising demands (every channel: enterprise, cadre, bureau, importer) and their first timeline step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from industry_brain.chains.models import ChainMembership, ChainNode
from industry_brain.core.events import event_record
from industry_brain.core.permissions import can, ensure_can
from industry_brain.enterprises.models import Enterprise

from .. import similarity
from ..choices import (
    Channel,
    DemandStatus,
    NotificationKind,
    StepAction,
    Urgency,
)
from ..models import (
    Assignment,
    Cadre,
    Demand,
    DemandAttachment,
    DemandCategory,
    Visit,
)
from ..notifications import notify
from ._common import (
    _after_step,
    _local_date,
    _now,
    _step,
)
from .alerts import demand_detect_similar

# ---------------------------------------------------------------------------------------- raising demands

def _project_of(project_ref: int, enterprise: Enterprise | None):
    """The enterprise's own investment project with this id, or None."""
    from industry_brain.projects.models import Project

    if enterprise is None:
        return None
    return Project.objects.filter(pk=project_ref, enterprise=enterprise).first()


def _current_cadre(enterprise: Enterprise) -> Cadre | None:
    a = Assignment.objects.filter(enterprise=enterprise, ended_on__isnull=True).order_by("started_on", "id") \
        .select_related("cadre").first()
    return a.cadre if a else None


def _enterprise_chain_id(enterprise: Enterprise) -> int | None:
    """The chain of the firm's first confirmed membership (a proposal, pending or rejected, places it nowhere)."""
    m = ChainMembership.objects.counted().filter(enterprise=enterprise).select_related("node").order_by("id").first()
    return m.node.chain_id if m else None


# A demand is read by people: a few pages at most (a 2 MB text was accepted before).
DESCRIPTION_MAX_CHARS = 5000


@transaction.atomic
def demand_create(*, actor, category: DemandCategory, title: str, description: str,
                  urgency: str = Urgency.NORMAL, enterprise: Enterprise | None = None, channel: str | None = None,
                  visit: Visit | None = None, chain_node: ChainNode | None = None, project_ref: int | None = None,
                  attachments: Iterable = (), at: dt.datetime | None = None) -> Demand:
    """Raise a demand for an enterprise: by the enterprise itself, by a cadre serving it, by its district
    bureau or the city bureau. Similar demands are flagged (never blocked) and systemic problems alerted."""
    at = _now(at)
    # Who may raise for which firm is declared once (`permissions.py`, "raise_demand"); the channel and the
    # refusal's wording follow what the account acts for: its own firm, the firms a cadre serves, or a bureau's.
    ensure_can(actor, "raise_demand", Enterprise, _("Your role does not raise demands."))
    cadre = None
    errors: dict[str, list[str]] = {}
    if actor.enterprise_id:
        if enterprise is not None and enterprise.pk != actor.enterprise_id:
            errors["enterprise"] = [_("You may raise demands only for your own enterprise.")]
        enterprise = actor.enterprise
        default_channel = Channel.ENTERPRISE
    else:
        bureau = can(actor, "organise_service", Enterprise)
        cadre = None if bureau else actor.cadre_profile
        default_channel = Channel.STAFF if bureau else Channel.CADRE
        if enterprise is None:
            errors["enterprise"] = [_("Choose the enterprise.")]
        elif not can(actor, "raise_demand", enterprise):
            errors["enterprise"] = [_("You may raise demands only for enterprises of your district.") if bureau
                                    else _("You do not serve this enterprise.")]
    if not category.is_active:
        errors["category"] = [_("This category is no longer in use.")]
    if len(title or "") > 200:
        errors["title"] = [_("At most %(n)s characters.") % {"n": 200}]
    if len(description or "") > DESCRIPTION_MAX_CHARS:
        errors["description"] = [_("At most %(n)s characters.") % {"n": DESCRIPTION_MAX_CHARS}]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose urgent, normal or complex.")]
    if visit is not None and enterprise is not None and visit.enterprise_id != enterprise.pk:
        errors["visit"] = [_("The visit was to another enterprise.")]
    project = _project_of(project_ref, enterprise) if project_ref is not None else None
    if project_ref is not None and project is None:
        errors["project"] = [_("No investment project of this enterprise has this id.")]
    if not (title or "").strip():
        errors["title"] = [_("Give the demand a short title.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe the problem.")]
    if errors:
        raise ValidationError(errors)
    if cadre is None:
        cadre = visit.cadre if visit is not None else _current_cadre(enterprise)
    demand = Demand(
        enterprise=enterprise, district_id=enterprise.district_id,
        chain_id=chain_node.chain_id if chain_node is not None else _enterprise_chain_id(enterprise),
        chain_node=chain_node, project=project, visit=visit, cadre=cadre, category=category,
        category_root_id=category.root_id, urgency=urgency, title=title.strip(), description=description.strip(),
        channel=channel or default_channel, status=DemandStatus.SUBMITTED, raised_by=actor, submitted_at=at,
        submitted_on=_local_date(at), terms=similarity.terms_text(title, description),
        search_text=f"{title.strip()} {enterprise.name}".lower()[:420],
    )
    demand.full_clean()
    demand.save()
    for f in attachments:
        DemandAttachment.objects.create(demand=demand, file=f, name=getattr(f, "name", "file")[:200],
                                        uploaded_by=actor)
    _step(demand, action=StepAction.SUBMITTED, actor=actor, at=at, to_status=DemandStatus.SUBMITTED,
          note=demand.get_channel_display())
    event_record(kind="demand.submitted", message=_("Demand raised: %(title)s") % {"title": demand.title},
                 obj=demand, actor=actor, data={"enterprise": enterprise.pk, "category": category.code})
    demand_detect_similar(demand=demand, at=at)
    if demand.cadre_id and demand.cadre.user_id and demand.cadre.user_id != getattr(actor, "pk", None):
        # The cadre serving the firm hears of its new demands at once.
        notify(users=[demand.cadre.user], kind=NotificationKind.NEW_DEMAND,
               text=_("New demand #%(id)s of %(name)s: %(title)s") % {
                   "id": demand.pk, "name": enterprise.name, "title": demand.title},
               link=demand.get_absolute_url(), demand=demand)
    _after_step(demand)
    return demand
