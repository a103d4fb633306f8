"""Pages of the policies app: the catalogue, an item with its rule and list, the firm's own policy page, one
standing with its trace and next steps, the ledger and its import."""

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
from django.utils.translation import gettext_lazy
from django.views import View

from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.models import District, IndustryDivision
from industry_brain.core.permissions import can
from industry_brain.core.views import ExcelImportView
from industry_brain.core.workflow import steps_for

from . import rules, selectors, services
from .choices import MeasureKind
from .forms import ConfirmForm, ItemForm, PayForm, ReasonForm, VersionForm
from .importers import LedgerImporter
from .models import LedgerEntry, Policy, PolicyItem
from .variables import VARIABLES
from .workflows import eligibility_workflow as wf


def _render_tree(node, params, on):
    """The condition tree as nested (kind, label, children) for the template."""
    if "all" in node or "any" in node:
        return {"op": _("all of") if "all" in node else _("any of"),
                "children": [_render_tree(c, params, on) for c in node.get("all", node.get("any"))]}
    return {"label": rules.leaf_label(node, params, on)}


class ItemListView(LoginRequiredMixin, View):
    def get(self, request):
        items = list(selectors.item_list(user=request.user).order_by("policy__name", "code"))
        uptake = can(request.user, "view_uptake", PolicyItem)
        metrics = selectors.item_metrics(user=request.user) if uptake else {}
        rows = [(i, metrics.get(i.pk)) for i in items]
        return render(request, "policies/item_list.html", {
            "rows": rows, "overall": selectors.overall_metrics(user=request.user) if uptake else None})


class PolicyDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        policy = Policy.objects.get_in_scope(request.user, pk)
        return render(request, "policies/policy_detail.html", {"object": policy, "items": policy.items.all()})


class ItemDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        item = PolicyItem.objects.select_related("policy").get_in_scope(request.user, pk)
        today = timezone.localdate()
        version = item.version_on(today)
        standings = selectors.eligibility_list(user=request.user).filter(item=item).order_by("-amount", "id")[:100]
        return render(request, "policies/item_detail.html", {
            "object": item, "version": version, "versions": item.versions.all(),
            "tree": _render_tree(version.conditions, version.params, today) if version and version.conditions
            else None,
            "exclusions": [rules.leaf_label(x, version.params, today) for x in version.exclusions] if version else [],
            "cases": rules.run_test_cases(version) if version else [],
            "metrics": selectors.item_metrics(user=request.user, items=[item]).get(item.pk),
            "standings": standings, "owner": item.is_owned_by(request.user),
            "may_view_uptake": can(request.user, "view_uptake", item)})

    def post(self, request, pk):
        item = PolicyItem.objects.select_related("policy").get_in_scope(request.user, pk)
        if not item.is_owned_by(request.user):
            raise PermissionDenied
        if request.POST.get("action") == "evaluate":
            counts = services.evaluate_items(actor=request.user, items=[item])[item.pk]
            messages.success(request, _("Evaluated: %(e)s eligible, %(u)s unknown, %(i)s not eligible.") % {
                "e": counts["eligible"], "u": counts["unknown"], "i": counts["ineligible"]})
        elif request.POST.get("action") == "publish":
            n = services.item_publish(actor=request.user, item=item)
            messages.success(request, _("%(n)s enterprises notified.") % {"n": n})
        return redirect(item.get_absolute_url())


class ItemEditView(LoginRequiredMixin, View):
    """The issuer edits an item and adds a rule version in the page (no code change)."""

    def _item(self, request, pk):
        item = PolicyItem.objects.select_related("policy").get_in_scope(request.user, pk)
        if not item.is_owned_by(request.user):
            raise Http404
        return item

    def _render(self, request, item, form, vform, status=200):
        return render(request, "policies/item_edit.html", {
            "object": item, "form": form, "vform": vform,
            "variables": sorted(VARIABLES.values(), key=lambda v: v.group)}, status=status)

    def get(self, request, pk):
        item = self._item(request, pk)
        v = item.version_on(timezone.localdate())
        initial = {"effective_from": timezone.localdate(), "period": v.period if v else "last_fiscal_year"}
        if v:
            for f in ("conditions", "exclusions", "amount", "params", "tests"):
                initial[f] = json.dumps(getattr(v, f), ensure_ascii=False, indent=1)
            initial["reference"] = v.reference
        return self._render(request, item, ItemForm(instance=item), VersionForm(initial=initial))

    def post(self, request, pk):
        item = self._item(request, pk)
        form = ItemForm(request.POST, instance=item)
        vform = VersionForm(request.POST) if request.POST.get("new_version") else None
        if form.is_valid() and (vform is None or vform.is_valid()):
            try:
                services.item_save(actor=request.user, item=item, data=form.cleaned_data)
                if vform is not None:
                    services.version_create(actor=request.user, item=item, **vform.cleaned_data)
            except ValidationError as exc:
                target = vform if vform is not None else form
                for field, errors in exc.message_dict.items():
                    target.add_error(field if field in target.fields else None, errors)
                return self._render(request, item, form, vform or VersionForm(), status=400)
            messages.success(request, _("Saved."))
            return redirect(item.get_absolute_url())
        return self._render(request, item, form, vform or VersionForm(), status=400)


