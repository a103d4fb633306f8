"""No role literal decides a right in the projects and demands apps.

Who may do what is declared in three places only: each model's `scope` (models), the workflows' `may`
(`workflows.py`) and the named rights (`permissions.py`). Views, forms, panels, services, selectors, importers,
the API and templates ask `core.permissions.can` (`{% can %}` in templates). This test reads their sources and
fails on any line that tests a role (`user.role == ...`, `is_city`, `Role.X`, `role in (...)`, `role=`) unless the
line is in the allow-list below, each entry with the reason it grants no right. An allow-list entry that no longer
matches a line fails too, so the list cannot outlive the code it excuses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "src" / "industry_brain"
APPS = ("projects", "demands")

# Where roles are declared (the rules themselves), and code that is not the application's.
DECLARATIONS = ("models.py", "permissions.py", "workflows.py", "scope_expectations.py")
SKIPPED_DIRS = {"tests", "migrations", "models", "locale", "__pycache__"}

PYTHON_ROLE_TEST = re.compile(
    r"\.role\b|\bis_city\b|\bRole\.[A-Z_]+|\brole\s*(==|!=|\bin\b|\bnot in\b)|\brole\s*=(?!=)")
TEMPLATE_ROLE_TEST = re.compile(r"\.role\b|\bis_city\b|\bis_superuser\b")

HOME_PANEL = "which home panel (and which of its lists) a role gets; every list reads through restricted selectors"
RECIPIENTS = "whom a notification goes to (the accounts of a department, firm, district or the city), not a right"
ACCOUNT_PICKER = "which accounts may fill the field (department staff, cadre accounts); the service checks the rest"
CACHE_KEY = "names the cache of a view scope shared by its users; the cached data come from restrict()"

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
}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*")):
            rel = path.relative_to(ROOT)
            if SKIPPED_DIRS & set(rel.parts[:-1]) or path.name in DECLARATIONS:
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


def test_no_role_literal_decides_a_right_in_projects_and_demands():
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
    'if role in ("city", "district"):', "elif user.role != Role.ENTERPRISE:",
])
def test_the_scan_recognises_a_role_test(line):
    assert PYTHON_ROLE_TEST.search(line)


@pytest.mark.parametrize("line", [
    'if can(user, "change", project):', 'fields = ["district", "role_name"]', "roles = registry.nav_roles",
])
def test_the_scan_leaves_other_code_alone(line):
    assert not PYTHON_ROLE_TEST.search(line)
