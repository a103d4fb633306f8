"""List-page tables of the enterprise service."""

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from industry_brain.core.tables import Col, Table

STATUS_BADGE = {"submitted": "", "accepted": "yellow", "in_progress": "yellow", "resolved": "green", "closed": "green"}


def _status(d):
    colour = STATUS_BADGE.get(d.status, "")
    return format_html('<span class="badge badge-{}">{}</span>', colour, d.get_status_display())


def _due(d):
    if d.due_date is None:
        return "—"
    if d.is_overdue(timezone.localdate()):
        return format_html('<span class="badge badge-red">{} {}</span>', d.due_date.isoformat(), _("overdue"))
    return d.due_date.isoformat()


def _flags(d):
    marks = []
    if d.is_flagged:
        marks.append(format_html('<span class="badge badge-yellow" title="{}">≈</span>', _("similar demands found")))
    if d.escalation_level:
        marks.append(format_html('<span class="badge badge-red">{}</span>', d.get_escalation_level_display()))
    if d.reopen_count:
        marks.append(format_html('<span class="badge">{} ×{}</span>', _("reopened"), d.reopen_count))
    return format_html(" ".join(["{}"] * len(marks)), *marks) if marks else ""


class DemandTable(Table):
    default_order = "-submitted_at"
    columns = [
        Col("id", "#", order_by="id"),
        Col("title", _("Title"), order_by="title", link=True),
        Col("enterprise", _("Enterprise"), accessor="enterprise__name", order_by="enterprise__name"),
        Col("district", _("District"), accessor="district__name", order_by="district_id"),
        Col("category", _("Category"), accessor=lambda d: str(d.category), order_by="category__order"),
        Col("urgency", _("Urgency"), accessor=lambda d: d.get_urgency_display(), order_by="urgency"),
        Col("status", _("Status"), accessor=_status, order_by="status"),
        Col("department", _("Coordinator"), accessor=lambda d: d.department.name if d.department_id else "—",
            order_by="department__name"),
        Col("submitted_at", _("Submitted"), accessor=lambda d: timezone.localtime(d.submitted_at).strftime(
            "%Y-%m-%d"), order_by="submitted_at"),
        Col("due_date", _("Due"), accessor=_due, order_by="due_date"),
        Col("flags", _("Flags"), accessor=_flags),
    ]


class CadreTable(Table):
    default_order = "code"
    columns = [
        Col("code", _("Number"), order_by="code", link=True),
        Col("name", _("Name"), order_by="name"),
        Col("organisation", _("Organisation"), accessor="organisation__name", order_by="organisation__name"),
        Col("phone", _("Phone")),
        Col("enterprise_count", _("Enterprises served"), order_by="enterprise_count", numeric=True),
    ]


class AssignmentTable(Table):
    default_order = "-started_on"
    columns = [
        Col("cadre", _("Cadre"), accessor=lambda a: format_html('<a href="{}">{}</a>', a.cadre.get_absolute_url(),
                                                               a.cadre.name), order_by="cadre__code"),
        Col("enterprise", _("Enterprise"), accessor=lambda a: format_html(
            '<a href="{}">{}</a>', a.enterprise.get_absolute_url(), a.enterprise.name), order_by="enterprise__name"),
        Col("district", _("District"), accessor="enterprise__district__name", order_by="enterprise__district_id"),
        Col("started_on", _("From"), order_by="started_on"),
        Col("ended_on", _("Until"), accessor=lambda a: a.ended_on or _("current"), order_by="ended_on"),
    ]


class VisitTable(Table):
    default_order = "-date"
    columns = [
        Col("date", _("Date"), order_by="date"),
        Col("cadre", _("Cadre"), accessor="cadre__name", order_by="cadre__code"),
        Col("enterprise", _("Enterprise"), accessor=lambda v: format_html(
            '<a href="{}">{}</a>', v.enterprise.get_absolute_url(), v.enterprise.name), order_by="enterprise__name"),
        Col("mode", _("Mode"), accessor=lambda v: v.get_mode_display(), order_by="mode"),
        Col("notes", _("Notes"), accessor=lambda v: (v.notes[:60] + "…") if len(v.notes) > 60 else v.notes),
    ]


class SystemicAlertTable(Table):
    default_order = "-window_end"
    columns = [
        Col("id", "#", order_by="id", link=True),
        Col("where", _("Where"), accessor=lambda a: str(a.district or a.chain)),
        Col("category", _("Category"), accessor=lambda a: str(a.category), order_by="category__order"),
        Col("enterprise_count", _("Enterprises"), order_by="enterprise_count", numeric=True),
        Col("window", _("Window"), accessor=lambda a: f"{a.window_start:%Y-%m-%d} – {a.window_end:%Y-%m-%d}",
            order_by="window_end"),
        Col("status", _("Status"), accessor=lambda a: a.get_status_display(), order_by="status"),
    ]
