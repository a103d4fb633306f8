"""Named rights of the supply network, chain-break risk and emergency mode, declared once for `core.permissions.can`.

Which firms' supply facts and risk results a user sees or corrects is `supply_scope` and each model's `scope`
(`models.py`); who confirms a white-list entry or ends an emergency is the workflows' `may` (`workflows.py`). The
rights below are neither: views, templates, services, selectors, importers and the API ask
`can(user, "<name>", obj_or_model)` and never test a role themselves. A model target asks whether the user has
the right for any object at all (menus, buttons, which page to show); an instance asks about that object.
"""

from __future__ import annotations

from django.db.models import Q

from industry_brain.accounts.choices import Role
from industry_brain.core.permissions import can, is_city, rule
from industry_brain.enterprises.models import Enterprise

from .models import Emergency, ExternalFirm, MatchReview, Material, Scenario, ScenarioResult, SupplyLink, supply_scope


def _network_party(user) -> bool:
    """Those who keep supply-network facts: the city, district bureaus, chain teams and the firms themselves
    (departments and cadres do not)."""
    return is_city(user) or user.role in (Role.DISTRICT, Role.CHAIN_TEAM, Role.ENTERPRISE)


def supply_firms(user, action: str = "view") -> Q | None:
    """The local enterprises whose supply facts the user may `action`, as a Q over `Enterprise`: `supply_scope`
    applied as `restrict()` applies a model's scope, so Q() (every firm) for the city bureau and superusers, and
    None for no firm at all."""
    if is_city(user):
        return Q()
    return supply_scope(user, action, prefix="")


# ---------------------------------------------------------------------------------------------- network and risk

@rule(SupplyLink, "view_network")
def may_view_network(user, _link) -> bool:
    """Read the whole supply network and every firm's risk results without a per-firm filter (the figures stored
    with a run, every firm's chain-break points and node security): whoever's supply scope is every firm, the city
    bureau. Other readers aggregate the rows of their own scope."""
    return is_city(user)


@rule(SupplyLink, "import")
def may_import_links(user, _link) -> bool:
    """Import a file of supply links: the city, district bureaus and the firms; each row's customer must then lie
    within the importer's add scope (a chain team reads its members' inputs but does not record them)."""
    return is_city(user) or user.role in (Role.DISTRICT, Role.ENTERPRISE)


@rule(SupplyLink, "prescreen")
def may_prescreen(user, _link) -> bool:
    """Read the structural pre-screen (single-source, concentrated and outside-province inputs, chain-break points)
    over the inputs in scope: the analysts and the firms."""
    return _network_party(user)


@rule(Material, "register")
def may_register_material(user, _material) -> bool:
    """Name a new material (importers create unknown materials through the same service): those who keep network
    facts."""
    return _network_party(user)


@rule(ExternalFirm, "register")
def may_register_external_firm(user, _firm) -> bool:
    """Register a supplier outside the city: those who keep network facts."""
    return _network_party(user)


@rule(Enterprise, "correct_supply")
def may_correct_supply(user, enterprise) -> bool:
    """Correct a firm's supply inputs (production profile, bill of materials, its links) on its risk card: whoever's
    supply `change` scope holds the firm — the city, the firm's district bureau, the firm itself."""
    q = supply_firms(user, "change")
    if q is None:
        return False
    if enterprise is None or not q:
        return True
    return Enterprise.objects.filter(pk=enterprise.pk).filter(q).exists()


@rule(Enterprise, "set_recovery")
def may_set_local_recovery(user, site) -> bool:
    """Set the time to recover of a local supplier site: the city bureau for any firm, a firm's account for its
    own site."""
    if is_city(user):
        return True
    if user.role != Role.ENTERPRISE:
        return False
    return site is None or site.pk == user.enterprise_id


@rule(ExternalFirm, "set_recovery")
def may_set_external_recovery(user, _site) -> bool:
    """Set the time to recover of a supplier outside the city: the city bureau."""
    return is_city(user)


@rule(MatchReview, "decide")
def may_decide_match(user, review) -> bool:
    """Confirm or reject an imported name's match with a known firm: the city bureau for any match, the account
    that uploaded the file for its own. Model target: who has a list of matches to confirm (the analysts and the
    firms)."""
    if review is None:
        return _network_party(user)
    return is_city(user) or review.uploaded_by_id == user.pk


@rule(Scenario, "run")
def may_run_scenario(user, scenario) -> bool:
    """Run a chain-break scenario (or analyse a posted network): the analysts who save scenarios (the city,
    district bureaus, chain teams); a saved scenario must also be one the user sees."""
    if not can(user, "add", Scenario):
        return False
    return scenario is None or can(user, "view", scenario)


@rule(ScenarioResult, "raise_demand")
def may_raise_demand_from_result(user, result) -> bool:
    """Turn a result's alternative supplier into a demand from the scenario page: the bureaus that organise firms'
    service and raise demands as the bureau (the city, a district bureau for the firms of its district); the demand
    service then checks the firm again."""
    return can(user, "organise_service", Enterprise if result is None else result.enterprise)


# ---------------------------------------------------------------------------------------------- emergency mode

@rule(Emergency, "follow")
def may_follow_emergencies(user, _emergency) -> bool:
    """Open emergency mode even while no emergency concerns the user: the risk analysts (the city, district
    bureaus, chain teams). A team's department and a white-listed firm open it once an emergency concerns them
    (the emergency's view scope)."""
    return can(user, "view", Scenario)


@rule(Emergency, "propose_whitelist")
def may_propose_whitelist(user, _emergency) -> bool:
    """Propose the key firms of an emergency from its risk results: the city bureau, which activated it."""
    return is_city(user)


@rule(Emergency, "route_request")
def may_route_request(user, _emergency) -> bool:
    """Route an emergency request to the emergency team in person (accept the demand it becomes): the city bureau.
    A request raised by anyone else is routed on the city's behalf (`city_router`)."""
    return is_city(user)


def city_router():
    """The account on whose behalf a request raised by a firm or a district is routed to the emergency team: the
    first active account of the city bureau (None when there is none)."""
    from industry_brain.accounts.models import User

    return User.objects.filter(role=Role.CITY, is_active=True).order_by("pk").first()
