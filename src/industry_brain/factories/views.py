"""Pages of future factories: the recognised list with statistics in the source's style and the map; the
applications (an enterprise applies, its district reviews, the city evaluates against the gates, publishes the
notice and recognises), each step through the workflow."""

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

from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.permissions import can
from industry_brain.core.workflow import steps_for

from . import selectors, services
from .forms import FactoryApplicationForm, StepForm
from .models import FactoryApplication, FactoryLevel, FactoryStatus, ListLevel
from .workflows import FACTORY_WORKFLOW

SOURCE_NAMES = {"future_factory": "未来工厂", "smart_factory": "智能工厂", "digital_workshop": "数字化车间"}
LIST_NAMES = {"provincial": "省级", "municipal": "市级"}


class FactoryListView(LoginRequiredMixin, View):
    def get(self, request):
        if not can(request.user, "view", FactoryApplication):  # departments see no factory (the model's scope)
            raise Http404
        stats = selectors.statistics(user=request.user)
        for r in stats:
            r["level_label"], r["list_label"] = FactoryLevel(r["level"]).label, ListLevel(r["list_level"]).label
        totals: dict[tuple, int] = {}
        for r in stats:
            totals[(r["list_level"], r["level"])] = totals.get((r["list_level"], r["level"]), 0) + r["n"]
        sentences = [f"累计认定{LIST_NAMES[lst]}{SOURCE_NAMES[lvl]}{n}家" for (lst, lvl), n in sorted(totals.items())]
        factories = list(selectors.recognised(user=request.user).order_by("-year", "level", "id")[:500])
        points = [{"name": f.enterprise.name, "level": f.level, "year": f.year, "lon": float(f.enterprise.lon),
                   "lat": float(f.enterprise.lat)} for f in factories if f.enterprise.lat is not None]
        config = {"boundaries": reverse("core:district_boundaries"), "points": points,
                  "labels": {k: str(v) for k, v in FactoryLevel.choices}}
        return render(request, "factories/factory_list.html", {
            "stats": stats, "sentences": sentences, "factories": factories,
            "map_json": json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")})


def _no_department(user):
    if not can(user, "view", FactoryApplication):  # departments see no factory (the model's scope)
        raise Http404


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for e in errs:
            form.add_error(field if field in form.fields else None, e)


OPERATORS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _number(v) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".") if isinstance(v, int | float) else "—"


def _readable(evaluation: dict) -> dict:
    """The stored gate results as a reader says them: 是/否 for yes-no figures, ≥ 4,000 for thresholds."""
    rows = []
    for i in evaluation.get("indicators", []):
        op, value, t = i.get("operator"), i.get("value"), i.get("threshold")
        if op in ("true", "false"):
            shown = "—" if value is None else (_("yes") if value == 1 else _("no"))
            required = _("yes") if op == "true" else _("no")
        else:
            shown, required = _number(value), f"{OPERATORS.get(op, op)} {_number(t)}"
        rows.append({**i, "value_display": shown, "required": required})
    return {**evaluation, "indicators": rows}


class ApplicationListView(LoginRequiredMixin, View):
    """Applications in the reader's scope (the firm its own), newest first, filtered by status and level."""

    def get(self, request):
        _no_department(request.user)
        qs = selectors.applications(user=request.user).order_by("-year", "-id")
        status, level = request.GET.get("status", ""), request.GET.get("level", "")
        if status in FactoryStatus.values:
            qs = qs.filter(status=status)
        if level in FactoryLevel.values:
            qs = qs.filter(level=level)
        return render(request, "factories/application_list.html", {
            "applications": qs[:200], "statuses": FactoryStatus.choices, "levels": FactoryLevel.choices,
            "status": status, "level": level, "may_add": can(request.user, "add", FactoryApplication)})


class ApplicationCreateView(LoginRequiredMixin, View):
    template_name = "factories/application_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _no_department(request.user)
            if not can(request.user, "add", FactoryApplication):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        year = timezone.localdate().year
        return render(request, self.template_name, {"form": FactoryApplicationForm(
            user=request.user, initial={"year": year, "completion_year": year - 1})})

    def post(self, request):
        form = FactoryApplicationForm(request.POST, user=request.user)
        if form.is_valid():
            data = {**form.cleaned_data}
            try:
                app = services.application_create(actor=request.user, data=data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Application filed."))
                return redirect(reverse("factories:application_detail", args=[app.pk]))
        return render(request, self.template_name, {"form": form}, status=400)


class ApplicationDetailView(LoginRequiredMixin, View):
    """One application: its figures, the gates as evaluated (rule set, each gate with its verification tag), the
    timeline, and a form for each step the reader may take now."""

    def _render(self, request, app, form=None, status=200):
        allowed = FACTORY_WORKFLOW.allowed(app, request.user)
        return render(request, "factories/application_detail.html", {
            "app": app, "steps": steps_for(app), "evaluation": _readable(app.evaluation or {}),
            "actions": [(t, form if form is not None and form.step == t.name else StepForm()) for t in allowed]},
            status=status)

    def get(self, request, pk):
        app = selectors.applications(user=request.user).get_in_scope(request.user, pk)
        return self._render(request, app)

    def post(self, request, pk):
        app = selectors.applications(user=request.user).get_in_scope(request.user, pk)
        step = request.POST.get("step", "")
        try:
            transition = FACTORY_WORKFLOW[step]
        except KeyError:
            raise PermissionDenied from None
        form = StepForm(request.POST)
        form.step = step
        form.is_valid()
        try:
            services.application_step(actor=request.user, application=app, action=step,
                                      note=form.cleaned_data.get("note", ""))
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self._render(request, app, form, status=400)
        except TransitionNotAllowed as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
            return self._render(request, app, status=409)
        messages.success(request, str(transition.past))
        return redirect(reverse("factories:application_detail", args=[app.pk]))
