"""Pages: the cockpit (city, district, ecosystem), the breakdown of a figure with the firms behind it, the indicator
tables, monthly reports (form, correction, import, completeness), the enterprise's own position and the briefings.
Every page reads the stored indicator table through the selectors (out of scope: 404)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from industry_brain.core.permissions import can
from industry_brain.core.views import ExcelImportView

from . import briefing as briefing_mod
from . import selectors, services
from .definitions import BY_FIELD, DEFINITIONS, INVESTMENT
from .importers import HEADERS, MonthlyReportImporter
from .models import Briefing, BriefingStatus, Dimension, MonthlyReport

HEADLINE = ["va_cum", "va_growth_cum", "va_growth_month", "output_cum", "sales_ratio_cum", "export_cum",
            "revenue_cum", "profit_cum", "loss_share", "electricity_cum"]


def _period(request, user):
    value = request.GET.get("period")
    if value:
        try:
            return services.parse_period(value)
        except ValidationError:
            raise Http404 from None
    period = selectors.latest_period(user=user)
    if period is None:
        raise Http404
    return period


def _breakdown_url(dimension, key, period):
    return reverse("monitoring:breakdown", args=[dimension, key]) + f"?period={period:%Y-%m}"


def _bar(rows, field, period, unit="%"):
    return {
        "tooltip": {"trigger": "axis"}, "grid": {"left": 50, "right": 16, "top": 24, "bottom": 70},
        "xAxis": {"type": "category", "data": [r.label for r in rows], "axisLabel": {"rotate": 35}},
        "yAxis": {"type": "value", "name": unit},
        "series": [{"type": "bar", "data": [
            {"value": None if getattr(r, field) is None else round(getattr(r, field), 2),
             "itemStyle": {"color": "#2f6fb3" if (getattr(r, field) or 0) >= 0 else "#c43a31"}} for r in rows]}],
        "links": [_breakdown_url(r.dimension, r.key, period) for r in rows],
    }


def _growth_map(districts, period) -> dict:
    """The districts shaded by growth, an ECharts option drawn through the chart rules (`|chart`: one decimal, the
    unit on the colour scale); the page's script loads the boundaries and names the areas by their codes."""
    values = [r.va_growth_cum for r in districts if r.va_growth_cum is not None]
    label = _("Growth 1—N (%)")
    return {
        "boundaries": reverse("core:district_boundaries"),
        "tooltip": {"trigger": "item"},
        "visualMap": {"min": min([*values, 0.0]), "max": max([*values, 1.0]), "left": 8, "bottom": 8,
                      "text": [label, ""], "calculable": True, "inRange": {"color": ["#c43a31", "#f3e3c3", "#2f6fb3"]}},
        "series": [{"type": "map", "map": "ib-cockpit", "name": label, "unit": "%", "roam": False,
                    # the small central districts' names would overlap: those that collide are left to the tooltip
                    "label": {"show": True, "fontSize": 11}, "labelLayout": {"hideOverlap": True},
                    "data": [{"code": r.key, "name": r.label, "value": r.va_growth_cum,
                              "url": _breakdown_url("district", r.key, period)} for r in districts]}],
    }


# A large screen reads money in 亿元 and electricity in 亿千瓦时; the tables and the API keep the stored 万 units.
LARGE_UNITS = {"va_cum": gettext_lazy("100 million yuan"), "output_cum": gettext_lazy("100 million yuan"),
               "export_cum": gettext_lazy("100 million yuan"), "revenue_cum": gettext_lazy("100 million yuan"),
               "profit_cum": gettext_lazy("100 million yuan"), "electricity_cum": gettext_lazy("100 million kWh")}


def _headline(definition, value) -> tuple:
    """(definition, value to show, unit to show) of a headline figure."""
    large = LARGE_UNITS.get(definition.field)
    if large is not None and value is not None:
        return definition, value / 10_000, large
    return definition, value, definition.unit


