"""The scope meta-test: every route (page and API, each method) × every role, against the declarations in each
app's `scope_expectations.py` (docs/scope.md). A route without a declaration for every role fails; every GET
answered 200 must not show a row or a figure outside the role's scope."""

import os

import pytest

from industry_brain.testing import ALL_ROLES
from industry_brain.testing.scope_matrix import (
    build_scope_world,
    case,
    draft,
    expectations,
    missing,
    routes,
    run_route,
)

ROUTES = routes()


def test_every_route_has_an_expectation_for_every_role():
    declared = expectations()
    problems = []
    for route in ROUTES:
        if route.name not in declared:
            problems.append(f"{route.name} ({route.pattern}, {'/'.join(m.upper() for m in route.methods)}): "
                            f"no declaration (industry_brain/{route.app}/scope_expectations.py)")
        else:
            problems += missing(route, declared[route.name])
    names = {r.name for r in ROUTES}
    problems += [f"{name}: declared but not a route" for name in declared if name not in names]
    assert not problems, "\n".join(problems)


def test_the_matrix_knows_pages_api_lists_details_and_actions():
    by_name = {r.name: r for r in ROUTES}
    assert not by_name["chains:chain_detail"].api and by_name["chains:chain_detail"].methods == ("get",)
    assert by_name["chain-membership-list"].methods == ("get", "post")
    assert by_name["chain-membership-detail"].methods == ("get", "delete")
    assert by_name["chain-master-designate"].methods == ("post",)
    assert by_name["enterprise-detail"].methods == ("get", "patch", "delete")  # PUT is not offered


def test_a_case_needs_every_role():
    route = next(r for r in ROUTES if r.name == "chains:chain_detail")
    problems = missing(route, [case(city=200)])
    assert f"chains:chain_detail GET: no expectation for {ALL_ROLES[1]}" in problems
    assert not missing(route, [case(everyone=200)])


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_route_scope(route):
    cases = expectations().get(route.name)
    if not cases:
        pytest.fail(f"{route.name} has no declared scope expectation (docs/scope.md)")
    world = build_scope_world()
    failures = run_route(route, cases, world)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("SCOPE_DRAFT"), reason="prints a draft declaration when SCOPE_DRAFT=<app>")
def test_print_draft_declarations():
    print(draft(os.environ["SCOPE_DRAFT"], build_scope_world()))
