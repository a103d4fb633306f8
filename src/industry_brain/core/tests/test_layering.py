"""Core imports no domain app: every module under `core` (tests excepted) is scanned for imports of the apps
built on it, absolute or relative. The domain may import core, never the other way round."""

import ast
from pathlib import Path

import industry_brain

PACKAGE = Path(industry_brain.__file__).resolve().parent
CORE = PACKAGE / "core"
DOMAIN = sorted(p.name for p in PACKAGE.iterdir()
                if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"core", "locale", "static",
                                                                                    "templates"})


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    depth = len(path.relative_to(PACKAGE).parts) - 1  # core/x.py → 1, core/templatetags/x.py → 2
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the package
                base = list(path.relative_to(PACKAGE).parts[:-1])
                up = base[: max(len(base) - (node.level - 1), 0)] if node.level <= depth + 1 else []
                module = ".".join(["industry_brain", *up, *([module] if module else [])])
            yield node.lineno, module
            for alias in node.names:  # `from industry_brain import demands`
                if module == "industry_brain":
                    yield node.lineno, f"industry_brain.{alias.name}"


def core_modules():
    return [p for p in CORE.rglob("*.py") if "tests" not in p.relative_to(CORE).parts
            and "migrations" not in p.relative_to(CORE).parts]


def test_there_are_domain_apps_and_core_modules_to_scan():
    assert {"demands", "projects", "chains", "enterprises", "accounts"} <= set(DOMAIN)
    assert len(core_modules()) > 20


def test_core_imports_no_domain_app():
    offenders = []
    for path in core_modules():
        for line, module in _imports(path):
            parts = module.split(".")
            if len(parts) >= 2 and parts[0] == "industry_brain" and parts[1] in DOMAIN:
                offenders.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert offenders == []


def test_the_scan_sees_relative_and_absolute_imports(tmp_path, monkeypatch):
    """The scanner itself: a module written like a core module that imports a domain app is caught."""
    fake = CORE / "templatetags" / "_layering_probe.py"
    fake.write_text("from ...demands import services\nimport industry_brain.projects.models\n"
                    "from industry_brain import chains\nfrom ..models import Event\n", encoding="utf-8")
    try:
        found = [m for _, m in _imports(fake)]
    finally:
        fake.unlink()
    assert "industry_brain.demands" in found and "industry_brain.projects.models" in found
    assert "industry_brain.chains" in found and "industry_brain.core.models" in found
