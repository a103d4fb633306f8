import functools

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from industry_brain.core.tables import Col, Table

from .choices import Stage, WarningLevel


@functools.lru_cache(maxsize=32)
def _labels(choices, language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _label(choices, value: str) -> str:
    """The label of a choice, as get_FOO_display() gives it, translated once per language: get_FOO_display() makes
    every label of the field hashable, i.e. translates all of them, for each cell of each row."""
    return _labels(choices, get_language()).get(value, value)


def _level(obj, field="warning_level"):
    value = getattr(obj, field)
    return format_html('<span class="badge badge-{}">{}</span>', value, _label(WarningLevel, value))


def _project_link(obj):
    p = obj.project
    return format_html('<a href="{}">{} {}</a>', p.get_absolute_url(), p.code, p.name)


def _plan(p):
    return number_format(p.annual_plan, force_grouping=True) if getattr(p, "annual_plan", None) is not None else "—"


class ProjectTable(Table):
    default_order = "-total_investment"
    columns = [
        Col("code", _("Code"), order_by="code", link=True),
        Col("name", _("Name"), order_by="name", link=True),
        Col("investor", _("Investor"), accessor=lambda p: p.investor_display),
        Col("district", _("District"), accessor="district__name", order_by="district_id"),
        Col("ecosystem", _("Ecosystem"), accessor=lambda p: p.ecosystem.name if p.ecosystem_id else "—"),
        Col("stage", _("Stage"), accessor=lambda p: _label(Stage, p.stage), order_by="stage"),
        Col("warning_level", _("Warning"), accessor=_level, order_by="warning_level"),
        Col("total_investment", _("Total investment (10k yuan)"), order_by="total_investment", numeric=True),
        Col("annual_plan", _("Plan this year"), accessor=_plan),
        Col("invested_total", _("Invested so far"), order_by="invested_total", numeric=True),
        Col("planned_start", _("Planned start"), order_by="planned_start"),
    ]


class WarningTable(Table):
    default_order = "-opened_at"
    columns = [
        Col("project", _("Project"), accessor=_project_link),
        Col("rule", _("Rule"), accessor=lambda w: f"{w.rule.code} {w.rule.name}", order_by="rule__code"),
        Col("level", _("Level"), accessor=lambda w: _level(w, "level"), order_by="level"),
        Col("facts", _("Facts"), accessor=lambda w: ", ".join(f"{k}={v}" for k, v in w.facts.items()
                                                              if k not in ("as_of", "rule_version"))),
        Col("opened_at", _("Opened"), accessor=lambda w: w.opened_at.strftime("%Y-%m-%d"), order_by="opened_at"),
        Col("cleared_at", _("Cleared"), accessor=lambda w: w.cleared_at.strftime("%Y-%m-%d") if w.cleared_at else "—",
            order_by="cleared_at"),
    ]


class SupervisionTable(Table):
    default_order = "due_date"
    columns = [
        Col("id", _("Order"), accessor=lambda o: format_html('<a href="{}">#{}</a>', o.get_absolute_url(), o.pk),
            order_by="id"),
        Col("project", _("Project"), accessor=_project_link),
        Col("rule", _("Warning"), accessor=lambda o: o.warning.rule.code),
        Col("unit", _("Responsible unit"), accessor=lambda o: o.unit.name if o.unit_id else "—"),
        Col("level", _("Escalation"), accessor=lambda o: o.get_level_display(), order_by="level"),
        Col("status", _("Status"), accessor=lambda o: o.get_status_display(), order_by="status"),
        Col("issued_on", _("Issued"), order_by="issued_on"),
        Col("due_date", _("Due"), order_by="due_date"),
    ]
