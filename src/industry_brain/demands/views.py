"""Pages of the enterprise service: demands (list, raise, detail with timeline and the steps the user may
take), statistics with charts and Excel export, cadres with coverage, assignments with Excel import, visits,
systemic-problem alerts and the inbox."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from industry_brain.accounts import selectors as account_selectors
from industry_brain.chains.models import Chain
from industry_brain.core.excel import workbook_response
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.models import District
from industry_brain.core.permissions import can
from industry_brain.core.views import ExcelImportView, ObjectDetailView, ObjectListView, export_filename
from industry_brain.enterprises.models import Enterprise

from . import charts, selectors, services
from .filtersets import AssignmentFilterSet, CadreFilterSet, DemandFilterSet, SystemicAlertFilterSet, VisitFilterSet
from .forms import CohandleAnswerForm, DemandForm, VisitForm
from .importers import AssignmentImporter
from .models import (
    Assignment,
    Cadre,
    CoHandlingTask,
    Demand,
    DemandCategory,
    DemandDailyStat,
    SystemicAlert,
    Visit,
)
from .tables import AssignmentTable, CadreTable, DemandTable, SystemicAlertTable, VisitTable
from .workflows import COHANDLING, DEMAND, SYSTEMIC_ALERT

EXPORT_LIMIT = 200_000


def _errors_to_messages(request, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            messages.error(request, f"{field}: {' '.join(errs)}")
    else:
        messages.error(request, " ".join(exc.messages))


# ----------------------------------------------------------------------------------------------- demands

class DemandListView(ObjectListView):
    queryset = Demand.objects.select_related("enterprise", "category", "category__parent", "department", "district") \
        .only(*selectors.PAGE_LIST_FIELDS)
    filterset_class = DemandFilterSet
    table_class = DemandTable
    template_name = "demands/demand_list.html"

    @property
    def title(self):
        return _("Enterprise demands")

    def get_extra_context(self, request):
        return {"can_raise": can(request.user, "raise_demand", Enterprise), "export_query": request.GET.urlencode(),
                "can_stats": can(request.user, "view", DemandDailyStat)}


class DemandExportView(LoginRequiredMixin, View):
    """Excel export of the filtered demand list (what the user may see)."""

    def get(self, request):
        qs = selectors.demand_list(user=request.user).select_related("category__parent")
        fs = DemandFilterSet(request.GET or None, queryset=qs, request=request)
        qs = qs.none() if fs.is_bound and not fs.is_valid() else (fs.qs if fs.is_bound else qs)
        rows = ([d.pk, timezone.localtime(d.submitted_at).strftime("%Y-%m-%d %H:%M"), d.enterprise.name,
                 d.enterprise.uscc, d.district_id, d.district.name, d.category.code, str(d.category),
                 d.get_urgency_display(), d.title, d.get_status_display(), d.department.name if d.department_id else "",
                 d.due_date.isoformat() if d.due_date else "", d.resolved_on.isoformat() if d.resolved_on else "",
                 d.handling_days, "是" if d.on_time else ("否" if d.on_time is False else ""),
                 d.get_satisfaction_display() if d.satisfaction else "", d.transfer_count, d.reopen_count,
                 d.get_escalation_level_display()]
                for d in qs.order_by("-submitted_at", "-id")[:EXPORT_LIMIT].iterator(chunk_size=2000))
        headers = ["编号", "提交时间", "企业", "统一社会信用代码", "区县代码", "区县", "类别代码", "类别",
                   "紧急程度", "标题", "状态", "牵头部门", "办理期限", "办结日期", "办理工作日", "按期办结",
                   "企业评价", "转办次数", "重办次数", "升级督办"]
        return workbook_response(export_filename("企业诉求清单", fs), headers, rows)


class DemandCreateView(LoginRequiredMixin, View):
    template_name = "demands/demand_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "raise_demand", Enterprise):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        initial = {}
        if request.GET.get("enterprise", "").isdigit():
            initial["enterprise"] = int(request.GET["enterprise"])
        if request.GET.get("visit", "").isdigit():
            initial["visit"] = int(request.GET["visit"])
        form = DemandForm(user=request.user, initial=initial)
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = DemandForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                demand = services.demand_create(
                    actor=request.user, enterprise=form.enterprise_value(), category=data["category"],
                    urgency=data["urgency"], title=data["title"], description=data["description"],
                    visit=data.get("visit"), project_ref=data.get("project"),
                    attachments=[data["attachment"]] if data.get("attachment") else [])
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    target = field if field in form.fields else None
                    for e in errs:
                        form.add_error(target, e)
            else:
                messages.success(request, _("Demand raised. It is now waiting to be accepted."))
                if demand.is_flagged:
                    messages.warning(request, _("Similar demands were found; they are listed on the demand page."))
                return redirect(demand.get_absolute_url())
        return render(request, self.template_name, {"form": form}, status=400)


class DemandDetailView(ObjectDetailView):
    # What the page shows (who raised the demand is not shown: not joined, one relation fewer to plan).
    queryset = Demand.objects.select_related("enterprise", "category", "category__parent", "department", "district",
                                             "handler", "cadre", "visit", "chain", "chain_node")
    template_name = "demands/demand_detail.html"

    def get_extra_context(self, request, obj):
        user = request.user
        allowed = DEMAND.allowed(obj, user)
        actions = [t.name for t in allowed]
        forms = {t.name: t.form_class(prefix=t.name) for t in allowed}
        tasks = list(obj.cohandling_tasks.select_related("department"))
        for t in tasks:
            t.demand = obj
            t.can_answer = "answer" in COHANDLING.allowed_names(t, user)
        # Similar demands and systemic alerts are shown only to those who may compare firms: not read otherwise.
        may_compare = can(user, "view_similar", obj)
        return {
            "actions": actions,
            "action_forms": forms,
            "steps": obj.steps.select_related("department", "actor__organisation").order_by("at", "id"),
            "may_compare": may_compare,
            "flags": selectors.visible_flags(user=user, demand=obj) if may_compare else [],
            "tasks": tasks,
            "answer_form": CohandleAnswerForm(),
            "attachments": obj.attachments.all(),
            "overdue": obj.is_overdue(timezone.localdate()),
            "alerts": obj.systemic_alerts.restrict(user, "view").select_related(*SystemicAlert.LABEL_RELATED)
            if may_compare else [],
        }


class DemandActionView(LoginRequiredMixin, View):
    """POST /demands/<pk>/<action>/: one workflow step from the detail page's forms."""

    def post(self, request, pk, action):
        if action not in DEMAND.transitions:
            raise Http404
        demand = selectors.demand_list(user=request.user).filter(pk=pk).first()
        if demand is None:
            raise Http404
        form = DEMAND[action].form_class(request.POST, prefix=action)
        if not form.is_valid():
            for field, errs in form.errors.items():
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: "
                                        f"{' '.join(errs)}")
            return redirect(demand.get_absolute_url())
        try:
            services.demand_transition(actor=request.user, demand=demand, action=action, data=form.cleaned_data)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc.message))
            return redirect(demand.get_absolute_url())
        except ValidationError as exc:
            _errors_to_messages(request, exc)
            return redirect(demand.get_absolute_url())
        messages.success(request, _("Done: %(step)s.") % {"step": DEMAND[action].past})
        if not selectors.demand_list(user=request.user).filter(pk=pk).exists():
            return redirect("demands:demand_list")  # e.g. transferred away from the caller's department
        return redirect(demand.get_absolute_url())


