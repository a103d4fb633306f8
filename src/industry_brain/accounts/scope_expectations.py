"""Scope expectations of the accounts routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md): for each
URL name (page) or API route name, each method, the status every role gets."""

from industry_brain.testing.scope_matrix import case

EXPECTATIONS = {
    "accounts:login": [
        case(everyone=302, anonymous=200, note="signed-in users go home"),
        case("post", everyone=302, anonymous=200, note="an empty form is answered with its errors"),
    ],
    "accounts:logout": case("post", everyone=302),
    "accounts:profile": case(everyone=200),
    "api-me": case(everyone=200),
    "api-token": case("post", everyone=400, anonymous=400, note="an empty body is refused"),
    "department-detail": case(kwargs=lambda w: {"pk": w.department.pk}, everyone=200),
    "department-list": case(everyone=200),
}
