"""The words users read for the recognition workflow's steps and the cultivation jobs."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core import labels

from .workflows import APPLICATION_WORKFLOW

labels.register("cultivation_step", {t.name: t.past for t in APPLICATION_WORKFLOW})
labels.register("actor", {"job:cultivation.evaluate_all": _("System (yearly tier evaluation)"),
                          "job:cultivation.rereview_reminders": _("System (re-review reminders)")})