class CockpitView(LoginRequiredMixin, View):
    """驾驶舱 of the city (`dimension` city), a district or an ecosystem: headline figures with growth and rank,
    24-month trends, the district map (city), breakdowns, top movers and warnings of the other modules."""

    def get(self, request, dimension="city", key="all"):
        user = request.user
        # The menu's cockpit is the reader's own: a district's for its officers, an ecosystem's for its work team
        # (shown here, not redirected, so that the menu entry opens a page). A default view, granting nothing: every
        # row is read through the indicator scope below.
        if dimension == "city" and not user.is_city and user.role == "district":
            dimension, key = "district", user.district_code
        elif dimension == "city" and not user.is_city and user.role == "chain_team":
            dimension, key = "ecosystem", str(user.ecosystem_id)
        period = _period(request, user)
        row = selectors.indicator_row(user=user, period=period, dimension=dimension, key=key)
        trend = selectors.series(user=user, dimension=dimension, key=key, end=period)
        trend_chart = {
            "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
            "grid": {"left": 50, "right": 16, "top": 36, "bottom": 40},
            "xAxis": {"type": "category", "data": [r.period.strftime("%Y-%m") for r in trend]},
            "yAxis": {"type": "value", "name": "%"},
            "series": [{"name": _("Cumulative growth (comparable prices)"), "type": "line",
                        "data": [None if r.va_growth_cum is None else round(r.va_growth_cum, 2) for r in trend]},
                       {"name": _("Growth of the month"), "type": "line",
                        "data": [None if r.va_growth_month is None else round(r.va_growth_month, 2) for r in trend]}],
        }
        ctx = {"row": row, "period": period, "dimension": dimension, "key": key,
               "headline": [_headline(BY_FIELD[f], getattr(row, f)) for f in HEADLINE],
               "trend_json": json.dumps(trend_chart, ensure_ascii=False),
               "warnings": selectors.cockpit_warnings(user=user, dimension=dimension, key=key),
               "project_filter": {"district": f"district={key}", "ecosystem": f"ecosystem={key}"}.get(dimension, ""),
               # stored by the indicator run: no aggregation of reports or projects at request time
               "movers": selectors.top_movers(user=user, dimension=dimension, key=key, period=period),
               "investment": selectors.investment_growth(row=row), "investment_defs": INVESTMENT,
               "supply": selectors.supply_risk(user=user, dimension=dimension, key=key),
               "breakdown_url": _breakdown_url(dimension, key, period)}
        panels = []
        if dimension == "city":
            tables = {}
            for dim, title in ((Dimension.DISTRICT, _("By district")), (Dimension.ECOSYSTEM, _("By ecosystem")),
                               (Dimension.CHAIN, _("By chain")), (Dimension.INDUSTRY, _("By industry division")),
                               (Dimension.SCHEME, _("New momentum")), (Dimension.SIZE, _("By size band"))):
                rows = tables[dim] = selectors.indicator_table(user=user, period=period, by=dim)
                panels.append({"id": dim, "title": title, "rows": rows[:15],
                               "chart": _bar(rows[:15], "va_growth_cum", period)})
            districts = tables[Dimension.DISTRICT]
            ctx["map"] = _growth_map(districts, period)
        elif dimension == "ecosystem":
            rows = selectors.indicator_table(user=user, period=period, by=Dimension.CHAIN)
            from industry_brain.chains.models import Chain

            mine = {str(pk) for pk in Chain.objects.filter(ecosystem_id=key).values_list("pk", flat=True)}
            rows = [r for r in rows if r.key in mine]
            panels.append({"id": "chain", "title": _("By chain"), "rows": rows,
                           "chart": _bar(rows, "va_growth_cum", period)})
        ctx["panels"] = panels
        return render(request, "monitoring/cockpit.html", ctx)


class BreakdownView(LoginRequiredMixin, View):
    """One group's figures with formula, unit and source beside each, and the firms behind them (within scope)."""

    def get(self, request, dimension, key):
        user = request.user
        period = _period(request, user)
        row = selectors.indicator_row(user=user, period=period, dimension=dimension, key=key)
        firms = selectors.group_reports(user=user, dimension=dimension, key=key, period=period) \
            .order_by("-output_value")[:100]
        return render(request, "monitoring/breakdown.html", {
            "row": row, "period": period, "figures": [(d, getattr(row, d.field)) for d in DEFINITIONS],
            "firms": firms, "cockpit": self.cockpit_url(dimension, key, period)})

    @staticmethod
    def cockpit_url(dimension, key, period):
        names = {"city": ("monitoring:cockpit", []), "district": ("monitoring:cockpit_district", [key]),
                 "ecosystem": ("monitoring:cockpit_ecosystem", [key])}
        if dimension not in names:
            return ""
        name, args = names[dimension]
        return reverse(name, args=args) + f"?period={period:%Y-%m}"


