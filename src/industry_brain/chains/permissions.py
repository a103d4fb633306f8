"""Named rights of ecosystems and chains, declared once for `core.permissions.can`.

Who sees and changes ecosystems, chains, nodes and memberships is each model's `scope` (`models.py`); who designates
a chain-master is the nomination workflow's `may` (`nominations.py`). The right below is neither: the membership
service and its workflow ask `can(user, "place", ChainMembership)` and never test a role themselves.
"""

from __future__ import annotations

from industry_brain.core.permissions import is_city, rule

from .models import ChainMembership


@rule(ChainMembership, "place")
def may_place(user, _membership) -> bool:
    """Place a firm in a chain node with immediate effect, and decide (confirm or reject) a work team's proposal:
    the city bureau. A work team places within its ecosystem too (its add scope), but as a proposal that counts
    for scope and figures only once the city confirms it."""
    return is_city(user)
