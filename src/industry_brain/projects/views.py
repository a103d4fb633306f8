"""Pages of the investment project platform: list, detail (timeline, investment curve, warnings, supervision,
change log), create/edit, milestone and report entry, the one map, the dashboard, warnings, supervision
inboxes, rules, and the Excel import of progress reports."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from industry_brain.core.events import events_for
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.permissions import can, ensure_can
from industry_brain.core.views import ExcelImportView, ObjectDetailView, ObjectListView

from . import charts, selectors, services
from .choices import Milestone, Stage, WarningLevel
from .filtersets import ProjectFilterSet, SupervisionFilterSet, WarningFilterSet
from .forms import MilestoneForm, ProgressReportForm, ProjectForm, RespondForm, ReviewForm, RuleForm
from .importers import ProgressReportImporter
from .models import ProgressReport, Project, ProjectWarning, SupervisionOrder, WarningRule
from .rules import THRESHOLD_LABELS
from .tables import ProjectTable, SupervisionTable, WarningTable
from .workflows import SUPERVISION


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return " ".join(f"{m}" for errs in exc.message_dict.values() for m in errs)
        return " ".join(exc.messages)
    return str(getattr(exc, "message", "") or exc)


def _visible_project(request, pk) -> Project:
    return Project.objects.get_in_scope(request.user, pk)


class ProjectListView(ObjectListView):
    filterset_class = ProjectFilterSet
    table_class = ProjectTable
    template_name = "projects/project_list.html"

    @property
    def title(self):
        return _("Investment projects")

    def get_queryset(self, request):
        return selectors.project_list(user=request.user)

    def get_extra_context(self, request):
        return {"can_add": can(request.user, "add", Project), "query": request.GET.urlencode()}


class ProjectDetailView(ObjectDetailView):
    queryset = Project.objects.select_related("district", "enterprise", "ecosystem", "chain", "industry",
                                              "responsible_org")
    template_name = "projects/project_detail.html"

    def get_object(self, request, pk):
        return charts.mark_visible(super().get_object(request, pk), request.user)

    def get_extra_context(self, request, obj):
        user = request.user
        today = timezone.localdate()
        milestones = charts.milestone_rows(user=user, project=obj, today=today)
        timeline = charts.timeline(milestones=milestones, today=today)
        curve_chart = charts.investment_curve(user=user, project=obj, today=today)
        can_change = can(user, "change", obj)
        plans = list(obj.plans.order_by("year"))
        plan = next((p for p in plans if p.year == today.year), None)
        return {
            "milestones": milestones,
            "timeline_json": json.dumps(timeline, ensure_ascii=False),
            "curve_json": json.dumps(curve_chart, ensure_ascii=False),
            "reports": obj.reports.select_related(*(f"reported_by__{r}" for r in selectors.PERSON))
                       .order_by("-period")[:24],
            "warnings": selectors.project_warnings(project=obj),
            "supervisions": selectors.project_supervisions(project=obj),
            "events": events_for(obj, 30),
            "records": obj.milestone_records.select_related(*(f"recorded_by__{r}" for r in selectors.PERSON))
                       .order_by("-date", "-id")[:20],
            "can_change": can_change,
            "can_edit_profile": can(user, "change_profile", obj),
            "milestone_form": MilestoneForm(initial={"date": today}) if can_change else None,
            "report_form": ProgressReportForm(initial={"period": today.strftime("%Y-%m")}) if can_change else None,
            "plan": plan,
            "plans": plans,
        }


class ProjectFormView(LoginRequiredMixin, View):
    """Register (no pk) or edit (pk) a project through the services (city and district bureaus)."""

    template_name = "projects/project_form.html"

    def _object(self, request, pk):
        if pk is None:
            ensure_can(request.user, "add", Project)
            return None
        obj = _visible_project(request, pk)
        ensure_can(request.user, "change_profile", obj)
        return obj

    def get(self, request, pk=None):
        obj = self._object(request, pk)
        initial = {}
        if obj is None and request.user.district_code:  # a district bureau registers in its own district
            initial["district"] = request.user.district_code
        if obj is not None:
            plan = obj.plans.filter(year=timezone.localdate().year).first()
            initial["annual_plan"] = plan.amount if plan else None
        return render(request, self.template_name, {"form": ProjectForm(instance=obj, initial=initial), "object": obj})

    def post(self, request, pk=None):
        obj = self._object(request, pk)
        form = ProjectForm(request.POST, instance=Project.objects.get(pk=obj.pk) if obj else None)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in form.changed_data if k in form.cleaned_data} if obj else {
                k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                if obj is None:
                    obj = services.project_create(actor=request.user, data=data)
                    messages.success(request, _("Project registered."))
                else:
                    obj = services.project_update(actor=request.user, project=obj, data=data)
                    messages.success(request, _("Changes saved."))
                return redirect(obj.get_absolute_url())
            except (ValidationError, TransitionNotAllowed, PermissionDenied) as exc:
                if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                    for field, errs in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    form.add_error(None, _error_text(exc))
        return render(request, self.template_name, {"form": form, "object": obj}, status=400)


class MilestoneRecordView(LoginRequiredMixin, View):
    """Record a milestone's actual date (with optional evidence): enters the milestone's stage."""

    def post(self, request, pk):
        project = _visible_project(request, pk)
        form = MilestoneForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Check the milestone form: %(e)s") % {"e": form.errors.as_text()})
            return redirect(project.get_absolute_url())
        d = form.cleaned_data
        try:
            services.project_record_milestone(actor=request.user, project=project, milestone=d["milestone"],
                                              date=d["date"], note=d["note"], evidence=d.get("evidence"))
            messages.success(request, _("%(m)s recorded.") % {"m": Milestone(d["milestone"]).label})
        except (ValidationError, TransitionNotAllowed, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect(project.get_absolute_url())


class ProgressReportCreateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        project = _visible_project(request, pk)
        form = ProgressReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Check the report form: %(e)s") % {"e": form.errors.as_text()})
            return redirect(project.get_absolute_url())
        d = form.cleaned_data
        try:
            services.progress_report_submit(actor=request.user, project=project, period=d["period"],
                                            investment=d["investment"], milestone=d["milestone"],
                                            physical_progress=d["physical_progress"], problems=d["problems"],
                                            note=d["note"])
            messages.success(request, _("Progress report saved."))
        except (ValidationError, TransitionNotAllowed, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect(project.get_absolute_url())


class ProjectMapView(LoginRequiredMixin, View):
    """The one map (一张图): districts, projects as points coloured by warning level or stage and sized by
    investment; data from GET /api/v1/projects/map/ with the page's filters."""

    def get(self, request):
        filterset = ProjectFilterSet(request.GET or None, queryset=Project.objects.none(), request=request)
        config = {
            "boundaries": reverse("core:district_boundaries"),
            "source": reverse("project-map"),
            "districts": reverse("projects:project_map_districts"),
            "detail": reverse("projects:project_detail", args=[0]),
            "card": reverse("projects:project_map_card", args=[0]),
            "levelColors": charts.LEVEL_COLORS, "stageColors": charts.STAGE_COLORS,
            "levels": {v: str(lbl) for v, lbl in WarningLevel.choices},
            "stages": {v: str(lbl) for v, lbl in Stage.choices},
            "labels": {"investment": _("Total investment (10k yuan)"), "stage": _("Stage"), "level": _("Warning"),
                       "open": _("Open the project page"), "projects": _("projects"), "count": _("Projects"),
                       "sum": _("Investment (10k yuan)"), "shown": _("projects shown"),
                       "yuan": _("10k yuan"), "list": _("Projects on the map"), "more": _("more on the list page")},
            "list": reverse("projects:project_list"),
        }
        return render(request, "projects/project_map.html", {
            "filter_form": filterset.form, "config_json": json.dumps(config, ensure_ascii=False)})