class IndicatorTableView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        period = _period(request, user)
        by = request.GET.get("by", "district")
        rows = selectors.indicator_table(user=user, period=period, by=by)
        if not rows:
            raise Http404
        return render(request, "monitoring/indicators.html", {
            "rows": rows, "period": period, "by": by, "definitions": DEFINITIONS,
            "dimensions": [d for d in Dimension if d != Dimension.CITY]})


# ------------------------------------------------------------------------------------------- reports

class ReportForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("Month"), help_text=gettext_lazy("YYYY-MM"))
    output_value = forms.DecimalField(label=HEADERS["output_value"], max_digits=14, decimal_places=2, min_value=0)
    sales_value = forms.DecimalField(label=HEADERS["sales_value"], max_digits=14, decimal_places=2, min_value=0)
    export_value = forms.DecimalField(label=HEADERS["export_value"], max_digits=14, decimal_places=2, min_value=0,
                                      initial=0)
    revenue = forms.DecimalField(label=HEADERS["revenue"], max_digits=14, decimal_places=2, min_value=0)
    profit = forms.DecimalField(label=HEADERS["profit"], max_digits=14, decimal_places=2)
    employees = forms.IntegerField(label=HEADERS["employees"], min_value=0, initial=0)
    electricity = forms.DecimalField(label=HEADERS["electricity"], max_digits=12, decimal_places=2, min_value=0,
                                     initial=0)


class CorrectionForm(ReportForm):
    reason = forms.CharField(label=gettext_lazy("Reason for the correction"), max_length=300)


def _apply_errors(form, exc: ValidationError):
    for field, msgs in exc.message_dict.items():
        for m in msgs:
            form.add_error(field if field in form.fields else None, m)


class ReportListView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        qs = selectors.report_list(user=user)
        if not can(user, "view", MonthlyReport):
            raise Http404
        period = request.GET.get("period")
        if period:
            try:
                qs = qs.filter(period=services.parse_period(period))
            except ValidationError:
                raise Http404 from None
        return render(request, "monitoring/report_list.html", {
            "reports": qs.order_by("-period", "enterprise__name")[:200],
            "reminders": selectors.open_reminders(user=user)[:20],
            "may_report": can(user, "report_online", MonthlyReport), "may_import": can(user, "import", MonthlyReport),
            "may_follow_up": can(user, "follow_up", MonthlyReport),
            # every report listed is within the reader's change scope when it has one (district, enterprise)
            "may_correct": can(user, "change", MonthlyReport)})


