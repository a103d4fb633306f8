"""Named rights of matchmaking and chain gaps, declared once for `core.permissions.can`.

Which listings, events, registrations, deals and attraction targets a user sees and changes is each model's
`scope` (`models.py`); who takes an event or deal step is the workflows' `may` (`workflows.py`). The right below is
neither: the gap pages and the gap API ask `can(user, "read_gaps", chain_or_Chain)` and never test a role
themselves.
"""

from __future__ import annotations

from industry_brain.accounts.choices import Role
from industry_brain.chains.models import Chain
from industry_brain.core.permissions import is_city, rule


@rule(Chain, "read_gaps")
def may_read_gaps(user, chain) -> bool:
    """Study a chain's gaps (local share per node, completeness, leading firms, whom to attract): the city, and
    the work team of the chain's ecosystem. Model target: the city and every work team (which chains, each asks)."""
    if is_city(user):
        return True
    if user.role != Role.CHAIN_TEAM:
        return False
    return chain is None or chain.ecosystem_id == user.ecosystem_id
