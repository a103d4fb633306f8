"""Named rights of policy benefits, declared once for `core.permissions.can`.

Which policies, eligibilities and ledger amounts a user sees is each model's `scope` (`models.py`); who takes an
eligibility step is the workflow's `may` (`workflows.py`). The rights below are neither: views, templates and the
API ask `can(user, "<name>", obj_or_model)` and never test a role themselves.
"""

from __future__ import annotations

from industry_brain.accounts.choices import Role
from industry_brain.core.permissions import is_city, rule

from .models import LedgerEntry, PolicyItem


@rule(LedgerEntry, "import")
def may_import_ledger(user, _entry) -> bool:
    """Import burden-reduction amounts from a file: the city bureau and the departments that run the measures."""
    return is_city(user) or user.role == Role.DEPARTMENT


@rule(PolicyItem, "view_uptake")
def may_view_uptake(user, _item) -> bool:
    """See how a policy item is taken up across firms (eligible, notified, paid counts; the firms' standings, each
    read within scope): the public side. A firm sees its own benefits only."""
    return user.role != Role.ENTERPRISE
