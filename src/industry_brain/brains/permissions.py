"""Named rights of the industry brains, declared once for `core.permissions.can`.

Which brains and operating reports a user sees is each model's `scope` (`models.py`); the rights below are
neither. Views, templates and the API ask `can(user, "<name>", obj_or_model)` and never test a role themselves.
"""

from __future__ import annotations

from industry_brain.accounts.choices import Role
from industry_brain.core.permissions import is_city, rule

from .models import Brain


@rule(Brain, "edit")
def may_edit(user, _brain) -> bool:
    """Add or change a brain (its nodes, industries, keywords) and refresh its figures: the city bureau."""
    return is_city(user)


@rule(Brain, "share_data")
def may_share_data(user, _brain) -> bool:
    """Share the own firm's monthly operating data with a brain and see its position among the sharing firms: an
    enterprise account (for its own firm only)."""
    return user.role == Role.ENTERPRISE and user.enterprise_id is not None