class ProjectMapCardView(LoginRequiredMixin, View):
    """The map's project card (an HTML fragment): stage, investment, why it is warned (the facts as a sentence)
    and where its supervision stands. Out of scope: 404 like everywhere."""

    def get(self, request, pk):
        project = Project.objects.select_related("district", "enterprise").get_in_scope(request.user, pk)
        warnings = project.warnings.filter(cleared_at__isnull=True).select_related("rule").order_by("-level")
        orders = project.supervisions.exclude(status="closed").order_by("-pk")[:3]
        return render(request, "projects/_map_card.html", {"project": project, "warnings": warnings,
                                                           "orders": orders})


class ProjectMapDistrictsView(LoginRequiredMixin, View):
    """Per-district counts and investment of the filtered projects (the map's district shading)."""

    def get(self, request):
        return JsonResponse({"districts": charts.map_districts(user=request.user, params=request.GET,
                                                                request=request)},
                            json_dumps_params={"ensure_ascii": False})


class DashboardView(LoginRequiredMixin, View):
    def get(self, request):
        built = charts.dashboard(user=request.user)
        return render(request, "projects/dashboard.html", {
            "data": built["data"], "stage_json": json.dumps(built["stage"], ensure_ascii=False),
            "district_json": json.dumps(built["district"], ensure_ascii=False),
            "eco_json": json.dumps(built["ecosystem"], ensure_ascii=False)})


class WarningListView(ObjectListView):
    queryset = ProjectWarning.objects.select_related("project", "rule")
    filterset_class = WarningFilterSet
    table_class = WarningTable

    @property
    def title(self):
        return _("Project warnings")


