"""Named rights of economic monitoring, declared once for `core.permissions.can`.

Which reports a user sees and corrects is `MonthlyReport.scope` (`models.py`); the rights below are neither a
scope nor a workflow step. Views, templates and services ask `can(user, "<name>", obj_or_model)`.
"""

from __future__ import annotations

from industry_brain.accounts.choices import Role
from industry_brain.core.permissions import is_city, rule

from .models import Briefing, MonthlyReport


@rule(MonthlyReport, "import")
def may_import_reports(user, _report) -> bool:
    """Import a file of monthly reports (a district reports all its firms at once): the city and the district
    bureaus; each row is then checked against the reporter's add scope."""
    return is_city(user) or user.role == Role.DISTRICT


@rule(MonthlyReport, "report_online")
def may_report_online(user, report) -> bool:
    """Fill a month's report online: the enterprise for its own firm (the bureaus import files instead)."""
    return user.role == Role.ENTERPRISE and (report is None or report.enterprise_id == user.enterprise_id)


@rule(MonthlyReport, "view_position")
def may_view_position(user, _report) -> bool:
    """See the firm's own figures and its position (percentile of output growth) among the firms of its industry
    division: the enterprise, for its own firm. Nobody else reads that percentile."""
    return user.role == Role.ENTERPRISE


@rule(MonthlyReport, "follow_up")
def may_follow_up(user, _report) -> bool:
    """See which firms have not yet reported a month (completeness): the bureaus that collect reports, each for
    the firms in its scope."""
    return may_import_reports(user, None)


@rule(MonthlyReport, "send_reminders")
def may_send_reminders(user, _report) -> bool:
    """Send the reminders of a month past its deadline: the city bureau."""
    return is_city(user)


@rule(Briefing, "write")
def may_write_briefing(user, _briefing) -> bool:
    """Generate, edit and issue the monthly briefing: the city bureau, which publishes it."""
    return is_city(user)