class CohandleAnswerView(LoginRequiredMixin, View):
    def post(self, request, pk):
        task = CoHandlingTask.objects.select_related("demand").get_in_scope(request.user, pk)
        form = CohandleAnswerForm(request.POST)
        if form.is_valid():
            try:
                services.demand_cohandle_answer(actor=request.user, task=task, response=form.cleaned_data["response"])
                messages.success(request, _("Answer recorded."))
            except TransitionNotAllowed as exc:
                messages.error(request, str(exc.message))
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("You may not do this."))
        else:
            messages.error(request, _("Write the answer."))
        return redirect(task.demand.get_absolute_url())


# -------------------------------------------------------------------------------------------- statistics

def _stats_filters(request) -> dict:
    g = request.GET
    out: dict = {}
    for key in ("from", "to"):
        try:
            out[key] = dt.date.fromisoformat(g.get(key, "")) if g.get(key) else None
        except ValueError:
            out[key] = None
    out["district"] = g.get("district") or None
    out["category"] = g.get("category") or None
    out["department"] = int(g["department"]) if g.get("department", "").isdigit() else None
    out["chain"] = int(g["chain"]) if g.get("chain", "").isdigit() else None
    return out


def _stats_qs(request, f: dict):
    return selectors.stats_rows(user=request.user, date_from=f["from"], date_to=f["to"], district=f["district"],
                                category=f["category"], department=f["department"], chain=f["chain"])


