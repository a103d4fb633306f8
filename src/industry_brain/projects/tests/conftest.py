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
