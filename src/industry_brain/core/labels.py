"""One registry of the words users read instead of internal codes.

Codes stay in the database and the API; pages show labels. Apps register what they own in a `labels.py` module
(found automatically, like `admin.py`): event kinds, system actors, sentences for structured facts. Choices of
model fields need no registration: the change-log rendering reads them from the field.

    from industry_brain.core import labels
    labels.register("event", {"demand.accepted": _("Demand accepted")})
    labels.register_facts("milestone_overdue", lambda facts: _("…") % facts)

Templates: `{% load labels %}{{ e.kind|label:"event" }}`, `{{ e.actor_label|actor }}`, `{{ user|person }}`,
`{{ w.facts|facts:w.rule.kind }}`, `{% for f, b, a in entry|changes %}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_registry: dict[str, dict[str, Any]] = {}
_facts: dict[str, Callable[[dict], str]] = {}
_discovered = False

# A visible string that still looks like a code: dotted or colon-separated lowercase identifiers
# (`logistics.road`, `job:escalate_overdue`), snake_case words (`months_elapsed`) or key=value pairs.
RAW_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:[._:][a-z][a-z0-9_]*)+\b|\b[a-z]+_[a-z_]+\b|\b[a-z_]+=[^\s]+")


def register(kind: str, mapping: dict[str, Any]) -> None:
    _registry.setdefault(kind, {}).update(mapping)


def humanize(text: str) -> str:
    """Free text written by the platform (a timeline note) with any registered code inside replaced by its label:
    `#261 (similar_text)` → `#261（文本相似）`. Codes not registered anywhere are left as they are."""
    _discover()
    if not text:
        return text
    known = {}
    for mapping in _registry.values():
        known.update({k: v for k, v in mapping.items() if k != "*"})

    def swap(m):
        found = known.get(m.group(0))
        return str(found) if found is not None else m.group(0)

    return re.sub(r"\b[a-z][a-z0-9_]*(?:[.:][a-z][a-z0-9_]*)*\b", swap, text)


def register_facts(kind: str, sentence: Callable[[dict], str]) -> None:
    """A function turning one kind of structured facts (a warning's figures and thresholds) into a sentence."""
    _facts[kind] = sentence


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("labels")
        autodiscover_modules("workflows")
        workflow_event_labels()


def label(value: Any, kind: str) -> str:
    """The registered label of a code; an unknown code gets a generic label rather than the code itself."""
    _discover()
    if value in (None, ""):
        return ""
    found = _registry.get(kind, {}).get(str(value))
    if found is not None:
        return str(found)
    return str(_registry.get(kind, {}).get("*", value))


SYSTEM_ACTORS = {
    "command:seed_demo": _("System (initial data)"),
    "job:escalate_overdue": _("System (overdue escalation)"),
    "job:demands.escalate_overdue": _("System (overdue escalation)"),
    "command:escalate_overdue_demands": _("System (overdue escalation)"),
    "job:evaluate_warnings": _("System (warning evaluation)"),
    "job:projects.evaluate_warnings": _("System (warning evaluation)"),
    "job:demands.refresh_stats": _("System (statistics refresh)"),
    "command:refresh_demand_stats": _("System (statistics refresh)"),
    "job:chains.refresh_stats": _("System (statistics refresh)"),
    "command:refresh_chain_stats": _("System (statistics refresh)"),
    "job:enterprises.expire_recognitions": _("System (recognition expiry)"),
    "system": _("System"),
}
register("actor", SYSTEM_ACTORS)


def actor(value: str, user=None) -> str:
    """Who acted, as a reader says it: a person by name and organisation, a job or command as 系统（…）."""
    if user is not None:
        return person(user)
    value = value or ""
    _discover()
    known = _registry["actor"].get(value)
    if known is not None:
        return str(known)
    if value.startswith(("job:", "command:")) or value == "system":
        return gettext("System")
    return value


def person(user) -> str:
    """A user by display name and organisation: `科长（西湖区经信局）`; never a bare login name when more is known."""
    if user is None:
        return ""
    name = (getattr(user, "title", "") or user.get_full_name() or "").strip() if hasattr(user, "get_full_name") \
        else str(user)
    org = getattr(user, "organisation", None) if getattr(user, "organisation_id", None) else None
    org = org or (getattr(user, "enterprise", None) if getattr(user, "enterprise_id", None) else None)
    if name and org:
        return f"{name}（{org}）"
    if org:
        role = user.get_role_display() if hasattr(user, "get_role_display") else ""
        return f"{org} · {role}" if role else str(org)
    return name or getattr(user, "username", str(user))


def facts(value: dict | None, kind: str) -> str:
    """A warning's (or any rule's) facts as one sentence with the figures and thresholds."""
    _discover()
    if not value:
        return ""
    fn = _facts.get(kind)
    if fn is not None:
        try:
            return fn(value)
        except (KeyError, TypeError, ValueError):
            pass
    return "；".join(f"{v}" for v in value.values() if v not in (None, ""))


def _field_value(field, value, cache: dict) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field is None:
        return str(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.many_to_one:
        key = (field.related_model, value)
        if key not in cache:
            obj = field.related_model._base_manager.filter(pk=value).first()
            cache[key] = str(obj) if obj is not None else str(value)
        return cache[key]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?", value):
        from django.utils import timezone
        from django.utils.dateparse import parse_datetime

        parsed = parse_datetime(value)
        if parsed is not None:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed, timezone.utc)
            return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _entry_fields(entry) -> dict:
    from django.contrib.contenttypes.models import ContentType

    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    fields = {}
    if model is not None:
        for f in model._meta.concrete_fields:
            fields[f.attname] = fields[f.name] = f
    return fields


def resolve_related(entries) -> None:
    """Read the objects that a page of change-log entries names by foreign key (a handler, a department) with one
    query per related model, and leave their labels on each entry for `changes`, so that a history panel's
    queries do not grow with its entries."""
    wanted: dict = {}
    for entry in entries:
        if entry.action != "update":
            continue
        fields = _entry_fields(entry)
        for key, before, after in entry.changed_fields:
            f = fields.get(key)
            if f is not None and f.is_relation and f.many_to_one:
                wanted.setdefault(f.related_model, set()).update(v for v in (before, after) if v not in (None, ""))
    cache: dict = {}
    for model, keys in wanted.items():
        found = model._base_manager.in_bulk(list(keys))
        for key in keys:
            obj = found.get(key)
            if obj is None:  # a key kept as text in the snapshot: match it as the model's key type
                obj = next((o for k, o in found.items() if str(k) == str(key)), None)
            cache[(model, key)] = str(obj) if obj is not None else str(key)
    for entry in entries:
        entry._related_labels = cache


def changes(entry) -> list[tuple[str, str, str]]:
    """A change-log entry's changed fields: field name, value before and after as labels (choices by their
    label, foreign keys by the name of the object, times in the platform's time zone)."""
    fields = _entry_fields(entry)
    cache: dict = getattr(entry, "_related_labels", None) or {}
    rows = []
    for key, before, after in entry.changed_fields:
        if key in ("updated", "created"):
            continue
        f = fields.get(key)
        rows.append((str(f.verbose_name) if f is not None else key, _field_value(f, before, cache),
                     _field_value(f, after, cache)))
    return rows


def workflow_event_labels() -> None:
    """Every workflow transition's event reads as its past-tense label (`supervision.escalated` → 升级督办)."""
    from .workflow import REGISTRY

    for wf in REGISTRY.values():
        for t in getattr(wf, "transitions", {}).values() if isinstance(getattr(wf, "transitions", None), dict) \
                else getattr(wf, "transitions", []):
            if getattr(t, "event", None) and getattr(t, "past", None):
                _registry.setdefault("event", {}).setdefault(t.event, t.past)
