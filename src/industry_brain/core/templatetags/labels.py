"""`{% load labels %}`: codes become the words users read (see `industry_brain.core.labels`)."""

from django import template

from industry_brain.core import labels

register = template.Library()


@register.filter
def label(value, kind):
    """`{{ e.kind|label:"event" }}`"""
    return labels.label(value, kind)


@register.filter
def actor(value, user=None):
    """`{{ e.actor_label|actor:e.user }}`: a person by name and organisation, a job as 系统（…）."""
    return labels.actor(value, user)


@register.filter
def humanize(text):
    """`{{ s.note|humanize }}`: codes inside platform-written text replaced by their labels."""
    return labels.humanize(text)


@register.filter
def person(user):
    return labels.person(user)


@register.filter
def facts(value, kind):
    """`{{ w.facts|facts:w.rule.kind }}`: a warning's figures and thresholds as a sentence."""
    return labels.facts(value, kind)


@register.filter
def changes(entry):
    return labels.changes(entry)


@register.filter
def local(value, fmt="Y-m-d H:i"):
    """A time in the platform's zone (Asia/Shanghai), whatever zone the value carries."""
    from django.template.defaultfilters import date
    from django.utils import timezone

    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return date(value, fmt)


@register.filter
def friendly(form):
    """`{% for field in filter_form|friendly %}`: empty choices read 全部, yes/no filters 全部/是/否."""
    from industry_brain.core.views import friendly_filter_form

    friendly_filter_form(form)
    return form
