"""The warning rules and their versions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from industry_brain.core.events import event_record
from industry_brain.core.permissions import ensure_can

from .. import rules as rule_engine
from ..models import (
    WarningRule,
    WarningRuleVersion,
)
from ._common import _user

# ---------------------------------------------------------------------------------------------------------
# Warning rules (edited by city administrators; every edit is a new version)
# ---------------------------------------------------------------------------------------------------------

@transaction.atomic
def rules_ensure_defaults() -> int:
    """Create the shipped rules that do not exist yet (migration 0002 and the demo call this)."""
    created = 0
    for spec in rule_engine.DEFAULT_RULES:
        if WarningRule.objects.filter(Q(code=spec["code"]) | Q(kind=spec["kind"])).exists():
            continue
        rule = WarningRule.objects.create(code=spec["code"], kind=spec["kind"], name=spec["name"],
                                          description=spec["description"], source=spec["source"],
                                          thresholds=spec["thresholds"], level=spec.get("level", "red"))
        _rule_snapshot(rule, None)
        created += 1
    return created


def _rule_snapshot(rule: WarningRule, actor) -> None:
    WarningRuleVersion.objects.create(rule=rule, version=rule.version, name=rule.name, description=rule.description,
                                      thresholds=rule.thresholds, level=rule.level, is_active=rule.is_active,
                                      changed_by=_user(actor))


@transaction.atomic
def rule_update(*, actor, rule: WarningRule, data: dict[str, Any]) -> WarningRule:
    """Edit a rule's texts, thresholds, maximum level or activation (city bureau); makes a new version."""
    ensure_can(actor, "change", rule, _("Only the city bureau edits warning rules."))
    rule = WarningRule.objects.select_for_update().get(pk=rule.pk)
    changed = []
    for field in ("name", "description", "source", "thresholds", "level", "is_active"):
        if field in data and getattr(rule, field) != data[field]:
            setattr(rule, field, data[field])
            changed.append(field)
    if not changed:
        return rule
    problems = rule_engine.threshold_errors(rule.kind, rule.thresholds)
    if problems:
        raise ValidationError({"thresholds": problems})
    rule.full_clean()
    rule.version += 1
    rule.save()
    _rule_snapshot(rule, actor)
    event_record(kind="warning_rule.changed", message=_("Rule %(code)s is now version %(v)s")
                 % {"code": rule.code, "v": rule.version}, obj=rule, actor=actor,
                 data={"changed": changed, "thresholds": rule.thresholds})
    return rule
