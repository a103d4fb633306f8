"""Enterprise pages: list with filters, detail, create/edit, Excel import and export."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from industry_brain.chains.models import ChainMaster, ChainMembership
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.imports import BackgroundImportMixin
from industry_brain.core.permissions import can
from industry_brain.core.views import ExcelImportView, ObjectDetailView, ObjectExportView, ObjectListView, current_query

from . import selectors, services
from .filtersets import EnterpriseFilterSet
from .forms import EnterpriseForm
from .importers import EnterpriseImporter
from .models import Enterprise, YearlyFigures
from .tables import EnterpriseTable

EXPORT_LIMIT = 100_000


class EnterpriseListView(ObjectListView):
    queryset = Enterprise.objects.select_related("district", "industry")
    filterset_class = EnterpriseFilterSet
    table_class = EnterpriseTable
    template_name = "enterprises/enterprise_list.html"

    @property
    def title(self):
        return _("Enterprises")

    def get_queryset(self, request):
        self._list = selectors.enterprise_list(user=request.user, queryset=self.queryset.all(), params=request.GET)
        return self._list

    def ordering(self, request) -> list[str]:
        """The base view's order, read from the stored ecosystem rows when the list comes from them."""
        return selectors.list_ordering(self._list, super().ordering(request))

    def get_extra_context(self, request):
        user = request.user
        return {"can_add": can(user, "add", Enterprise),
                "export_query": current_query(request)}


class EnterpriseDetailView(ObjectDetailView):
    queryset = Enterprise.objects.select_related("district", "industry", "industry__section")
    template_name = "enterprises/enterprise_detail.html"

    def get_extra_context(self, request, obj):
        user = request.user
        confidential = selectors.enterprise_can_see_confidential(user=user, enterprise=obj)
        figures = []
        chart = None
        if confidential:
            figures = list(selectors.figures_for(user=user, enterprise=obj))
            services.confidential_read_log(actor=user, enterprise=obj, channel="page", what=_("yearly figures"),
                                           request_id=getattr(request, "id", ""))
            years = [str(f.year) for f in figures]
            chart = {
                "tooltip": {"trigger": "axis"},
                "legend": {"top": 0, "data": [_("Revenue"), _("Main-business revenue"), _("R&D expense"),
                                               _("Net profit")]},
                "grid": {"left": 70, "right": 20, "bottom": 30, "top": 50},
                "xAxis": {"type": "category", "data": years},
                "yAxis": {"type": "value", "name": _("10k yuan")},
                "series": [
                    {"name": _("Revenue"), "type": "bar", "data": [float(f.revenue) for f in figures]},
                    {"name": _("Main-business revenue"), "type": "bar",
                     "data": [float(f.main_revenue) for f in figures]},
                    {"name": _("R&D expense"), "type": "line", "data": [float(f.rd_expense) for f in figures]},
                    {"name": _("Net profit"), "type": "line", "data": [float(f.net_profit) for f in figures]},
                ],
            }
        memberships = ChainMembership.objects.counted().filter(enterprise=obj).select_related("node", "node__chain",
                                                                                     "node__chain__ecosystem")
        masters = ChainMaster.objects.filter(enterprise=obj).select_related("chain")
        can_change = can(user, "change", obj)
        reads = selectors.confidential_reads_for(user=user, enterprise=obj, limit=30) \
            if can(user, "view_reads", obj) else None
        return {
            "confidential": confidential,
            "figures": figures,
            "figures_chart": json.dumps(chart, ensure_ascii=False) if chart else None,
            "memberships": memberships,
            "masters": masters,
            "recognitions": obj.recognitions.all(),
            "can_change": can_change,
            "can_verify": confidential and can(user, "verify_figures", obj),
            "reads": reads,
        }


class FiguresVerifyView(LoginRequiredMixin, View):
    """POST: the bureau verifies one year's figures of an enterprise (404 outside the reader's scope, 403 for who
    may see them but not verify, e.g. the enterprise itself)."""

    def post(self, request, pk: int, year: int):
        enterprise = Enterprise.objects.get_in_scope(request.user, pk)
        if not selectors.enterprise_can_see_confidential(user=request.user, enterprise=enterprise):
            raise Http404
        figures = get_object_or_404(YearlyFigures, enterprise=enterprise, year=year)
        try:
            services.figures_verify(actor=request.user, figures=figures)
            messages.success(request, _("The figures of %(year)s are verified.") % {"year": year})
        except TransitionNotAllowed as exc:
            messages.info(request, str(exc))
        return redirect(enterprise.get_absolute_url())


