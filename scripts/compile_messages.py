"""Compile every locale's django.po to django.mo with polib (no gettext tools needed at set-up)."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "industry_brain"

if __name__ == "__main__":
    # The project catalogue (locale/) and each app's own (<app>/locale/).
    for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/django.po")):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        where = po_path.relative_to(ROOT).parts[0]
        print(f"{where} {po_path.parent.parent.name}: {len(po.translated_entries())} messages")
