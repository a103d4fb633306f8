"""Every cultivation route × every role, as declared in `scope_expectations.py` (the same machinery as the
project-wide meta-test, run here on this app's routes alone)."""

import pytest

from industry_brain.cultivation.scope_expectations import EXPECTATIONS
from industry_brain.testing.scope_matrix import _normalise, build_scope_world, missing, routes, run_route

MINE = [r for r in routes() if r.name in EXPECTATIONS]


def test_every_cultivation_route_is_declared():
    names = {r.name for r in routes() if r.app == "cultivation"}
    assert names == set(EXPECTATIONS) & names and names <= set(EXPECTATIONS)
    for r in MINE:
        assert not missing(r, _normalise(EXPECTATIONS[r.name]))


@pytest.mark.django_db
@pytest.mark.parametrize("route", MINE, ids=[r.name for r in MINE])
def test_route_scope(route):
    failures = run_route(route, _normalise(EXPECTATIONS[route.name]), build_scope_world())
    assert not failures, "\n".join(failures)
