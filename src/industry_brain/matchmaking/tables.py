"""List-page tables of the matchmaking module."""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from industry_brain.core.tables import Col, Table

COLOURS = {"active": "green", "expired": "", "withdrawn": "", "declared": "yellow", "signed": "green",
           "delivered": "green", "dropped": "", "open": "green", "held": "", "planned": "yellow", "closed": "",
           "identified": "", "contacted": "yellow", "visited": "yellow", "negotiating": "yellow"}


def badge(obj, field="status"):
    value = getattr(obj, field)
    return format_html('<span class="badge badge-{}">{}</span>', COLOURS.get(value, ""),
                       getattr(obj, f"get_{field}_display")())


def _wan(value):
    return "—" if value is None else f"{value:,.0f}"


class ListingTable(Table):
    default_order = "-created"
    columns = [
        Col("title", _("Title"), order_by="title", link=True),
        Col("kind", _("Kind"), accessor=lambda x: x.get_kind_display(), order_by="kind"),
        Col("enterprise", _("Enterprise"), accessor="enterprise__name", order_by="enterprise__name"),
        Col("material", _("Product or material"), accessor=lambda x: x.material or (x.node.name if x.node_id else "")),
        Col("quantity", _("Quantity per month"), accessor=lambda x: f"{(x.capacity or x.volume or 0):,.0f} {x.unit}"),
        Col("expires_on", _("Expires on"), accessor=lambda x: x.expires_on.isoformat(), order_by="expires_on"),
        Col("status", _("Status"), accessor=badge, order_by="status"),
    ]


class EventTable(Table):
    default_order = "-date"
    columns = [
        Col("name", _("Event"), order_by="name", link=True),
        Col("chain", _("Chain"), accessor="chain__name", order_by="chain__name"),
        Col("date", _("Date"), accessor=lambda x: x.date.isoformat(), order_by="date"),
        Col("place", _("Place")),
        Col("status", _("Status"), accessor=badge, order_by="status"),
    ]


class IntentionTable(Table):
    default_order = "-created"
    columns = [
        Col("product", _("Product or purpose"), order_by="product", link=True),
        Col("kind", _("Kind"), accessor=lambda x: x.get_kind_display(), order_by="kind"),
        Col("buyer", _("Buyer or borrower"), accessor="buyer__name"),
        Col("seller", _("Supplier or lender"), accessor=lambda x: x.seller.name if x.seller_id else x.lender),
        Col("amount", _("Declared (10k yuan)"), accessor=lambda x: _wan(x.amount), order_by="amount", numeric=True),
        Col("signed_amount", _("Signed (10k yuan)"), accessor=lambda x: _wan(x.signed_amount), numeric=True),
        Col("follow_up_due", _("Follow-up due"),
            accessor=lambda x: x.follow_up_due.isoformat() if x.follow_up_due else "—", order_by="follow_up_due"),
        Col("status", _("Status"), accessor=badge, order_by="status"),
    ]


class TargetTable(Table):
    default_order = "-score"
    columns = [
        Col("name", _("Target firm"), order_by="name", link=True),
        Col("chain", _("Chain"), accessor="chain__name", order_by="chain__name"),
        Col("node", _("Chain node"), accessor="node__name"),
        Col("region", _("Region")),
        Col("score", _("Score"), accessor=lambda x: f"{x.score:.2f}", order_by="score", numeric=True),
        Col("status", _("Status"), accessor=badge, order_by="status"),
    ]
