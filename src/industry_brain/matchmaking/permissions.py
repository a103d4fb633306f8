"""Named rights of matchmaking and chain gaps, declared once for `core.permissions.can`.

Which listings, events, registrations, deals and attraction targets a user sees and changes is each model's
`scope` (`models.py`); who takes an event or deal step is the workflows' `may` (`workflows.py`). The rights below
are neither: the gap pages, the gap API and the deal service ask `can(user, "<name>", obj_or_model)` and never test
a role themselves.
"""

from __future__ import annotations

from industry_brain.accounts.choices import Role
from industry_brain.chains.models import Chain
from industry_brain.core.permissions import is_city, rule

from .models import Intention


@rule(Chain, "read_gaps")
def may_read_gaps(user, chain) -> bool:
    """Study a chain's gaps (local share per node, completeness, leading firms, whom to attract): the city, and
    the work team of the chain's ecosystem. Model target: the city and every work team (which chains, each asks)."""
    if is_city(user):
        return True
    if user.role != Role.CHAIN_TEAM:
        return False
    return chain is None or chain.ecosystem_id == user.ecosystem_id


@rule(Intention, "own_follow_up")
def may_own_follow_up(user, _intention) -> bool:
    """Own the follow-up of a deal one records (its reminders, and reading the deal as its owner): any account
    that is not a firm's own. A firm recording its own deal leaves it without an owner."""
    return user.role != Role.ENTERPRISE