class SupervisionListView(ObjectListView):
    queryset = SupervisionOrder.objects.select_related("project", "warning__rule", "unit")
    filterset_class = SupervisionFilterSet
    table_class = SupervisionTable

    @property
    def title(self):
        return _("Supervision orders")


class SupervisionDetailView(ObjectDetailView):
    queryset = SupervisionOrder.objects.select_related("project", "project__district", "warning__rule", "unit")
    template_name = "projects/supervision_detail.html"

    def get_extra_context(self, request, obj):
        user = request.user
        allowed = SUPERVISION.allowed_names(obj, user)
        can_respond = "respond" in allowed
        can_review = "accept" in allowed or "reject" in allowed
        return {"allowed_actions": allowed,
                "responses": obj.responses.select_related("responded_by", "reviewed_by").order_by("responded_at"),
                "respond_form": RespondForm() if can_respond else None,
                "review_form": ReviewForm() if can_review else None,
                "events": events_for(obj, 30), "today": timezone.localdate()}

    def post(self, request, pk):
        order = self.get_object(request, pk)
        try:
            if request.POST.get("action") == "respond":
                form = RespondForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors.as_text())
                services.supervision_respond(actor=request.user, order=order, **form.cleaned_data)
                messages.success(request, _("Response submitted."))
            else:
                form = ReviewForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors.as_text())
                services.supervision_review(actor=request.user, order=order,
                                            accept=form.cleaned_data["decision"] == "accept",
                                            comment=form.cleaned_data["comment"])
                messages.success(request, _("Review recorded."))
        except (ValidationError, TransitionNotAllowed, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect(order.get_absolute_url())


class RuleListView(LoginRequiredMixin, View):
    def get(self, request):
        rules = WarningRule.objects.restrict(request.user, "view").prefetch_related("versions").order_by("code")
        counts = dict(ProjectWarning.objects.restrict(request.user, "view").filter(cleared_at__isnull=True)
                      .order_by().values_list("rule_id").annotate(n=Count("id")))
        rows = [{"rule": r, "active": counts.get(r.pk, 0),
                 "thresholds": [(str(THRESHOLD_LABELS.get(k, k)), v) for k, v in r.thresholds.items()]}
                for r in rules]
        return render(request, "projects/rule_list.html",
                      {"rows": rows, "can_edit": can(request.user, "change", WarningRule),
                       "can_evaluate": can(request.user, "evaluate", WarningRule)})


class RuleEditView(LoginRequiredMixin, View):
    def _rule(self, request, pk):
        ensure_can(request.user, "change", WarningRule)
        rule = WarningRule.objects.filter(pk=pk).first()
        if rule is None:
            raise Http404
        return rule

    def get(self, request, pk):
        rule = self._rule(request, pk)
        form = RuleForm(initial={"name": rule.name, "description": rule.description, "source": rule.source,
                                 "level": rule.level, "is_active": rule.is_active,
                                 "thresholds": json.dumps(rule.thresholds, ensure_ascii=False)})
        return render(request, "projects/rule_form.html", {"rule": rule, "form": form})

    def post(self, request, pk):
        rule = self._rule(request, pk)
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                services.rule_update(actor=request.user, rule=rule, data=form.cleaned_data)
                messages.success(request, _("Rule saved as a new version; it applies from the next evaluation."))
                return redirect("projects:rule_list")
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
        return render(request, "projects/rule_form.html", {"rule": rule, "form": form}, status=400)


class EvaluateNowView(LoginRequiredMixin, View):
    def post(self, request):
        ensure_can(request.user, "evaluate", WarningRule)
        counts = services.warning_evaluate_all(actor=request.user)
        messages.success(request, _("Evaluation finished: %(o)s opened, %(e)s escalated, %(c)s cleared; "
                                    "%(r)s red and %(y)s yellow active.") % {
            "o": counts["opened"], "e": counts["escalated"], "c": counts["cleared"], "r": counts["active_red"],
            "y": counts["active_yellow"]})
        return redirect("projects:rule_list")


class ProgressReportImportView(ExcelImportView):
    importer_class = ProgressReportImporter

    def allowed(self, user) -> bool:
        return can(user, "import", ProgressReport)

    template_filename = "项目月度进度导入模板.xlsx"
    success_url_name = "projects:project_list"
    title = gettext_lazy("Import monthly reports")
    heading = gettext_lazy("Import monthly progress reports from Excel")
    instructions = gettext_lazy(
        "1. Download the template and fill one project and month per row (keep the header row); a "
        "district can report all its projects at once. 2. Upload it. Every row is checked first: if "
        "any row is wrong, nothing is written and each wrong row is listed with its number and reason. "
        "A month already reported is corrected.")
