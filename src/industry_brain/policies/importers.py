"""Department imports of burden-reduction amounts (Excel): every wrong row named, all rows or none."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from industry_brain.core.excel import Column, ExcelImporter
from industry_brain.core.models import District, IndustryDivision

from . import rollup
from .choices import Basis, EntrySource, MeasureKind, Size
from .models import LedgerEntry, Policy

KIND_WORDS = {**{k.value: k.value for k in MeasureKind}, **{str(k.label): k.value for k in MeasureKind},
              "留抵退税": "cash_refund", "减免税": "tax_foregone", "减税": "tax_foregone", "降费": "fee_foregone",
              "减免费": "fee_foregone", "缓缴": "deferral", "电气价格": "price_cut", "降电价": "price_cut",
              "融资成本": "financing_saving", "房租减免": "rent_waived", "奖补兑现": "subsidy_paid"}
BASIS_WORDS = {"measured": "measured", "estimated": "estimated", "实测": "measured", "测算": "estimated"}
SIZE_WORDS = {"": "", "above_scale": "above_scale", "below_scale": "below_scale", "规上": "above_scale",
              "规下": "below_scale"}


class LedgerRowForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    month = forms.IntegerField(min_value=1, max_value=12)
    kind = forms.CharField()
    basis = forms.CharField(required=False)
    amount = forms.DecimalField(max_digits=16, decimal_places=2)
    district = forms.CharField(required=False)
    industry = forms.CharField(required=False)
    size = forms.CharField(required=False)
    policy = forms.IntegerField(required=False)
    note = forms.CharField(required=False, max_length=300)

    def clean_kind(self):
        v = KIND_WORDS.get(str(self.cleaned_data["kind"]).strip())
        if v is None:
            raise forms.ValidationError(_("Unknown measure kind; use one of: %(k)s") % {
                "k": "、".join(str(k.label) for k in MeasureKind)})
        return v

    def clean_basis(self):
        v = BASIS_WORDS.get(str(self.cleaned_data.get("basis") or "measured").strip())
        if v is None:
            raise forms.ValidationError(_("Basis is 实测 (measured) or 测算 (estimated)."))
        return v

    def clean_size(self):
        v = SIZE_WORDS.get(str(self.cleaned_data.get("size") or "").strip())
        if v is None:
            raise forms.ValidationError(_("Size is 规上, 规下 or empty."))
        return v

    def clean_district(self):
        code = str(self.cleaned_data.get("district") or "").strip()
        if code and not District.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Unknown GB/T 2260 district code."))
        return code or None

    def clean_industry(self):
        code = str(self.cleaned_data.get("industry") or "").strip().zfill(2) if self.cleaned_data.get("industry") \
            else ""
        if code and not IndustryDivision.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Unknown GB/T 4754 division code."))
        return code or None

    def clean_policy(self):
        pk = self.cleaned_data.get("policy")
        if pk and not Policy.objects.filter(pk=pk).exists():
            raise forms.ValidationError(_("No such policy."))
        return pk


class LedgerImporter(ExcelImporter):
    columns = [
        Column("year", "年份", 2022), Column("month", "月份", 6),
        Column("kind", "措施类别", "留抵退税", _("One of the measure kinds")),
        Column("basis", "口径", "实测", _("measured (实测) or estimated (测算)")),
        Column("amount", "金额（万元）", 1250.5),
        Column("district", "区县代码", "330106"), Column("industry", "行业代码", "39"),
        Column("size", "规模", "规上", _("above (规上), below (规下) or empty")), Column("policy", "政策编号", ""),
        Column("note", "备注", ""),
    ]
    form_class = LedgerRowForm

    def integer_like_fields(self):
        return super().integer_like_fields() | {"district", "industry"}

    def write(self, rows):
        batch = f"import-{uuid.uuid4().hex[:12]}"
        department_id = self.actor.organisation_id if self.actor.role == "department" else None
        entries = [LedgerEntry(
            year=d["year"], month=d["month"], kind=d["kind"], basis=d["basis"] or Basis.MEASURED, amount=d["amount"],
            district_id=d["district"], industry_id=d["industry"], size=d["size"] or Size.UNKNOWN,
            policy_id=d["policy"], department_id=department_id, source=EntrySource.IMPORT, batch=batch,
            note=d.get("note") or "") for _n, d in rows]
        LedgerEntry.objects.bulk_create(entries, batch_size=2000)
        rollup.rebuild({e.year for e in entries})
        return len(entries), 0
