"""Fail when a user-facing string has no Chinese translation.

Re-extracts the strings of the code and templates with Django's makemessages (when GNU gettext is
installed), then checks that every entry of the zh_Hans catalogue is translated and not fuzzy, and
compiles the catalogues.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "industry_brain"
# The project catalogue plus one per app that keeps its own (`<app>/locale/`): makemessages writes each string to
# the catalogue nearest its file.
CATALOGUES = sorted(SRC.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))

if __name__ == "__main__":
    if shutil.which("xgettext"):
        subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location",
                        "--ignore=.venv/*", "--ignore=node_modules/*", "-v0"],
                       cwd=ROOT, check=True)
    failed = False
    for path in CATALOGUES:
        po = polib.pofile(str(path))
        missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
        if missing:
            failed = True
            print(f"{len(missing)} strings lack a Chinese translation in {path.relative_to(ROOT)}:")
            for m in missing[:80]:
                print("  ", m.replace("\n", " ")[:100])
    if failed:
        sys.exit(1)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_messages.py")], check=True)
