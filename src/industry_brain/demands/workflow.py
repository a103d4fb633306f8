"""The demand state machine, in one place: which step is allowed from which status, and who may take it.

    submitted ──accept──▶ accepted ──start──▶ in_progress ──resolve──▶ resolved ──rate──▶ closed
                              ▲  │                 │                                │
                              └──┴──transfer───────┘          rate "dissatisfied" ──┘─▶ in_progress (reopened)

A step from a status not listed answers 409 (TransitionNotAllowed); a step by someone who may see the
demand but is not the one to take it answers 403; someone who cannot see the demand gets 404.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industry_brain.accounts.choices import Role
from industry_brain.core.exceptions import TransitionNotAllowed

from .choices import DemandStatus as S


def is_reviewer(user, demand) -> bool:
    """The city bureau, and the district bureau of the enterprise's district, accept demands."""
    return user.is_city or (user.role == Role.DISTRICT and user.district_code == demand.district_id)


def is_coordinator(user, demand) -> bool:
    """Users of the coordinating department (and the city bureau) handle and resolve."""
    return user.is_city or (user.role == Role.DEPARTMENT and demand.department_id is not None
                            and user.organisation_id == demand.department_id)


def is_enterprise(user, demand) -> bool:
    """Only the enterprise's own users rate (not even the city bureau rates on its behalf)."""
    return user.role == Role.ENTERPRISE and user.enterprise_id == demand.enterprise_id


def is_coordinator_or_reviewer(user, demand) -> bool:
    return is_coordinator(user, demand) or is_reviewer(user, demand)


@dataclasses.dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the status does not change (rate decides between closed and in_progress)
    may: object  # callable(user, demand) -> bool


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({S.SUBMITTED}), S.ACCEPTED, is_reviewer),
    "start": Transition(frozenset({S.ACCEPTED}), S.IN_PROGRESS, is_coordinator),
    "transfer": Transition(frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.ACCEPTED, is_coordinator_or_reviewer),
    "cohandle": Transition(frozenset({S.ACCEPTED, S.IN_PROGRESS}), None, is_coordinator),
    "resolve": Transition(frozenset({S.IN_PROGRESS}), S.RESOLVED, is_coordinator),
    "rate": Transition(frozenset({S.RESOLVED}), None, is_enterprise),
}


def check(action: str, *, demand, actor) -> Transition:
    """Raise PermissionDenied (403) or TransitionNotAllowed (409) unless `actor` may take `action` now."""
    t = TRANSITIONS[action]
    if not t.may(actor, demand):
        raise PermissionDenied(_("You are not the one to take this step for this demand."))
    if demand.status not in t.sources:
        raise TransitionNotAllowed(_("A demand that is %(status)s cannot be %(action)s.") % {
            "status": demand.get_status_display(), "action": ACTION_PAST.get(action, action)})
    return t


def allowed_actions(demand, user) -> list[str]:
    """The steps `user` may take on `demand` now (drives the action forms on the detail page)."""
    return [name for name, t in TRANSITIONS.items() if demand.status in t.sources and t.may(user, demand)]


ACTION_PAST = {"accept": gettext_lazy("accepted"), "start": gettext_lazy("started"),
               "transfer": gettext_lazy("transferred"), "cohandle": gettext_lazy("co-handled"),
               "resolve": gettext_lazy("resolved"), "rate": gettext_lazy("rated")}
