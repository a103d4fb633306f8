"""Import of monthly progress reports from Excel, typically a whole district's month at once: every row is
validated first, and only a file without errors is written, in one transaction (all or nothing)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industry_brain.core.excel import Column, ExcelImporter, RowError

from .choices import Milestone, Stage
from .models import Project

MILESTONE_WORDS = {"签约": "signed", "供地": "land", "开工": "start", "竣工": "completion", "投产": "production",
                   "达产": "full_production", **{m: m for m in Milestone.values}}


class ProgressReportRowForm(forms.Form):
    """One row of the progress report template."""

    code = forms.CharField(label=gettext_lazy("Project code"), max_length=40)
    period = forms.CharField(label=gettext_lazy("Month"))
    investment = forms.DecimalField(label=gettext_lazy("Investment this month"), max_digits=14, decimal_places=2,
                                    min_value=0)
    milestone = forms.CharField(label=gettext_lazy("Milestone reached"), required=False)
    physical_progress = forms.IntegerField(label=gettext_lazy("Physical progress (%)"), required=False, min_value=0,
                                           max_value=100)
    problems = forms.CharField(label=gettext_lazy("Problems needing help"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False)

    def clean_period(self):
        from .services import parse_period

        value = self.data.get("period")
        try:
            period = parse_period(value if isinstance(value, dt.date) else self.cleaned_data["period"])
        except ValidationError:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None
        if period > timezone.localdate().replace(day=1):
            raise forms.ValidationError(_("A month in the future cannot be reported."))
        return period

    def clean_milestone(self):
        value = (self.cleaned_data.get("milestone") or "").strip()
        if not value:
            return ""
        if value not in MILESTONE_WORDS:
            raise forms.ValidationError(_("Unknown milestone: use 签约, 供地, 开工, 竣工, 投产 or 达产."))
        return MILESTONE_WORDS[value]


class ProgressReportImporter(ExcelImporter):
    form_class = ProgressReportRowForm
    columns = [
        Column("code", "项目代码", "XH-2025-0001", gettext_lazy("The project code as registered on the platform")),
        Column("period", "月份", "2026-10", gettext_lazy("YYYY-MM; one row per project and month")),
        Column("investment", "本月完成投资（万元）", 850, gettext_lazy("Investment completed in the month, 10k yuan")),
        Column("milestone", "本月达到节点", "", gettext_lazy("Optional: 签约, 供地, 开工, 竣工, 投产 or 达产")),
        Column("physical_progress", "形象进度（%）", 45, gettext_lazy("Optional, 0–100")),
        Column("problems", "需协调解决的问题", "", gettext_lazy("Optional: what the project needs help with")),
        Column("note", "备注", "", ""),
    ]

    def integer_like_fields(self) -> set[str]:
        return {"code"}

    def validate_rows(self, rows):
        errors: list[RowError] = []
        keys = Counter((d["code"], d["period"]) for _n, d in rows)
        codes = {d["code"] for _n, d in rows}
        visible = Project.objects.restrict(self.actor, "change").filter(code__in=codes)
        self.projects = {p.code: p for p in visible.only("id", "code", "stage", "district_id")}
        for number, data in rows:
            if keys[(data["code"], data["period"])] > 1:
                errors.append(RowError(number, "月份", _("%(code)s %(month)s appears more than once in the file.")
                                       % {"code": data["code"], "month": data["period"].strftime("%Y-%m")}))
            project = self.projects.get(data["code"])
            if project is None:
                errors.append(RowError(number, "项目代码",
                                       _("No project %(code)s in your scope.") % {"code": data["code"]}))
            elif project.stage == Stage.CANCELLED:
                errors.append(RowError(number, "项目代码",
                                       _("Project %(code)s is cancelled.") % {"code": data["code"]}))
        return errors

    def write(self, rows):
        """Through the same service as the page and the API (`progress_reports_upsert`): the same rules, events
        and change log. An import file states the figures of the months it lists, so a month already reported
        is corrected (the shared policy `already_reported` with replace=True)."""
        from .services import progress_reports_upsert

        new, changed = progress_reports_upsert(actor=self.actor, replace=True, rows=[{
            "project": self.projects[d["code"]], "period": d["period"], "investment": d["investment"],
            "milestone": d["milestone"], "physical_progress": d["physical_progress"], "problems": d["problems"],
            "note": d["note"]} for _n, d in rows])
        return len(new), len(changed)
