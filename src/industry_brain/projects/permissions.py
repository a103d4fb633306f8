"""Named rights of the investment project platform, declared once for `core.permissions.can`.

Who sees and changes which project is each model's `scope` (`models.py`); who takes a supervision step is the
workflow's `may` (`workflows.py`). The rights below are neither: views, templates, panels, forms and services
ask `can(user, "<name>", obj_or_model)` and never test a role themselves.
"""

from __future__ import annotations

from industry_brain.core.permissions import can, rule

from .models import ProgressReport, Project, WarningRule


def _bureau(user) -> bool:
    """The bureaus that register projects (the city, a district bureau): they keep a project's profile; the
    investor enterprise, which may also change its project, records only milestones and progress."""
    return can(user, "add", Project)


@rule(Project, "change_profile")
def may_change_profile(user, project) -> bool:
    """Edit the profile of a project (investor, placement, investment, planned dates, this year's plan): a bureau
    that may change the project. Model target: whether the user keeps project profiles at all."""
    if not _bureau(user):
        return False
    return project is None or can(user, "change", project)


@rule(Project, "cancel")
def may_cancel(user, project) -> bool:
    """Cancel a project: the bureau keeping it, like its profile."""
    return may_change_profile(user, project)


@rule(ProgressReport, "import")
def may_import_reports(user, _report) -> bool:
    """Import a file of monthly progress reports (many projects at once): the bureaus; each row is then checked
    by the report service against the project's change scope."""
    return _bureau(user)


@rule(WarningRule, "evaluate")
def may_evaluate(user, _rule) -> bool:
    """Run the warning evaluation over all projects now: whoever keeps the rules (the city bureau)."""
    return can(user, "change", WarningRule)
