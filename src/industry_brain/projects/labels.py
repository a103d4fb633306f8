"""Words for the project platform's event kinds and the warning facts as sentences
(see `industry_brain.core.labels`)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from industry_brain.core import labels

labels.register("event", {
    "project.registered": _("Project registered"),
    "project.cancelled": _("Project cancelled"),
    "project.milestone_recorded": _("Milestone recorded"),
    "project.reports_imported": _("Monthly reports imported"),
    "project.problem_reported": _("Problem reported"),
    "warning_rule.changed": _("Warning rule changed"),
    "supervision.opened": _("Supervision order issued"),
    "supervision.responded": _("Supervision order answered"),
    "supervision.accepted": _("Response accepted"),
    "supervision.rejected": _("Response rejected"),
    "supervision.escalated": _("Supervision escalated"),
    "supervision.closed": _("Supervision closed"),
})


def _milestone(code):
    from .choices import Milestone

    return str(dict(Milestone.choices).get(code, code))


def _num(value) -> str:
    value = float(value)
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


labels.register_facts("milestone_overdue", lambda f: gettext(
    "%(milestone)s was planned for %(planned)s and is %(days)s days overdue (yellow after %(yellow)s days, "
    "red after %(red)s)") % {"milestone": _milestone(f["milestone"]), "planned": f["planned"],
                             "days": f["days_overdue"], "yellow": f["yellow_after_days"], "red": f["red_after_days"]})
labels.register_facts("investment_behind", lambda f: gettext(
    "By %(up_to)s, %(done)s of the %(plan)s 10k yuan planned for %(year)s were invested (%(rate)s%%) against "
    "%(schedule)s%% due by the schedule: %(behind)s points behind (yellow from %(yellow)s, red above %(red)s)") % {
    "up_to": f["up_to"], "done": _num(f["ytd_investment"]), "plan": _num(f["annual_plan"]), "year": f["year"],
    "rate": f"{float(f['completion_pct']):.1f}", "schedule": f"{float(f['schedule_pct']):.1f}",
    "behind": f"{float(f['points_behind']):.1f}", "yellow": _num(f["yellow_points"]), "red": _num(f["red_points"])})
labels.register_facts("start_overdue", lambda f: gettext(
    "Construction was planned to start on %(planned)s and has not started %(days)s days later (red after "
    "%(months)s months)") % {"planned": f["planned_start"], "days": f["days_overdue"], "months": f["months"]})
labels.register_facts("report_missing", lambda f: gettext(
    "%(missing)s monthly reports missing up to %(due)s (last report: %(last)s; yellow after %(yellow)s, red after "
    "%(red)s months)") % {"missing": f["months_missing"], "due": f["due_month"],
                          "last": f.get("last_report") or gettext("none"), "yellow": f["yellow_months"],
                          "red": f["red_months"]})
labels.register_facts("investment_stalled", lambda f: gettext(
    "No investment from %(start)s to %(end)s (%(months)s months) although construction started on %(started)s") % {
    "start": f["from"], "end": f["to"], "months": f["months"], "started": f["actual_start"]})


def _choices():
    from .choices import SupervisionLevel, SupervisionStatus, WarningLevel

    return {"supervision_level": dict(SupervisionLevel.choices), "supervision_status": dict(SupervisionStatus.choices),
            "warning_level": dict(WarningLevel.choices)}


for _kind, _mapping in _choices().items():
    labels.register(_kind, _mapping)
