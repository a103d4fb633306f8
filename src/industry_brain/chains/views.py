"""Ecosystem overview, ecosystem page and chain page (the chain map)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from industry_brain.core import registry
from industry_brain.core.changelog import history_for
from industry_brain.core.codes import normalise_uscc
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.permissions import can, scope_filter
from industry_brain.core.views import ObjectDetailView
from industry_brain.enterprises.models import Enterprise, enterprise_scope

from . import memberships, selectors
from .choices import MembershipStatus, Segment
from .models import Chain, ChainMaster, ChainMembership, Ecosystem, TeamMember


class EcosystemListView(LoginRequiredMixin, TemplateView):
    template_name = "chains/ecosystem_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = selectors.ecosystem_overview(self.request.user)
        ctx["rows"] = rows
        computed = [r["computed_at"] for r in rows]
        ctx["stats_at"] = min(computed) if computed and None not in computed else None
        ctx["chart"] = json.dumps({
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0, "data": [_("Enterprises in chains"), _("Above designated size")]},
            "grid": {"left": 60, "right": 20, "bottom": 30, "top": 40},
            "xAxis": {"type": "category", "data": [r["ecosystem"].name for r in rows]},
            "yAxis": {"type": "value"},
            "series": [
                {"name": _("Enterprises in chains"), "type": "bar", "data": [r["enterprises"] for r in rows]},
                {"name": _("Above designated size"), "type": "bar", "data": [r["above_scale"] for r in rows]},
            ],
        }, ensure_ascii=False)
        return ctx


class EcosystemDetailView(ObjectDetailView):
    queryset = Ecosystem.objects.all()
    template_name = "chains/ecosystem_detail.html"

    def get_extra_context(self, request, obj):
        masters = list(ChainMaster.objects.filter(chain__ecosystem=obj).select_related("chain", "enterprise"))
        _mark_openable(request.user, masters)
        return {
            "chains": obj.chains.prefetch_related("nodes"),
            "team": TeamMember.objects.filter(ecosystem=obj).select_related("user"),
            "masters": masters,
        }


def _mark_openable(user, masters: list[ChainMaster], every_firm: bool | None = None) -> None:
    """Set `may_open` on each master: whether the reader may open its enterprise's page (one query for all).
    `every_firm`: whether the reader's view scope is every firm, when the caller knows it already."""
    if every_firm is None and masters:
        every_firm = scope_filter(user, enterprise_scope, "view") == Q()
    if masters and every_firm:  # every firm: nothing to ask
        openable = {m.enterprise_id for m in masters}
    else:
        openable = set(Enterprise.objects.restrict(user, "view").filter(
            pk__in=[m.enterprise_id for m in masters]).order_by().values_list("pk", flat=True)) if masters else set()
    for m in masters:
        m.may_open = m.enterprise_id in openable


class ChainDetailView(ObjectDetailView):
    """The chain page. Other modules' panels (supply security per node, …) are not computed here: the page asks
    for them once it is shown (`ChainPanelsView`), so that the chain map never waits for another module's
    figures (docs/decisions.md)."""

    queryset = Chain.objects.select_related("ecosystem")
    template_name = "chains/chain_detail.html"

    def get(self, request, pk, *args, **kwargs):
        obj = self.get_object(request, pk)
        ctx = {"object": obj, "panels": [], "history": history_for(obj, 30),
               "panels_url": reverse("chains:chain_panels", args=[obj.pk])
               if registry.detail_panels.get(obj._meta.label_lower) else None}
        ctx.update(self.get_extra_context(request, obj))
        return render(request, self.template_name, ctx)

    def get_extra_context(self, request, obj):
        page = selectors.chain_page(obj, request.user)
        graph, nodes, members = page["graph"], page["nodes"], page["members"]
        graph["segments"] = {s.value: str(s.label) for s in Segment}
        # "{n}" is replaced in the browser, so that each language places the number where it belongs
        graph["labels"] = {"enterprises": _("{n} local enterprises"), "output": _("Output of members"),
                           "suppressed": _("not shown: fewer than {n} firms").replace("{n}", str(graph["min_group"]))}
        by_id = {n["id"]: n for n in graph["nodes"]}
        node_rows = [{"node": n, "stats": by_id[n.pk], "members": members[n.pk]} for n in nodes]
        masters = list(obj.masters.select_related("enterprise").order_by("status", "enterprise__name"))
        visible = page["visible"]  # the memberships' filter: Q() exactly when the view scope is every firm
        _mark_openable(request.user, masters, every_firm=visible is not None and not visible)
        may_change = can(request.user, "change", obj)
        return {
            "graph_json": json.dumps(graph, ensure_ascii=False),
            "node_rows": node_rows,
            "masters": masters,
            "team": TeamMember.objects.filter(ecosystem=obj.ecosystem),
            "can_nominate": may_change,
            "may_place": may_change,
            "nodes": nodes,
            "proposals": ChainMembership.objects.restrict(request.user, "view").filter(
                node__chain=obj, status=MembershipStatus.PROPOSED).select_related("enterprise", "node",
                                                                                  "proposed_by"),
            "year": graph["year"],
        }


class ChainPanelsView(ObjectDetailView):
    """The other modules' panels of a chain page, as a fragment the page loads after it is shown."""

    queryset = Chain.objects.all()
    template_name = "chains/_chain_panels.html"
    history = False


class MembershipActionView(LoginRequiredMixin, View):
    """Page actions on a chain's memberships (POST, then back to the chain page): `add` (the city places, the
    work team proposes), `confirm` and `reject` (the city), `remove`."""

    def post(self, request, pk: int, action: str):
        chain = Chain.objects.get_in_scope(request.user, pk)
        if action not in ("add", "confirm", "reject", "remove"):
            raise Http404
        try:
            if action == "add":
                node = chain.nodes.filter(pk=request.POST.get("node") or None).first()
                if node is None:
                    raise ValidationError({"node": [_("Choose a node of this chain.")]})
                enterprise = Enterprise.objects.filter(uscc=normalise_uscc(request.POST.get("uscc", ""))).first()
                if enterprise is None:
                    raise ValidationError({"uscc": [_("No enterprise with this credit code.")]})
                membership = memberships.membership_add(actor=request.user, node=node, enterprise=enterprise,
                                                        main_product=request.POST.get("main_product", "")[:100])
                messages.success(request, _("Enterprise placed in the chain.") if membership.status == "confirmed"
                                 else _("Proposal recorded; it counts once the city bureau confirms it."))
            else:
                membership = ChainMembership.objects.restrict(request.user, "view").filter(
                    node__chain=chain, pk=request.POST.get("membership") or None).first()
                if membership is None:
                    raise Http404
                note = request.POST.get("note", "")
                if action == "confirm":
                    memberships.membership_confirm(actor=request.user, membership=membership, note=note)
                    messages.success(request, _("Membership confirmed."))
                elif action == "reject":
                    memberships.membership_reject(actor=request.user, membership=membership, note=note)
                    messages.success(request, _("Proposal rejected."))
                else:
                    memberships.membership_remove(actor=request.user, membership=membership)
                    messages.success(request, _("Enterprise taken out of the node."))
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for e in errors:
                    messages.error(request, e)
        except (PermissionDenied, TransitionNotAllowed) as exc:
            messages.error(request, str(exc) or _("You may not do this."))
        return redirect(chain.get_absolute_url())
