"""Writes of the investment project platform, by concept: projects and their lifecycle and plans (`projects`),
monthly progress reports (`reports`), warning rules (`rules`), the set-based warning evaluation (`warnings`)
and the supervision (督办) orders (`supervision`). Every function is keyword-only, validates before saving, runs
atomically and names its actor; business events go to the event log. The package re-exports every service, so
`from industry_brain.projects import services; services.project_create(...)` keeps working."""

from industry_brain.core.workdays import add_working_days

from ._common import (
    ACTUAL_FIELDS,
    ENTERPRISE_WRITABLE,
    FK_FIELDS,
    PLANNED_FIELDS,
    PROFILE_FIELDS,
    RESPONSE_WORKING_DAYS,
    today_local,
)
from .projects import (
    check_lifecycle,
    default_responsible_org,
    plan_set,
    project_cancel,
    project_create,
    project_record_milestone,
    project_update,
)
from .reports import (
    already_reported,
    parse_period,
    progress_report_submit,
    progress_reports_upsert,
    refresh_report_totals,
)
from .rules import rule_update, rules_ensure_defaults
from .supervision import (
    _is_responder,
    can_review,
    supervision_escalate_overdue,
    supervision_respond,
    supervision_review,
    supervision_sync,
)
from .warnings import warning_evaluate_all

__all__ = [
    "already_reported", "progress_reports_upsert",
    "ACTUAL_FIELDS", "ENTERPRISE_WRITABLE", "FK_FIELDS", "PLANNED_FIELDS", "PROFILE_FIELDS", "RESPONSE_WORKING_DAYS",
    "_is_responder", "add_working_days", "can_review", "check_lifecycle", "default_responsible_org", "parse_period",
    "plan_set", "progress_report_submit", "project_cancel", "project_create", "project_record_milestone",
    "project_update", "refresh_report_totals", "rule_update", "rules_ensure_defaults", "supervision_escalate_overdue",
    "supervision_respond", "supervision_review", "supervision_sync", "today_local", "warning_evaluate_all",
]