class DemandStatsView(LoginRequiredMixin, View):
    template_name = "demands/demand_stats.html"

    def get(self, request):
        user = request.user
        if not can(user, "view", DemandDailyStat):
            raise Http404
        f = _stats_filters(request)
        qs = _stats_qs(request, f)
        overview = selectors.stats_overview(qs, limits={"cadre": 15})
        summary, months = overview["summary"], overview["month"]
        by_category, by_department, by_district = overview["category"], overview["department"], overview["district"]
        by_chain, by_cadre = overview["chain"], overview["cadre"]
        ctx = {
            "summary": summary, "filters": f, "query": request.GET.urlencode(),
            "by_category": by_category, "by_department": by_department, "by_district": by_district,
            "by_chain": by_chain, "by_cadre": by_cadre, "months": months,
            "trend_json": json.dumps(charts.trend(months), ensure_ascii=False),
            "category_json": json.dumps(charts.categories(by_category), ensure_ascii=False),
            "department_json": json.dumps(charts.departments(by_department), ensure_ascii=False),
            "districts": District.objects.all(),
            "category_choices": DemandCategory.objects.filter(parent__isnull=True).order_by("order"),
            "department_choices": account_selectors.departments(),
            "chain_choices": Chain.objects.order_by("ecosystem_id", "name"),
        }
        return render(request, self.template_name, ctx)


class DemandStatsExportView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        if not can(user, "view", DemandDailyStat):
            raise Http404
        qs = _stats_qs(request, _stats_filters(request))
        headers = ["维度", "名称", "收集", "办结", "办结率%", "按期办结率%", "平均办理工作日", "评价数",
                   "满意率%", "重办", "重办率%", "转办", "升级督办"]
        rows = []
        total = selectors.stats_summary(qs)
        dims = [("合计", [{"label": "全部", **total}])]
        for dim, label in (("month", "月份"), ("category", "类别"), ("department", "牵头部门"), ("district", "区县"),
                           ("chain", "产业链"), ("cadre", "助企干部")):
            dims.append((label, selectors.stats_breakdown(qs, dim)))
        for label, items in dims:
            for r in items:
                rows.append([label, r["label"], r["collected"], r["resolved"], r["resolution_rate"], r["on_time_rate"],
                             r["avg_handling_days"], r["rated"], r["satisfaction_rate"], r["reopened"],
                             r["reopen_rate"], r["transferred"], r["escalated"]])
        notes = [["办结率", "办结（已办结或已关闭）÷ 收集"], ["按期办结率", "在办理期限内办结 ÷ 办结"],
                 ["满意率", "（满意 + 基本满意）÷ 已评价"], ["重办率", "因不满意重新办理过的诉求 ÷ 收集"],
                 ["平均办理工作日", "从提交到办结的法定工作日之和 ÷ 办结"],
                 ["口径", "按提交日期统计的诉求批次，状态为当前状态"]]
        return workbook_response("企业诉求统计.xlsx", headers, rows, notes=notes)


# ------------------------------------------------------------------------------- cadres and assignments

class CadreListView(ObjectListView):
    queryset = Cadre.objects.select_related("organisation")
    filterset_class = CadreFilterSet
    table_class = CadreTable
    template_name = "demands/cadre_list.html"

    @property
    def title(self):
        return _("Cadres serving enterprises")

    def get_queryset(self, request):
        return selectors.cadre_list(user=request.user)

    def get_extra_context(self, request):
        if not can(request.user, "organise_service", Enterprise):
            return {"coverage": None}
        return {"coverage": selectors.coverage(user=request.user, above_scale_only=True)}


class CadreDetailView(ObjectDetailView):
    queryset = Cadre.objects.select_related("organisation", "user")
    template_name = "demands/cadre_detail.html"

    def get_extra_context(self, request, obj):
        return {
            "assignments": obj.assignments.select_related("enterprise", "enterprise__district").order_by(
                "ended_on", "enterprise__name")[:200],
            "visits": obj.visits.select_related("enterprise")[:20],
            "demands": selectors.demand_list(user=request.user).filter(cadre=obj)[:20],
            "stats": selectors.stats_summary(selectors.stats_queryset(user=request.user, cadre=obj.pk))
            if can(request.user, "view", DemandDailyStat) else None,
        }