class MyPoliciesView(LoginRequiredMixin, View):
    """The firm's policy page: every item it is eligible for (why, how much), the ones needing a figure (the short
    form), and for the others what it would need."""

    def get(self, request):
        if not request.user.enterprise_id:  # the page of the user's own firm: a firm's account only
            raise Http404
        page = services.firm_policy_page(actor=request.user)
        return render(request, "policies/my_policies.html", {**page, "enterprise": request.user.enterprise})


ACTION_FORMS = {"confirm": ConfirmForm, "decline": ReasonForm, "hold": ReasonForm, "clawback": ReasonForm,
                "pay": PayForm}


class EligibilityDetailView(LoginRequiredMixin, View):
    def _obj(self, request, pk):
        return selectors.eligibility_list(user=request.user).select_related("version").get_in_scope(request.user, pk)

    def get(self, request, pk, forms=None, status=200):
        obj = self._obj(request, pk)
        services.eligibility_mark_read(actor=request.user, eligibility=obj)
        allowed = [t for t in wf.allowed(obj, request.user)]
        action_forms = {t.name: (forms or {}).get(t.name) or (ACTION_FORMS[t.name]() if t.name in ACTION_FORMS
                                                              else None) for t in allowed if t.name != "supply"}
        supply = [VARIABLES[m] for m in obj.missing] if any(t.name == "supply" for t in allowed) else []
        return render(request, "policies/eligibility_detail.html", {
            "object": obj, "trace": services.eligibility_trace(obj), "steps": steps_for(obj),
            "actions": [(t, action_forms.get(t.name)) for t in allowed if t.name != "supply"],
            "supply": supply}, status=status)

    def post(self, request, pk):
        obj = self._obj(request, pk)
        step = request.POST.get("step", "")
        form = ACTION_FORMS[step](request.POST) if step in ACTION_FORMS else None
        if form is not None and not form.is_valid():
            return self.get(request, pk, forms={step: form}, status=400)
        data = form.cleaned_data if form is not None else {}
        calls = {
            "publish": lambda: services.eligibility_publish(actor=request.user, eligibility=obj),
            "confirm": lambda: services.eligibility_confirm(actor=request.user, eligibility=obj, **data),
            "decline": lambda: services.eligibility_decline(actor=request.user, eligibility=obj,
                                                            reason=data.get("reason", "")),
            "approve": lambda: services.eligibility_approve(actor=request.user, eligibility=obj),
            "pay": lambda: services.eligibility_pay(actor=request.user, eligibility=obj, amount=data.get("amount")),
            "hold": lambda: services.eligibility_hold(actor=request.user, eligibility=obj,
                                                      reason=data.get("reason", "")),
            "release": lambda: services.eligibility_release(actor=request.user, eligibility=obj),
            "clawback": lambda: services.eligibility_clawback(actor=request.user, eligibility=obj,
                                                              reason=data.get("reason", "")),
            "supply": lambda: services.eligibility_supply(
                actor=request.user, eligibility=obj,
                values={m: request.POST.get(m, "") for m in obj.missing}),
        }
        if step not in calls:
            raise Http404
        try:
            calls[step]()
        except ValidationError as exc:
            messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms)
                           if hasattr(exc, "error_dict") else " ".join(exc.messages))
            return redirect(reverse("policies:eligibility_detail", args=[obj.pk]))
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc.message))
            return redirect(reverse("policies:eligibility_detail", args=[obj.pk]))
        messages.success(request, str(wf[step].past))
        return redirect(reverse("policies:eligibility_detail", args=[obj.pk]))


class LedgerView(LoginRequiredMixin, View):
    def get(self, request):
        try:
            year = int(request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        by = request.GET.get("by") or "district"
        if by not in selectors.BY_FIELDS:
            by = "district"
        summary = selectors.ledger_summary(user=request.user, year=year, by=by)
        names = {}
        if by == "district":
            names = dict(District.objects.values_list("code", "name"))
        elif by == "industry":
            names = {k: f"{k} {v}" for k, v in IndustryDivision.objects.values_list("code", "name")}
        elif by == "policy":
            names = dict(Policy.objects.values_list("pk", "name"))
        elif by == "size":
            from .choices import Size

            names = {k: str(v) for k, v in Size.choices}
        for row in summary.get("breakdown", []):
            row["label"] = names.get(row["key"], row["key"] if row["key"] not in (None, "") else _("not attributed"))
        return render(request, "policies/ledger.html", {
            "summary": summary, "year": year, "by": by, "kinds": MeasureKind.choices,
            "by_choices": [("district", _("district")), ("industry", _("industry")), ("size", _("size")),
                           ("policy", _("policy")), ("month", _("month")), ("basis", _("basis"))],
            "may_import": can(request.user, "import", LedgerEntry)})


class LedgerImportPageView(ExcelImportView):
    importer_class = LedgerImporter
    template_filename = "burden_reduction_template.xlsx"
    success_url_name = "policies:ledger"
    title = heading = gettext_lazy("Import burden-reduction amounts")
    instructions = gettext_lazy("One row per amount: year, month, measure kind, basis (measured or estimated), "
                                "amount in 10k yuan, and as far as known district, industry, size and policy. "
                                "Nothing is imported while any row is wrong.")

    import_model = LedgerEntry



