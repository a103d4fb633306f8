"""The trace table of a standing (condition, figure, year, source, result), built in one pass: the firm's page
shows one per eligible or unknown item, and a loop of template nodes per row cost more than the rest of the page."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

PASSED = {True: "true", False: "false", None: "unknown"}
ROW = '<tr data-passed="{}"><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td>\n<td>{}</td></tr>'
_FIXED: dict[str, tuple] = {}  # per language: the head, the three badges, the exclusion word


def _fixed() -> tuple:
    lang = get_language()
    if lang not in _FIXED:
        _FIXED[lang] = (
            format_html('<table class="table compact trace"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
                        '<th>{}</th></tr></thead><tbody>\n', _("Condition"), _("Figure"), _("Year"), _("Source"),
                        _("Result")),
            {None: format_html('<span class="badge badge-yellow">{}</span>', _("figure missing")),
             True: format_html('<span class="badge badge-green">{}</span>', _("met")),
             False: format_html('<span class="badge badge-red">{}</span>', _("not met"))},
            _("Exclusion:") + " ")
    return _FIXED[lang]


@register.simple_tag
def trace_table(trace):
    head, badges, exclusion = _fixed()
    rows = format_html_join("", ROW, (
        (PASSED[t["passed"]], exclusion if t.get("exclusion") else "", t["condition"], t.get("shown") or "—",
         t.get("year") or "—", t.get("source", ""), badges[t["passed"]]) for t in trace))
    return format_html("{}{}\n</tbody></table>\n", head, rows)
