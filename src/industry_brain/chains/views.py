"""Ecosystem overview, ecosystem page and chain page (the chain map)."""

from __future__ import annotations

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from industry_brain.core.views import ObjectDetailView

from . import selectors
from .choices import Segment, segment_order
from .models import Chain, ChainMaster, Ecosystem, TeamMember


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
        return {
            "chains": obj.chains.prefetch_related("nodes"),
            "team": TeamMember.objects.filter(ecosystem=obj).select_related("user"),
            "masters": ChainMaster.objects.filter(chain__ecosystem=obj).select_related("chain", "enterprise"),
        }


class ChainDetailView(ObjectDetailView):
    queryset = Chain.objects.select_related("ecosystem")
    template_name = "chains/chain_detail.html"

    def get_extra_context(self, request, obj):
        graph = selectors.chain_graph(obj, request.user)
        graph["segments"] = {s.value: str(s.label) for s in Segment}
        # "{n}" is replaced in the browser, so that each language places the number where it belongs
        graph["labels"] = {"enterprises": _("{n} local enterprises"), "output": _("output (10k yuan)"),
                           "suppressed": _("not shown: fewer than {n} firms").replace("{n}", str(graph["min_group"]))}
        nodes = list(obj.nodes.order_by(segment_order(), "order", "id"))
        by_id = {n["id"]: n for n in graph["nodes"]}
        members = selectors.nodes_enterprises(nodes, request.user)
        node_rows = [{"node": n, "stats": by_id[n.pk], "members": members[n.pk]} for n in nodes]
        return {
            "graph_json": json.dumps(graph, ensure_ascii=False),
            "node_rows": node_rows,
            "masters": obj.masters.select_related("enterprise").order_by("status", "enterprise__name"),
            "team": TeamMember.objects.filter(ecosystem=obj.ecosystem),
            "can_nominate": Chain.objects.permits(request.user, obj, "change"),
            "year": graph["year"],
        }