class ReportCreateView(LoginRequiredMixin, View):
    """The enterprise's online form for one month."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "report_online", MonthlyReport):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "monitoring/report_form.html", {"form": ReportForm(), "title": _("Monthly report")})

    def post(self, request):
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_submit(actor=request.user, enterprise=request.user.enterprise,
                                       period=form.cleaned_data["period"], data=form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Monthly report submitted."))
                return redirect("monitoring:report_list")
        return render(request, "monitoring/report_form.html", {"form": form, "title": _("Monthly report")},
                      status=400)


class ReportCorrectView(LoginRequiredMixin, View):
    def get_report(self, request, pk):
        report = MonthlyReport.objects.get_in_scope(request.user, pk, "change")
        return report

    def get(self, request, pk):
        report = self.get_report(request, pk)
        initial = {f: getattr(report, f) for f in HEADERS}
        initial["period"] = report.period.strftime("%Y-%m")
        return render(request, "monitoring/report_form.html", {
            "form": CorrectionForm(initial=initial), "report": report, "title": _("Correct the monthly report")})

    def post(self, request, pk):
        report = self.get_report(request, pk)
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.report_correct(actor=request.user, report=report, data=form.cleaned_data,
                                        reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Correction saved; the earlier values are kept as a revision."))
                return redirect("monitoring:report_list")
        return render(request, "monitoring/report_form.html", {
            "form": form, "report": report, "title": _("Correct the monthly report")}, status=400)


class ReportImportView(ExcelImportView):
    importer_class = MonthlyReportImporter
    import_model = MonthlyReport
    template_filename = "规上企业月报导入模板.xlsx"
    success_url_name = "monitoring:report_list"
    title = gettext_lazy("Import monthly reports")
    heading = gettext_lazy("Import monthly enterprise reports from Excel")
    instructions = gettext_lazy(
        "1. Download the template and fill one enterprise and month per row (a district reports all its firms at "
        "once). 2. Upload it. Every row is checked first: if any row is wrong, nothing is written and each wrong row "
        "is listed. A month already reported is corrected only when the row gives the reason.")


class CompletenessView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        if not can(user, "follow_up", MonthlyReport):
            raise Http404
        period = services.parse_period(request.GET.get("period")) if request.GET.get("period") else \
            selectors.latest_period() or services.parse_period("2000-01")
        return render(request, "monitoring/completeness.html", {
            "summary": selectors.completeness(user=user, period=period),
            "missing": selectors.missing_reports(user=user, period=period)[:300],
            "may_remind": can(user, "send_reminders", MonthlyReport)})

    def post(self, request):
        if not can(request.user, "send_reminders", MonthlyReport):
            raise Http404
        n = services.send_reminders(actor=request.user, period=request.POST.get("period"))
        messages.success(request, _("%(n)s reminders sent.") % {"n": n})
        return redirect(reverse("monitoring:completeness") + f"?period={request.POST.get('period', '')}")


class PositionView(LoginRequiredMixin, View):
    def get(self, request):
        pos = selectors.enterprise_position(user=request.user)
        reports = selectors.report_list(user=request.user).order_by("-period")[:24]
        return render(request, "monitoring/position.html", {"pos": pos, "reports": reports})


# ------------------------------------------------------------------------------------------- briefings

class BriefingListView(LoginRequiredMixin, View):
    def get(self, request):
        items = selectors.briefings(user=request.user)
        may_write = can(request.user, "write", Briefing)
        if not may_write and not items.exists():
            raise Http404
        return render(request, "monitoring/briefing_list.html", {"briefings": items[:100], "may_write": may_write})

    def post(self, request):
        if not can(request.user, "write", Briefing):
            raise Http404
        try:
            period = services.parse_period(request.POST.get("period"))
        except ValidationError:
            messages.error(request, _("Give the month as YYYY-MM."))
            return redirect("monitoring:briefing_list")
        b = briefing_mod.generate_for(actor=request.user, period=period)
        return redirect("monitoring:briefing_detail", pk=b.pk)


class BriefingDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        b = Briefing.objects.get_in_scope(request.user, pk)
        fmt = request.GET.get("format")
        if fmt in ("docx", "pdf"):
            body = briefing_mod.to_docx(b) if fmt == "docx" else briefing_mod.to_pdf(b)
            mime = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document" if fmt == "docx"
                    else "application/pdf")
            response = HttpResponse(body, content_type=mime)
            response["Content-Disposition"] = f'attachment; filename="briefing-{b.period:%Y-%m}-v{b.version}.{fmt}"'
            return response
        versions = selectors.briefings(user=request.user).filter(period=b.period)
        return render(request, "monitoring/briefing_detail.html", {"b": b, "versions": versions,
                                                                   "may_edit": can(request.user, "write", Briefing)})

    def post(self, request, pk):
        if not can(request.user, "write", Briefing):
            raise Http404
        b = Briefing.objects.get_in_scope(request.user, pk)
        if request.POST.get("issue"):
            Briefing.objects.filter(pk=b.pk).update(status=BriefingStatus.ISSUED)
            messages.success(request, _("Briefing issued."))
            return redirect("monitoring:briefing_detail", pk=b.pk)
        sections = []
        for i, s in enumerate(b.sections):
            text = request.POST.get(f"section-{i}", "")
            sections.append({**s, "paragraphs": [p.strip() for p in text.split("\n") if p.strip()]})
        new = briefing_mod.edit(actor=request.user, briefing=b, sections=sections, note=request.POST.get("note", ""))
        messages.success(request, _("Saved as version %(v)s.") % {"v": new.version})
        return redirect("monitoring:briefing_detail", pk=new.pk)
