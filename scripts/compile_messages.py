"""Compile every locale's django.po to django.mo with polib (no gettext tools needed at set-up)."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "industry_brain" / "locale"

if __name__ == "__main__":
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/django.po")):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"{po_path.parent.parent.name}: {len(po.translated_entries())} messages")