class EnterpriseFormView(LoginRequiredMixin, View):
    """Create (no pk) or edit (pk) an enterprise through the services."""

    template_name = "enterprises/enterprise_form.html"

    def _object(self, request, pk):
        if pk is None:
            if not can(request.user, "add", Enterprise):
                raise PermissionDenied
            return None
        obj = Enterprise.objects.get_in_scope(request.user, pk)
        if not can(request.user, "change", obj):
            raise PermissionDenied
        return obj

    def get(self, request, pk=None):
        obj = self._object(request, pk)
        initial = {"district": request.user.district_code} if obj is None and request.user.district_code else {}
        return render(request, self.template_name, {"form": EnterpriseForm(instance=obj, initial=initial),
                                                    "object": obj})

    def post(self, request, pk=None):
        obj = self._object(request, pk)
        form = EnterpriseForm(request.POST, instance=obj)
        if form.is_valid():
            try:
                if obj is None:
                    obj = services.enterprise_create(actor=request.user, data=form.cleaned_data)
                    messages.success(request, _("Enterprise registered."))
                else:
                    obj = services.enterprise_update(actor=request.user, enterprise=Enterprise.objects.get(pk=obj.pk),
                                                     data=form.cleaned_data)
                    messages.success(request, _("Changes saved."))
                return redirect(obj.get_absolute_url())
            except PermissionDenied as exc:
                form.add_error("district", str(exc) or _("You may not do this."))
        return render(request, self.template_name, {"form": form, "object": obj}, status=400)


class EnterpriseExportView(ObjectExportView):
    """Excel export of the filtered list (public profile fields, current tier with its validity, chain places)."""

    _latest = YearlyFigures.objects.filter(enterprise=OuterRef("pk")).order_by("-year")
    queryset = Enterprise.objects.select_related("district", "industry").prefetch_related(
        # Its chain places are its confirmed memberships, the ones the ecosystem, chain and node filters count.
        Prefetch("memberships", queryset=ChainMembership.objects.counted().select_related("node__chain__ecosystem")),
        "recognitions").annotate(figures_year=Subquery(_latest.values("year")[:1]),
                                 figures_verified=Subquery(_latest.values("verified")[:1]))
    filterset_class = EnterpriseFilterSet
    filename_base = gettext_lazy("Enterprise registry")
    order_by = ("name", "pk")
    limit = EXPORT_LIMIT
    headers = ["统一社会信用代码", "企业名称", "区县代码", "区县", "行业代码", "行业", "是否规上", "街道（乡镇）",
               "地址", "纬度", "经度", "成立日期", "是否上市", "当前最高梯队", "认定级别", "认定年份", "有效期至",
               "已过期认定", "生态", "产业链", "链上环节", "最新数据年度", "数据核实"]

    def row(self, e):
        today = timezone.localdate()
        current = [r for r in e.recognitions.all() if r.tier == e.top_tier and r.is_valid_on(today)]
        top = max(current, key=lambda r: (r.valid_until or dt.date.max, r.year)) if current else None
        expired = [f"{r.get_tier_display()}（{r.valid_until.isoformat()}）" for r in e.recognitions.all()
                   if not r.is_valid_on(today)]
        nodes = [m.node for m in e.memberships.all()]
        return [e.uscc, e.name, e.district_id, e.district.name, e.industry_id, e.industry.name,
                "是" if e.is_above_scale else "否", e.street, e.address,
                float(e.lat) if e.lat is not None else None, float(e.lon) if e.lon is not None else None,
                e.founded_on.isoformat() if e.founded_on else None, "是" if e.is_listed else "否",
                e.get_top_tier_display() if e.top_tier else "",
                top.get_level_display() if top else "", top.year if top else None,
                (top.valid_until.isoformat() if top.valid_until else "长期") if top else "",
                "；".join(expired),
                "、".join(dict.fromkeys(n.chain.ecosystem.name for n in nodes)),
                "、".join(dict.fromkeys(n.chain.name for n in nodes)),
                "、".join(dict.fromkeys(n.name for n in nodes)),
                e.figures_year,
                ("已核实" if e.figures_verified else "企业自报，待核实") if e.figures_year else ""]


class EnterpriseImportView(BackgroundImportMixin, ExcelImportView):
    importer_class = EnterpriseImporter
    import_model = Enterprise
    template_filename = "企业导入模板.xlsx"
    success_url_name = "enterprises:enterprise_list"
    title = gettext_lazy("Import enterprises")
    heading = gettext_lazy("Import enterprises from Excel")
    instructions = gettext_lazy(
        "1. Download the template, fill one enterprise per row (keep the header row). 2. Upload it. "
        "Every row is checked first: if any row is wrong, nothing is written and each wrong row is "
        "listed with its number and reason. Existing enterprises are updated by credit code. A large file is "
        "checked and written as a background job: its page shows the progress.")
