"""No role literal decides a right in any app of the platform.

Who may do what is declared in three places only: each model's `scope` (models), the workflows' `may`
(`workflows.py`) and the named rights (`permissions.py`). Views, forms, panels, services, selectors, importers,
the API and templates ask `core.permissions.can` (`{% can %}` in templates). This test reads their sources and
fails on any line that tests a role (`user.role == ...`, `is_city`, `Role.X`, `role in (...)`, `role=`) unless the
line is in the allow-list below, each entry with the reason it grants no right. An allow-list entry that no longer
matches a line fails too, so the list cannot outlive the code it excuses.

Every app is read (`demo` seeds data and `testing` builds test worlds: neither is the application). No entry
grants a right: a line that would (a role deciding who may do what) is moved to a declared right, not listed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "src" / "industry_brain"
APPS = ("core", "accounts", "enterprises", "chains", "projects", "demands", "supply", "cultivation", "factories",
        "monitoring", "matchmaking", "brains", "policies")

# Where roles are declared (the rules themselves: the roles in `accounts/choices.py`, the named rights in
# `permissions.py` or, for the registry, `enterprises/rules.py`, the city's everything in `restrict()`), and code that
# is not the application's (seed data).
DECLARATIONS = ("models.py", "permissions.py", "workflows.py", "scope_expectations.py", "demo.py")
RULE_FILES = ("accounts/choices.py", "enterprises/rules.py", "core/querysets.py")
SKIPPED_DIRS = {"tests", "migrations", "models", "locale", "__pycache__"}

PYTHON_ROLE_TEST = re.compile(
    r"\.role\b|\bis_city\b|\bRole\.[A-Z_]+|\brole\s*(==|!=|\bin\b|\bnot in\b)|\brole\s*=(?!=)"
    r"|getattr\([^)]*[\"']role[\"']")
TEMPLATE_ROLE_TEST = re.compile(r"\.role\b|\bis_city\b|\bis_superuser\b")

HOME_PANEL = "which home panel (and which of its lists) a role gets; every list reads through restricted selectors"
RECIPIENTS = "whom a notification goes to (the accounts of a department, firm, district or the city), not a right"
ACCOUNT_PICKER = "which accounts may fill the field (department staff, cadre accounts); the service checks the rest"
CACHE_KEY = "names the cache of a view scope shared by its users; the cached data come from restrict()"
MENU = "which menu entries a role sees (register_nav roles); each page asks its own right"
LABEL = "shows the name of the user's role; decides nothing"
READER = "the platform's own reader for scheduled city documents, declared as the city; no user gets it"
PARTICIPANT = "a firm's part at a matchmaking event (buyer, seller, both), not a user's role"
ATTRIBUTION = "to which department imported amounts are attributed (the importing department's own); grants nothing"
AUDIT = "whose reads the confidential-read log skips (a firm reading its own figures); grants nothing"
WORKFLOW = "the workflow's `may`, declared with its transitions (a declaration, like workflows.py)"

# (path under src/industry_brain, the line without surrounding spaces) -> why it grants no right
ALLOWED: dict[tuple[str, str], str] = {
    ("projects/selectors.py", "if user.is_city:"): CACHE_KEY,
    ("projects/selectors.py", "if user.role == Role.DISTRICT:"): CACHE_KEY,
    ("projects/selectors.py", "if user.role == Role.ENTERPRISE:"): CACHE_KEY,
    ("projects/selectors.py", "if user.role == Role.CHAIN_TEAM:"): CACHE_KEY,
    ("projects/panels.py", 'if user.role not in ("city", "district", "enterprise", "chain_team") and not '
                           "user.is_superuser:"): HOME_PANEL,
    ("projects/panels.py", 'if user.role == "enterprise":'): HOME_PANEL,
    ("projects/panels.py", 'if user.role != "enterprise":'): HOME_PANEL,
    ("projects/panels.py", 'if user.role in ("city", "district") or user.is_superuser:'): HOME_PANEL,
    ("demands/panels.py", "role = user.role"): HOME_PANEL,
    ("demands/panels.py", 'if role == "department":'): HOME_PANEL,
    ("demands/panels.py", 'if role == "enterprise":'): HOME_PANEL,
    ("demands/panels.py", 'if role in ("city", "district"):'): HOME_PANEL,
    ("demands/panels.py", 'escalated = qs.filter(status__in=selectors.HANDLING, escalation_level__gte=1 if role == '
                          '"district" else 2)'): HOME_PANEL,
    ("demands/panels.py", 'if role == "cadre":'): HOME_PANEL,
    ("demands/panels.py", 'if user.role != "cadre":'): HOME_PANEL,
    ("demands/services/_common.py", "return User.objects.filter(role=Role.DEPARTMENT, organisation_id=department_id, "
                                    "is_active=True)"): RECIPIENTS,
    ("demands/services/_common.py", "return User.objects.filter(role=Role.ENTERPRISE, enterprise_id=enterprise_id, "
                                    "is_active=True)"): RECIPIENTS,
    ("demands/services/_common.py", "return User.objects.filter(role=Role.DISTRICT, organisation__district_id=code, "
                                    "is_active=True)"): RECIPIENTS,
    ("demands/services/_common.py", "return User.objects.filter(role=Role.CITY, is_active=True)"): RECIPIENTS,
    ("demands/api/serializers.py", "user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter("
                                   "role=Role.CADRE), required=False,"): ACCOUNT_PICKER,
    ("demands/api/serializers.py", "handler = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter("
                                   "role=Role.DEPARTMENT), required=False,"): ACCOUNT_PICKER,
    ("demands/forms.py", 'role=Role.DEPARTMENT).order_by("username"), required=False,'): ACCOUNT_PICKER,
    ("demands/autocomplete.py", 'staff = User.objects.filter(role=Role.DEPARTMENT, is_active=True).select_related('
                                '"organisation")'): ACCOUNT_PICKER,
    ('core/context_processors.py', 'role = getattr(user, "role", None) if user is not None and '
                                   'user.is_authenticated else None'): MENU,
    ('core/context_processors.py', 'if roles is None or role in roles or (superuser and "city" in '
                                   'roles):'): MENU,
    ('core/labels.py', 'role = user.get_role_display() if hasattr(user, "get_role_display") else ""'): LABEL,
    ('enterprises/services.py', 'if actor.role == "enterprise" and actor.enterprise_id == '
                                'enterprise.pk:'): AUDIT,
    ('chains/nominations.py', 'def is_city(user, master) -> bool:'): WORKFLOW,
    ('chains/nominations.py', 'return bool(user.is_city)'): WORKFLOW,
    ('chains/nominations.py', 'Transition("designate", sources={S.NOMINATED}, target=S.DESIGNATED, '
                              'may=is_city,'): WORKFLOW,
    ('chains/nominations.py', 'Transition("revoke", sources={S.NOMINATED, S.DESIGNATED}, '
                              'target=S.REVOKED, may=is_city,'): WORKFLOW,
    ('monitoring/briefing.py', 'role = "city"'): READER,
    ('monitoring/briefing.py', 'is_city = True'): READER,
    ('monitoring/panels.py', 'if user.role not in ("city", "district", "enterprise") and not '
                             'user.is_superuser:'): HOME_PANEL,
    ('monitoring/panels.py', 'if user.role == "enterprise":'): HOME_PANEL,
    ('monitoring/views.py', 'if dimension == "city" and not user.is_city and user.role == "district":'): MENU,
    ('monitoring/views.py', 'elif dimension == "city" and not user.is_city and user.role == '
                            '"chain_team":'): MENU,
    ('matchmaking/api/serializers.py', 'role = serializers.ChoiceField(choices=ParticipantRole.choice'
                                       's, default=ParticipantRole.BOTH)'): PARTICIPANT,
    ('matchmaking/api/views.py', 'role=s.validated_data["role"])'): PARTICIPANT,
    ('matchmaking/forms.py', 'role = forms.ChoiceField(label=_("Role"), '
                             'choices=ParticipantRole.choices)'): PARTICIPANT,
    ('matchmaking/panels.py', 'if user.role == "department":'): HOME_PANEL,
    ('matchmaking/panels.py', 'if user.role != "city":'): HOME_PANEL,
    ('matchmaking/panels.py', 'late = late.filter(owner=user) if user.role in ("chain_team", '
                              '"cadre") else late'): HOME_PANEL,
    ('matchmaking/services.py', 'registration = Registration(event=event, enterprise=enterprise, '
                                'role=role, invited=organiser)'): PARTICIPANT,
    ('matchmaking/views.py', 'role=form.cleaned_data["role"])'): PARTICIPANT,
    ('brains/selectors.py', 'system = User(role="city", is_superuser=True, is_active=True)  # an '
                            'unsaved reader who sees everything'): READER,
    ('policies/importers.py', 'department_id = self.actor.organisation_id if self.actor.role == '
                              '"department" else None'): ATTRIBUTION,
    ('policies/services.py', 'return User.objects.filter(role=Role.ENTERPRISE, enterprise_id__in=enterprise_ids, '
                             'is_active=True)'): RECIPIENTS,
    ('policies/panels.py', 'if user.role == "enterprise":'): HOME_PANEL,
    ('policies/panels.py', 'if user.is_city or user.role in ("department", "district"):'): HOME_PANEL,
    ('policies/panels.py', 'if user.role in ("department", "district"):'): HOME_PANEL,
    ('policies/panels.py', 'mine = {"policy__department_id": user.organisation_id} if user.role == "department" '
                           'else {'): HOME_PANEL,
}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*")):
            rel = path.relative_to(ROOT)
            if SKIPPED_DIRS & set(rel.parts[:-1]) or path.name in DECLARATIONS or rel.as_posix() in RULE_FILES:
                continue
            if path.suffix == ".py":
                yield rel, path, PYTHON_ROLE_TEST
            elif path.suffix == ".html":
                yield rel, path, TEMPLATE_ROLE_TEST


def _role_tests():
    found = []
    for rel, path, pattern in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0] if path.suffix == ".py" else line
            if pattern.search(code):
                found.append((rel.as_posix(), number, line.strip()))
    return found


def test_no_role_literal_decides_a_right_in_any_app():
    unexplained = [f"{rel}:{number}: {line}" for rel, number, line in _role_tests()
                   if (rel, line) not in ALLOWED]
    assert not unexplained, (
        "A role is tested outside the declarations; ask core.permissions.can (or {% can %}) and declare the right "
        "in the model's scope, the workflow or the app's permissions.py:\n" + "\n".join(unexplained))


def test_every_allowed_role_test_still_exists():
    present = {(rel, line) for rel, _number, line in _role_tests()}
    stale = [f"{rel}: {line}" for rel, line in ALLOWED if (rel, line) not in present]
    assert not stale, "Allow-list entries that match no line any more (remove them):\n" + "\n".join(stale)


@pytest.mark.parametrize("line", [
    'if user.role == "district":', "if request.user.is_city:", "qs.filter(role=Role.CADRE)",
    'if getattr(actor, "role", "enterprise") != "enterprise":',
    'if role in ("city", "district"):', "elif user.role != Role.ENTERPRISE:",
])
def test_the_scan_recognises_a_role_test(line):
    assert PYTHON_ROLE_TEST.search(line)


@pytest.mark.parametrize("line", [
    'if can(user, "change", project):', 'fields = ["district", "role_name"]', "roles = registry.nav_roles",
])
def test_the_scan_leaves_other_code_alone(line):
    assert not PYTHON_ROLE_TEST.search(line)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_import_page_asks_a_declared_right():
    """An import page opens to `can(user, "import", import_model)` (no role default): each page names its model,
    whose app declares the "import" right, or asks its own right in `allowed()`."""
    from django.urls import get_resolver

    from industry_brain.core.permissions import _rule_for
    from industry_brain.core.views import ExcelImportView

    assert get_resolver().url_patterns  # imports every app's views
    pages = list(_subclasses(ExcelImportView))
    assert len(pages) >= 6
    undeclared = [page.__name__ for page in pages if page.allowed is ExcelImportView.allowed and (
        page.import_model is None or _rule_for(page.import_model, "import") is None)]
    assert not undeclared, f"Import pages without a declared import right: {undeclared}"