class AssignmentListView(ObjectListView):
    queryset = Assignment.objects.select_related("cadre", "enterprise", "enterprise__district")
    filterset_class = AssignmentFilterSet
    table_class = AssignmentTable
    template_name = "demands/assignment_list.html"

    @property
    def title(self):
        return _("Cadre assignments")

    def get_extra_context(self, request):
        return {"can_import": can(request.user, "organise_service", Enterprise)}


class AssignmentImportView(ExcelImportView):
    importer_class = AssignmentImporter
    template_filename = "助企干部结对导入模板.xlsx"
    success_url_name = "demands:assignment_list"
    title = gettext_lazy("Import assignments")
    heading = gettext_lazy("Import cadre assignments from Excel")
    instructions = gettext_lazy(
        "One row per cadre and enterprise: the cadre's number, the enterprise's credit code and the "
        "start date. Every row is checked first: if any row is wrong, nothing is written and each wrong "
        "row is listed.")

    def allowed(self, user) -> bool:
        return can(user, "organise_service", Enterprise)

    def success_message(self, result) -> str:
        return _("Import finished: %(c)s assignments created.") % {"c": result.created}


class VisitListView(ObjectListView):
    queryset = Visit.objects.select_related("cadre", "enterprise")
    filterset_class = VisitFilterSet
    table_class = VisitTable
    template_name = "demands/visit_list.html"

    @property
    def title(self):
        return _("Visits")

    def get_extra_context(self, request):
        return {"can_log": can(request.user, "log_visit", Enterprise)}


class VisitCreateView(LoginRequiredMixin, View):
    template_name = "demands/visit_form.html"

    def get(self, request):
        initial = {"enterprise": request.GET.get("enterprise")} if request.GET.get("enterprise") else {}
        return render(request, self.template_name, {"form": VisitForm(user=request.user, initial=initial)})

    def post(self, request):
        form = VisitForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                visit = services.visit_create(actor=request.user, enterprise=d["enterprise"], date=d["date"],
                                              mode=d["mode"], notes=d["notes"], cadre=d.get("cadre"))
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    for e in errs:
                        form.add_error(field if field in form.fields else None, e)
            else:
                messages.success(request, _("Visit logged."))
                if request.POST.get("raise_demand"):
                    return redirect(f"{reverse('demands:demand_add')}?enterprise={visit.enterprise_id}"
                                    f"&visit={visit.pk}")
                return redirect("demands:visit_list")
        return render(request, self.template_name, {"form": form}, status=400)


# ---------------------------------------------------------------------------------- alerts and the inbox

class SystemicAlertListView(ObjectListView):
    queryset = SystemicAlert.objects.select_related(*SystemicAlert.LABEL_RELATED)
    filterset_class = SystemicAlertFilterSet
    table_class = SystemicAlertTable

    @property
    def title(self):
        return _("Systemic-problem alerts")


class SystemicAlertDetailView(ObjectDetailView):
    queryset = SystemicAlert.objects.select_related(*SystemicAlert.LABEL_RELATED)
    template_name = "demands/alert_detail.html"

    def get_extra_context(self, request, obj):
        return {"demands": obj.demands.select_related("enterprise", "department").order_by("submitted_at"),
                "can_acknowledge": "acknowledge" in SYSTEMIC_ALERT.allowed_names(obj, request.user)}

    def post(self, request, pk):
        alert = self.get_object(request, pk)
        try:
            services.systemic_alert_acknowledge(actor=request.user, alert=alert, note=request.POST.get("note", ""))
            messages.success(request, _("Alert acknowledged."))
        except (PermissionDenied, TransitionNotAllowed) as exc:
            messages.error(request, str(getattr(exc, "message", exc)) or _("You may not do this."))
        return redirect(alert.get_absolute_url())


class InboxView(LoginRequiredMixin, View):
    template_name = "demands/inbox.html"

    def get(self, request):
        qs = selectors.inbox(user=request.user).select_related("demand")
        unread_only = request.GET.get("unread") == "1"
        if unread_only:
            qs = qs.filter(read_at__isnull=True)
        from django.core.paginator import Paginator

        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render(request, self.template_name, {
            "page_obj": page, "unread_only": unread_only, "query_without_page": "unread=1" if unread_only else "",
            "unread": selectors.inbox(user=request.user).filter(read_at__isnull=True).count()})

    def post(self, request):
        qs = selectors.inbox(user=request.user)
        if request.POST.get("id", "").isdigit():
            qs = qs.filter(pk=int(request.POST["id"]))
        services.notification_mark_read(actor=request.user, notifications=qs)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            target = reverse("demands:inbox")  # only back into this site (no open redirect)
        return redirect(target)
