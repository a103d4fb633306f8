"""`{% load permissions %}{% can "change" obj as may_change %}`: templates ask `core.permissions.can`, never roles."""

from django import template

from industry_brain.core.permissions import can as _can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, target):
    request = context.get("request")
    return _can(getattr(request, "user", None), action, target)


@register.simple_tag(takes_context=True)
def allowed_actions(context, workflow, obj):
    """The transitions the requesting user may take on `obj` now, from the named workflow."""
    from industry_brain.core.workflow import REGISTRY

    request = context.get("request")
    return REGISTRY[workflow].allowed(obj, getattr(request, "user", None))
