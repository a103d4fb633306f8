import pytest

TRANSACTIONAL = {"transactional_db", "live_server", "browser_page"}


@pytest.fixture(autouse=True)
def _default_rules(request):
    """The shipped rules come from a data migration; a transactional test (the browser test) flushes them, so
    make sure they exist in every database test."""
    names = set(request.fixturenames)
    if names & TRANSACTIONAL:
        return  # the browser test loads them itself once the live server's database is up
    if not ("db" in names or "world" in names or request.node.get_closest_marker("django_db")):
        return
    request.getfixturevalue("db")
    from industry_brain.projects.services import rules_ensure_defaults

    rules_ensure_defaults()


@pytest.fixture
def seeded(db):
    """The tiny demo world with its projects (the seeder's own users), for tests that compare two read or write
    paths over realistic data."""
    from industry_brain.core.context import acting_as
    from industry_brain.demo.foundation import seed_foundation
    from industry_brain.demo.projects import seed_projects

    with acting_as(None, label="command:seed_demo"):
        users = seed_foundation(scale="tiny", seed=2022)["users"]
        seed_projects(scale="tiny", seed=2022, users=users)
    return users
