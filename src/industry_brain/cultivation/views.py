"""Pages of tier cultivation: overview with statistics in the source's style, the cultivation pool, the enterprise's
gap card, rule-set versions, recognition rounds and applications. Every read goes through a selector that takes
the user (out of scope is 404)."""

from __future__ import annotations

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from industry_brain.core.excel import workbook_response
from industry_brain.core.models import District
from industry_brain.core.workflow import steps_for
from industry_brain.enterprises.models import Enterprise

from . import selectors, tier_stats
from .choices import ENTERPRISE_TIERS, TierKey
from .models import RecognitionApplication, RecognitionRound, TierRuleSet


def _no_department(user):
    if user.role == "department":
        raise Http404


class OverviewView(LoginRequiredMixin, View):
    def get(self, request):
        _no_department(request.user)
        stats = tier_stats.tier_statistics(user=request.user)
        pyramid = tier_stats.pyramid(user=request.user, by="district")
        chart = {"tooltip": {"trigger": "axis"}, "legend": {"top": 0},
                 "grid": {"left": 90, "right": 20, "top": 40, "bottom": 30},
                 "xAxis": {"type": "value"}, "yAxis": {"type": "category", "data": [r["key"] for r in pyramid]},
                 "series": [{"name": str(TierKey(t).label), "type": "bar", "stack": "t",
                             "data": [r["counts"].get(t, 0) for r in pyramid]} for t in ENTERPRISE_TIERS]}
        return render(request, "cultivation/overview.html", {
            "stats": stats, "pyramid": pyramid, "pyramid_json": json.dumps(chart, ensure_ascii=False),
            "near": selectors.near_next_year(user=request.user), "run": selectors.latest_run(user=request.user),
            "conversion": tier_stats.conversion(user=request.user)})


class StatisticsExportView(LoginRequiredMixin, View):
    def get(self, request):
        _no_department(request.user)
        rows = tier_stats.export_rows(user=request.user)
        return workbook_response(f"梯队培育统计_{timezone.localdate().isoformat()}.xlsx",
                                 ["梯队", "区县", "年度", "新增", "累计"], rows)


class PoolView(LoginRequiredMixin, View):
    def get(self, request):
        _no_department(request.user)
        tier = request.GET.get("tier") or "little_giant"
        if tier not in ENTERPRISE_TIERS:
            tier = "little_giant"
        district = request.GET.get("district") or None
        qs = selectors.pool(user=request.user, tier=tier, district=district)
        rows = list(qs[:50])
        from .api.views import details_for

        details = details_for(rows)
        items = [{"row": r, "failing": [i for i in details.get((r.enterprise_id, r.rule_set_id), {}).get(
            "indicators", []) if i["kind"] == "gate" and (i["passed"] is False or i["missing"])]} for r in rows]
        return render(request, "cultivation/pool.html", {
            "items": items, "tier": tier, "tiers": [(t, TierKey(t).label) for t in ENTERPRISE_TIERS],
            "districts": District.objects.all(), "district": district})


class CardView(LoginRequiredMixin, View):
    def get(self, request, pk):
        enterprise = Enterprise.objects.get_in_scope(request.user, pk, "view_confidential")
        card = selectors.enterprise_card(user=request.user, enterprise=enterprise)
        return render(request, "cultivation/card.html", {"card": card, "enterprise": enterprise})


class MyCardView(LoginRequiredMixin, View):
    def get(self, request):
        if request.user.role != "enterprise":
            raise Http404
        return CardView().get(request, request.user.enterprise_id)


class RuleSetListView(LoginRequiredMixin, View):
    def get(self, request):
        _no_department(request.user)
        return render(request, "cultivation/ruleset_list.html", {"rulesets": selectors.rulesets(user=request.user)})


class RuleSetDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        rs = TierRuleSet.objects.get_in_scope(request.user, pk)
        return render(request, "cultivation/ruleset_detail.html", {"rs": rs, "rules": rs.rules.all()})


class RoundListView(LoginRequiredMixin, View):
    def get(self, request):
        _no_department(request.user)
        rounds = RecognitionRound.objects.restrict(request.user, "view")
        apps = selectors.applications(user=request.user).order_by("-id")[:100]
        return render(request, "cultivation/round_list.html", {"rounds": rounds, "applications": apps})


class RoundDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        rnd = RecognitionRound.objects.get_in_scope(request.user, pk)
        apps = selectors.applications(user=request.user).filter(round=rnd)
        return render(request, "cultivation/round_detail.html", {"round": rnd, "applications": apps})


class ApplicationDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        from .workflows import APPLICATION_WORKFLOW

        app = RecognitionApplication.objects.get_in_scope(request.user, pk)
        return render(request, "cultivation/application_detail.html", {
            "app": app, "steps": steps_for(app), "objections": app.objections.all(),
            "allowed": APPLICATION_WORKFLOW.allowed(app, request.user)})
