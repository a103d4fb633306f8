"""Assignment bulk import from Excel: validated whole, written whole (all rows or none)."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industry_brain.core.excel import Column, ExcelImporter, RowError
from industry_brain.core.permissions import can

from . import services
from .forms import AssignmentImportForm
from .models import Assignment
from .services.cadres import cadre_refusal


class AssignmentImporter(ExcelImporter):
    form_class = AssignmentImportForm
    columns = [
        Column("cadre", "干部编号", "XH-0001", gettext_lazy("The cadre's number as registered on the platform")),
        Column("uscc", "统一社会信用代码", "91330106MA27XXXXXX", gettext_lazy("The served enterprise's credit code")),
        Column("started_on", "开始日期", "2022-03-01", gettext_lazy("YYYY-MM-DD; empty: today")),
    ]

    def validate_rows(self, rows):
        errors = []
        pairs = Counter((d["cadre"].pk, d["enterprise"].pk) for _n, d in rows)
        current = set(Assignment.objects.filter(
            ended_on__isnull=True, cadre_id__in={d["cadre"].pk for _n, d in rows},
            enterprise_id__in={d["enterprise"].pk for _n, d in rows}).values_list("cadre_id", "enterprise_id"))
        actor = self.actor
        for number, d in rows:
            key = (d["cadre"].pk, d["enterprise"].pk)
            if pairs[key] > 1:
                errors.append(RowError(number, "统一社会信用代码",
                                       _("This cadre and enterprise appear more than once.")))
            if key in current:
                errors.append(RowError(number, "统一社会信用代码", _("This cadre already serves this enterprise.")))
            if not can(actor, "organise_service", d["enterprise"]):
                errors.append(RowError(number, "统一社会信用代码", _("You may assign cadres only in your district.")))
            else:
                refusal = cadre_refusal(actor, d["cadre"], d["enterprise"])
                if refusal:  # the service's own rule, reported per row before anything is written
                    errors.append(RowError(number, "干部编号", refusal))
        return errors

    def write(self, rows):
        for _number, d in rows:
            services.assignment_create(actor=self.actor, cadre=d["cadre"], enterprise=d["enterprise"],
                                       started_on=d.get("started_on"))
        return len(rows), 0
