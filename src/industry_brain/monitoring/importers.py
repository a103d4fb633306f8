"""Import of monthly reports from Excel, typically a district's month at once: every row is validated first and
only a file without errors is written, in one transaction (all or nothing). A month already reported is
corrected only when the row gives the reason (更正原因); the earlier values are kept as a revision."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industry_brain.core.events import event_record
from industry_brain.core.excel import Column, ExcelImporter, RowError
from industry_brain.enterprises.models import Enterprise

from .models import REPORT_FIELDS, MonthlyReport, ReportReminder, ReportRevision, reporter_scope
from .services import clean_values, parse_period

HEADERS = {"output_value": "工业总产值（万元）", "sales_value": "工业销售产值（万元）",
           "export_value": "出口交货值（万元）", "revenue": "营业收入（万元）", "profit": "利润总额（万元）",
           "employees": "从业人员（人）", "electricity": "用电量（万千瓦时）"}


class ReportRowForm(forms.Form):
    uscc = forms.CharField(label=gettext_lazy("Unified social credit code"), max_length=18)
    period = forms.CharField(label=gettext_lazy("Month"))
    output_value = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    sales_value = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    export_value = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    revenue = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    profit = forms.DecimalField(max_digits=14, decimal_places=2)
    employees = forms.IntegerField(min_value=0, required=False)
    electricity = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    reason = forms.CharField(max_length=300, required=False)

    def clean_period(self):
        try:
            period = parse_period(self.cleaned_data["period"])
        except ValidationError:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None
        if period >= timezone.localdate().replace(day=1):
            raise forms.ValidationError(_("Only a month that has ended can be reported."))
        return period

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data.update(clean_values({k: data.get(k) for k in REPORT_FIELDS}))
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for m in messages:
                        self.add_error(field if field in self.fields else None, m)
        return data


class MonthlyReportImporter(ExcelImporter):
    form_class = ReportRowForm
    columns = [
        Column("uscc", "统一社会信用代码", "91330106MA2XXXXXXX", gettext_lazy("The enterprise's credit code")),
        Column("period", "月份", "2026-10", gettext_lazy("YYYY-MM; one row per enterprise and month")),
        *[Column(f, h, 0) for f, h in HEADERS.items()],
        Column("reason", "更正原因", "", gettext_lazy("Only to correct a month already reported: the reason")),
    ]

    def integer_like_fields(self) -> set[str]:
        return {"uscc"}

    def validate_rows(self, rows):
        errors: list[RowError] = []
        keys = Counter((d["uscc"], d["period"]) for _n, d in rows)
        codes = {d["uscc"] for _n, d in rows}
        scope = reporter_scope(self.actor, "import")
        qs = Enterprise.objects.filter(uscc__in=codes).filter(scope) if scope is not None else Enterprise.objects.none()
        self.firms = {e.uscc: e for e in qs.only("id", "uscc", "is_above_scale", "district_id", "name")}
        self.existing = {(r.enterprise_id, r.period): r for r in MonthlyReport.objects.filter(
            enterprise_id__in=[e.pk for e in self.firms.values()], period__in={d["period"] for _n, d in rows})}
        for number, d in rows:
            if keys[(d["uscc"], d["period"])] > 1:
                errors.append(RowError(number, "月份", _("%(code)s %(month)s appears more than once in the file.")
                                       % {"code": d["uscc"], "month": d["period"].strftime("%Y-%m")}))
            firm = self.firms.get(d["uscc"])
            if firm is None:
                errors.append(RowError(number, "统一社会信用代码",
                                       _("No enterprise %(code)s in your district.") % {"code": d["uscc"]}))
                continue
            if not firm.is_above_scale:
                errors.append(RowError(number, "统一社会信用代码",
                                       _("%(name)s is not above designated size.") % {"name": firm.name}))
            if (firm.pk, d["period"]) in self.existing and not (d.get("reason") or "").strip():
                errors.append(RowError(number, "更正原因",
                                       _("This month is already reported; give the reason for the correction.")))
        return errors

    def write(self, rows):
        user = self.actor if getattr(self.actor, "pk", None) else None
        new, changed, revisions = [], [], []
        for _number, d in rows:
            firm = self.firms[d["uscc"]]
            values = {f: d[f] for f in REPORT_FIELDS}
            report = self.existing.get((firm.pk, d["period"]))
            if report is None:
                new.append(MonthlyReport(enterprise=firm, period=d["period"], submitted_by=user, **values))
            else:
                revisions.append(ReportRevision(report=report, revision=report.revision, reason=d["reason"][:300],
                                                corrected_by=user, values={f: str(getattr(report, f))
                                                                           for f in REPORT_FIELDS}))
                for k, v in values.items():
                    setattr(report, k, v)
                report.revision += 1
                changed.append(report)
        MonthlyReport.objects.bulk_create(new, batch_size=2000)
        MonthlyReport.objects.bulk_update(changed, [*REPORT_FIELDS, "revision"], batch_size=2000)
        ReportRevision.objects.bulk_create(revisions, batch_size=2000)
        for r in new:
            ReportReminder.objects.filter(enterprise_id=r.enterprise_id, period=r.period).update(resolved=True)
        event_record(kind="monitoring.reports_imported", message=_("%(n)s monthly reports imported") % {"n": len(rows)},
                     actor=self.actor, data={"created": len(new), "corrected": len(changed)})
        return len(new), len(changed)
