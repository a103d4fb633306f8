"""Enterprise import from Excel: validated whole, written whole; a re-import updates by credit code."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industry_brain.core.excel import Column, ExcelImporter, RowError
from industry_brain.core.permissions import can

from .forms import EnterpriseImportForm
from .models import Enterprise

FIELDS = ["name", "district", "industry", "street", "address", "lat", "lon", "is_above_scale", "founded_on",
          "is_listed"]


class EnterpriseImporter(ExcelImporter):
    form_class = EnterpriseImportForm
    columns = [
        Column("uscc", "统一社会信用代码", "91330000733796106P",
               gettext_lazy("18 characters, GB 32100; the key for updates")),
        Column("name", "企业名称", "杭州示例智能科技有限公司", gettext_lazy("Full registered name")),
        Column("district", "区县代码", "330106",
               gettext_lazy("GB/T 2260 code of a Hangzhou district, e.g. 330106 西湖区")),
        Column("industry", "行业代码", "39", gettext_lazy("GB/T 4754-2017 division code, two digits")),
        Column("street", "街道（乡镇）", "文新街道", ""),
        Column("address", "地址", "西湖区文一西路1号", ""),
        Column("lat", "纬度", 30.2741, gettext_lazy("WGS-84, optional, with longitude")),
        Column("lon", "经度", 120.1551, gettext_lazy("WGS-84, optional, with latitude")),
        Column("is_above_scale", "是否规上", "是", gettext_lazy("是 or 否")),
        Column("founded_on", "成立日期", "2010-05-01", gettext_lazy("YYYY-MM-DD")),
        Column("is_listed", "是否上市", "否", gettext_lazy("是 or 否")),
    ]

    def validate_rows(self, rows):
        errors = []
        counts = Counter(data["uscc"] for _n, data in rows)
        for number, data in rows:
            if counts[data["uscc"]] > 1:
                errors.append(RowError(number, "统一社会信用代码",
                                       _("Credit code %(code)s appears more than once in the file.")
                                       % {"code": data["uscc"]}))
        # A district bureau may import only its own district's enterprises (the city every district's).
        actor = self.actor
        for number, data in rows:
            if not can(actor, "register_in_district", Enterprise(district=data["district"])):
                errors.append(RowError(number, "区县代码", _("You may import only enterprises of your district.")))
        on_record = Enterprise.objects.filter(uscc__in=list(counts)).only("uscc", "district_id")
        foreign = {e.uscc for e in on_record if not can(actor, "register_in_district", e)}
        for number, data in rows:
            if data["uscc"] in foreign:
                errors.append(RowError(number, "统一社会信用代码",
                                       _("This enterprise is registered in another district.")))
        return errors

    def write(self, rows):
        """Through the same services as the page and the API (enterprise_create / enterprise_update): the same
        rights (checked again on the saved row), location checks, events and change log; a refusal rolls the whole
        file back."""
        from . import services

        by_code = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[d["uscc"] for _n, d in rows])}
        created = updated = 0
        for _number, data in rows:
            values = {f: data[f] for f in FIELDS}
            enterprise = by_code.get(data["uscc"])
            if enterprise is None:
                services.enterprise_create(actor=self.actor, data={"uscc": data["uscc"], **values})
                created += 1
            else:
                services.enterprise_update(actor=self.actor, enterprise=enterprise, data=values)
                updated += 1
        return created, updated
