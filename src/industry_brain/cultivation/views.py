"""Pages of tier cultivation: overview with statistics in the source's style, the cultivation pool, the enterprise's
gap card, rule-set versions, recognition rounds and applications. Every read goes through a selector that takes
the user (out of scope is 404)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from industry_brain.core.excel import workbook_response
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.models import District
from industry_brain.core.permissions import can
from industry_brain.core.workflow import steps_for

from . import forms, selectors, services, tier_stats
from .choices import ENTERPRISE_TIERS, ApplicationStatus, TierKey
from .models import RecognitionApplication, RecognitionRound, TierRule, TierRuleSet
from .workflows import APPLICATION_WORKFLOW


def _no_department(user):
    if not can(user, "view", TierRuleSet):  # departments see no criteria nor rounds (the models' scope)
        raise Http404


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for e in errs:
            form.add_error(field if field in form.fields else None, e)


def _may_add(user, model) -> None:
    """Pages that create: a reader without any add scope on the model is refused (departments see nothing)."""
    _no_department(user)
    if not can(user, "add", model):
        raise PermissionDenied


class OverviewView(LoginRequiredMixin, View):
    def get(self, request):
        _no_department(request.user)
        stats = tier_stats.tier_statistics(user=request.user)
        pyramid = tier_stats.pyramid(user=request.user, by="district")
        by_chain = tier_stats.pyramid(user=request.user, by="chain")

        def chart(rows):
            return json.dumps({
                "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
                "grid": {"left": 90, "right": 20, "top": 40, "bottom": 30},
                "xAxis": {"type": "value"}, "yAxis": {"type": "category", "data": [r["key"] for r in rows]},
                "series": [{"name": str(TierKey(t).label), "type": "bar", "stack": "t",
                            "data": [r["counts"].get(t, 0) for r in rows]} for t in ENTERPRISE_TIERS]},
                ensure_ascii=False)

        return render(request, "cultivation/overview.html", {
            "stats": stats, "pyramid": pyramid, "pyramid_json": chart(pyramid), "chain_json": chart(by_chain),
            "by_chain": by_chain,
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
        card = selectors.enterprise_card(user=request.user, enterprise=pk)
        return render(request, "cultivation/card.html", {"card": card, "enterprise": card["enterprise"]})


class MyCardView(LoginRequiredMixin, View):
    def get(self, request):
        if not request.user.enterprise_id:  # the card of the user's own firm: a firm's account only
            raise Http404
        return CardView().get(request, request.user.enterprise_id)


class RuleSetListView(LoginRequiredMixin, View):
    def get(self, request):
        _no_department(request.user)
        return render(request, "cultivation/ruleset_list.html", {"rulesets": selectors.rulesets(user=request.user),
                                                                 "may_add": can(request.user, "add", TierRuleSet)})


class RuleSetDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        rs = TierRuleSet.objects.get_in_scope(request.user, pk)
        editable = can(request.user, "change", rs) and not services.ruleset_used(rs)
        return render(request, "cultivation/ruleset_detail.html", {
            "rs": rs, "rules": rs.rules.all(), "editable": editable, "may_add": can(request.user, "add", TierRuleSet)})


class RuleSetCreateView(LoginRequiredMixin, View):
    """A new criteria version (the city): the header and the version its rules are copied from."""

    template = "cultivation/form.html"

    def _render(self, request, form, status=200):
        return render(request, self.template, {"form": form, "title": _("New criteria version"),
                                               "back": reverse("cultivation:ruleset_list"),
                                               "intro": _("The rules are copied from the version chosen; edit them "
                                                          "on the next page before the first evaluation uses the "
                                                          "version. Earlier evaluations keep the version they "
                                                          "used.")}, status=status)

    def get(self, request):
        _may_add(request.user, TierRuleSet)
        initial = {}
        src = TierRuleSet.objects.filter(pk=request.GET.get("copy_from") or 0).first() if (
            request.GET.get("copy_from") or "").isdigit() else None
        if src is not None:
            initial = {"tier": src.tier, "level": src.level, "application_type": src.application_type,
                       "copy_from": src.pk, "source": src.source}
        return self._render(request, forms.RuleSetForm(initial=initial))

    def post(self, request):
        _may_add(request.user, TierRuleSet)
        form = forms.RuleSetForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            copy_from = data.pop("copy_from", None)
            try:
                rs = services.ruleset_create(actor=request.user, data=data, rules=[], copy_from=copy_from)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Version added."))
                return redirect(rs.get_absolute_url())
        return self._render(request, form, status=400)


class RuleEditView(LoginRequiredMixin, View):
    """One criterion of a version no evaluation has used yet: edit it, or add one (`rule` absent)."""

    def _objects(self, request, pk, rule_pk):
        rs = TierRuleSet.objects.get_in_scope(request.user, pk)
        if not can(request.user, "change", rs):
            raise PermissionDenied
        rule = rs.rules.filter(pk=rule_pk).first() if rule_pk else None
        if rule_pk and rule is None:
            raise Http404
        return rs, rule

    def _render(self, request, rs, form, status=200):
        title = (_("Edit criterion") if form.instance.pk else _("Add a criterion")) + f" · {rs}"
        return render(request, "cultivation/form.html", {
            "form": form, "title": title, "back": rs.get_absolute_url(),
            "intro": "" if not services.ruleset_used(rs) else _(
                "Evaluations have used this version; add a new version instead.")}, status=status)

    def get(self, request, pk, rule_pk=None):
        rs, rule = self._objects(request, pk, rule_pk)
        return self._render(request, rs, forms.RuleForm(instance=rule or TierRule(
            rule_set=rs, order=rs.rules.count(), source=rs.source, verification=rs.verification)))

    def post(self, request, pk, rule_pk=None):
        rs, rule = self._objects(request, pk, rule_pk)
        form = forms.RuleForm(request.POST, instance=rule or TierRule(rule_set=rs))
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in form.Meta.fields}
            try:
                if rule is None:
                    services.rule_add(actor=request.user, rule_set=rs, data=data)
                else:
                    services.rule_update(actor=request.user, rule=TierRule.objects.get(pk=rule.pk), data=data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(rs.get_absolute_url())
        return self._render(request, rs, form, status=400)


class RoundListView(LoginRequiredMixin, View):
    def get(self, request):
        _no_department(request.user)
        rounds = RecognitionRound.objects.restrict(request.user, "view")
        apps = selectors.applications(user=request.user).order_by("-id")[:100]
        return render(request, "cultivation/round_list.html", {
            "rounds": rounds, "applications": apps, "may_add": can(request.user, "add", RecognitionRound)})


class RoundCreateView(LoginRequiredMixin, View):
    """Open a recognition round (the city): tier, year, rule-set version (default: in force on the opening day),
    dates, public-notice period in working days, validity of the title."""

    def _render(self, request, form, status=200):
        return render(request, "cultivation/form.html", {"form": form, "title": _("Open a recognition round"),
                                                         "back": reverse("cultivation:round_list"), "intro": ""},
                      status=status)

    def get(self, request):
        _may_add(request.user, RecognitionRound)
        return self._render(request, forms.RoundForm(initial={"year": timezone.localdate().year}))

    def post(self, request):
        _may_add(request.user, RecognitionRound)
        form = forms.RoundForm(request.POST)
        if form.is_valid():
            try:
                rnd = services.round_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Round opened."))
                return redirect(rnd.get_absolute_url())
        return self._render(request, form, status=400)


class RoundDetailView(LoginRequiredMixin, View):
    """A round with its applications; the enterprise applies here, a bureau nominates a firm of its scope."""

    def _render(self, request, rnd, form=None, status=200):
        apps = selectors.applications(user=request.user).filter(round=rnd)
        may_apply = can(request.user, "add", RecognitionApplication)
        return render(request, "cultivation/round_detail.html", {
            "round": rnd, "applications": apps, "form": form or (forms.ApplicationForm(user=request.user)
                                                                 if may_apply else None)}, status=status)

    def get(self, request, pk):
        return self._render(request, RecognitionRound.objects.get_in_scope(request.user, pk))

    def post(self, request, pk):
        rnd = RecognitionRound.objects.get_in_scope(request.user, pk)
        _may_add(request.user, RecognitionApplication)
        form = forms.ApplicationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                app = services.application_create(actor=request.user, round=rnd, enterprise=form.enterprise(),
                                                  application_type=form.cleaned_data["application_type"],
                                                  statement=form.cleaned_data.get("statement", ""))
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Application filed: add the evidence files, then submit."))
                return redirect(app.get_absolute_url())
        return self._render(request, rnd, form, status=400)


class ApplicationDetailView(LoginRequiredMixin, View):
    """An application: status, pre-check with every criterion, evidence, objections, timeline, and a form for
    each step of the recognition workflow the reader may take now (the engine decides who and when)."""

    def _render(self, request, app, bound=None, evidence_form=None, status=200):
        allowed = APPLICATION_WORKFLOW.allowed(app, request.user)
        actions = [(t, bound if bound is not None and bound.prefix == t.name else forms.step_form(t.name, app))
                   for t in allowed]
        may_add_evidence = can(request.user, "change", app) and app.status in (ApplicationStatus.DRAFT,
                                                                               ApplicationStatus.SUBMITTED)
        return render(request, "cultivation/application_detail.html", {
            "app": app, "steps": steps_for(app), "objections": app.objections.all(), "actions": actions,
            "evidence": app.evidence.all(), "precheck": app.precheck or {},
            "evidence_form": (evidence_form or forms.EvidenceForm()) if may_add_evidence else None}, status=status)

    def get(self, request, pk):
        return self._render(request, RecognitionApplication.objects.get_in_scope(request.user, pk))

    def post(self, request, pk):
        app = RecognitionApplication.objects.get_in_scope(request.user, pk)
        step = request.POST.get("step", "")
        if step == "evidence":
            return self._evidence(request, app)
        try:
            transition = APPLICATION_WORKFLOW[step]
        except KeyError:
            raise PermissionDenied from None
        form = forms.step_form(step, app, request.POST)
        if not form.is_valid():
            return self._render(request, app, bound=form, status=400)
        try:
            services.application_step(actor=request.user, application=app, action=step, data=form.step_data(),
                                      note=form.cleaned_data.get("note", ""))
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self._render(request, app, bound=form, status=400)
        except TransitionNotAllowed as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
            return self._render(request, app, status=409)
        messages.success(request, str(transition.past))
        return redirect(app.get_absolute_url())

    def _evidence(self, request, app):
        if not can(request.user, "change", app):
            raise PermissionDenied
        form = forms.EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.evidence_add(actor=request.user, application=app, title=form.cleaned_data["title"],
                                      file=form.cleaned_data["file"])
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Evidence added."))
                return redirect(app.get_absolute_url())
        return self._render(request, app, evidence_form=form, status=400)
