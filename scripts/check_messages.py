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
PO = ROOT / "src" / "industry_brain" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

if __name__ == "__main__":
    if shutil.which("xgettext"):
        subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location",
                        "--ignore=.venv/*", "--ignore=node_modules/*", "-v0"],
                       cwd=ROOT, check=True)
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    if missing:
        print(f"{len(missing)} strings lack a Chinese translation in {PO.relative_to(ROOT)}:")
        for m in missing[:80]:
            print("  ", m.replace("\n", " ")[:100])
        sys.exit(1)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_messages.py")], check=True)
