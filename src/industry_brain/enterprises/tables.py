from django.utils.translation import gettext_lazy as _

from industry_brain.core.tables import Col, Table


class EnterpriseTable(Table):
    default_order = "name"
    columns = [
        Col("name", _("Name"), order_by="name", link=True),
        Col("uscc", _("Credit code"), order_by="uscc"),
        Col("district", _("District"), accessor="district__name", order_by="district_id"),
        Col("industry", _("Industry"), accessor=lambda e: f"{e.industry_id} {e.industry.name}", order_by="industry_id"),
        Col("is_above_scale", _("Above size"), accessor=lambda e: _("Yes") if e.is_above_scale else "—",
            order_by="is_above_scale"),
        Col("top_tier", _("Highest tier"), accessor=lambda e: e.get_top_tier_display() if e.top_tier else "—",
            order_by="top_tier"),
        Col("founded_on", _("Founded"), order_by="founded_on"),
    ]
